import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold } from '$protocol/shared-view-fold.ts';
import { afterJoin, foldIn, RESYNC, resumeFrom, withTiles } from './sync.ts';
import { camera, envelopes, FIRE, inStep, opened } from './test-fixtures.ts';

const POLYGON = { type: 'polygon' as const, coordinates: [{ lat: 37.5, lon: 127 }, { lat: 37.51, lon: 127 }, { lat: 37.51, lon: 127.01 }] };

test('ops pushed in order fold into the same state the hub holds (the replayed fold)', () => {
  const start = opened();
  const ops = envelopes(2, [
    { type: 'layout', layout: 9 },
    { type: 'tile.set', slot: 0, tile: { camera: camera('CAM-1') } },
    { type: 'tile.set', slot: 1, tile: { withheld: true } },
    { type: 'annotation.add', id: 'a1', kind: '통제구역', label: '침수', geometry: POLYGON },
    { type: 'map.view', center: { lat: 37.55, lon: 126.99 }, zoom: 14 }
  ]);
  // Delivered in two pushes, the second with a duplicate of the first's last op.
  const next = inStep(foldIn(inStep(foldIn(start, ops.slice(0, 3))), ops.slice(2)));
  const replayed = fold('view-1', [
    { version: 1, at: 1_000, by: start.owner, op: { type: 'open', title: start.title, incidentId: null, owner: start.owner, invited: start.invited } },
    ...ops
  ]);
  assert.deepEqual(next, replayed);
  assert.equal(next.version, 6);
  assert.deepEqual(next.tiles.slice(0, 2), [{ camera: camera('CAM-1') }, { withheld: true }]);
});

test('a gap in the versions asks for a resync instead of guessing', () => {
  assert.equal(foldIn(opened(), envelopes(3, [{ type: 'layout', layout: 1 }])), RESYNC);
});

test('a join answered with ops continues the state held; with a snapshot replaces it', () => {
  const state = inStep(foldIn(opened(), envelopes(2, [{ type: 'layout', layout: 16 }])));
  assert.equal(resumeFrom(state, 'view-1'), 2);
  assert.equal(resumeFrom(state, 'view-2'), undefined, 'another view is joined from scratch');
  assert.equal(resumeFrom(null, 'view-1'), undefined);

  const tiles = state.tiles.map((tile, i) => (i === 0 ? { camera: camera('CAM-9') } : tile));
  const resumed = inStep(afterJoin(state, { kind: 'ops', viewId: 'view-1', ops: envelopes(3, [{ type: 'note', text: '재연결 중 메모' }], FIRE), tiles, participants: [] }));
  assert.equal(resumed.version, 3);
  assert.deepEqual(resumed.tiles[0], { camera: camera('CAM-9') }, 'tiles as the scope resolves them now (a grant begun while away)');
  assert.equal(resumed.notes[0]?.text, '재연결 중 메모');
  assert.equal(resumed.layout, 16, 'what was held stays');

  const snapshot = { ...opened(), version: 40, title: '호우 대응' };
  assert.equal(afterJoin(state, { kind: 'snapshot', view: snapshot, participants: [] }), snapshot);
  assert.equal(afterJoin(null, { kind: 'ops', viewId: 'view-1', ops: [], tiles, participants: [] }), RESYNC, 'ops with nothing held: ask for the whole view');
  assert.equal(afterJoin(state, { kind: 'ops', viewId: 'view-1', ops: envelopes(5, [{ type: 'layout', layout: 1 }]), tiles, participants: [] }), RESYNC);
});

test('tiles re-resolved by the hub replace those held at the same version; at another version, a resync', () => {
  const state = inStep(foldIn(opened(), envelopes(2, [{ type: 'layout', layout: 4 }])));
  const tiles = state.tiles.map((tile, i) => (i === 0 ? { camera: camera('CAM-7') } : tile));
  const next = inStep(withTiles(state, { version: 2, tiles }));
  assert.deepEqual(next.tiles[0], { camera: camera('CAM-7') });
  assert.equal(next.layout, 4, 'the rest stays');
  assert.equal(withTiles(state, { version: 3, tiles }), RESYNC);
});
