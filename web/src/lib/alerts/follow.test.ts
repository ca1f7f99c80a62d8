import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HANDOFF, handOff } from '../pursuit/handoff.ts';
import { metresBetween, rankNear } from './follow.ts';

// Along a park path: cameras every ~110 m east of one another.
const cams = ['w', 'm', 'e'].map((cameraId, i) => ({ cameraId, location: { lat: 37.5, lon: 127 + i * 0.00125 } }));

test('distances are metres (within a park)', () => {
  const d = metresBetween({ lat: 37.5, lon: 127 }, { lat: 37.5, lon: 127.00125 });
  assert.ok(Math.abs(d - 110.3) < 1, `${d}`);
});

test('the cameras nearest the latest fix rank first', () => {
  assert.deepEqual(rankNear(cams, { lat: 37.5, lon: 127.0024 }).map((c) => c.cameraId), ['e', 'm', 'w']);
  const [first, second] = rankNear(cams, { lat: 37.5, lon: 127 });
  assert.ok(first!.score > 0.95 && second!.score < 0.3, 'a camera at the spot clearly outranks one a block away');
});

test('as the person walks east, a tile hands off to the camera nearest the new fix once its dwell is over', () => {
  const start = handOff({ slots: [null], since: new Map(), ranked: rankNear(cams, { lat: 37.5, lon: 127 }), keep: new Set(), now: 0 });
  assert.deepEqual(start.slots, ['w']);
  const moved = rankNear(cams, { lat: 37.5, lon: 127.0025 });
  const early = handOff({ slots: start.slots, since: start.since, ranked: moved, keep: new Set(), now: DEFAULT_HANDOFF.dwellMs - 1 });
  assert.deepEqual(early.slots, ['w'], 'not before the dwell');
  const later = handOff({ slots: start.slots, since: start.since, ranked: moved, keep: new Set(), now: DEFAULT_HANDOFF.dwellMs });
  assert.deepEqual(later.slots, ['e']);
});
