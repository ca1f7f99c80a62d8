import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubError } from '../protocol/errors.ts';
import { applyOp, fold, mapTiles, openView, rightsOf, undoOp, VersionGapError } from '../protocol/shared-view-fold.ts';
import { clientOpSchema, type ClientOp, type OpEnvelope } from '../protocol/shared-view.ts';
import { admitOp, type Actor, type StoredOp, type StoredState, type StoredTile } from './admit.ts';

const owner: Actor = { subject: 'kim', agency: 'seoul-disaster', name: '김 상황관리', role: 'operator' };
const fire: Actor = { subject: 'lee', agency: 'seoul-119', name: '이 근무자', role: 'operator' };
const welfare: Actor = { subject: 'park', agency: 'seoul-welfare', name: '박 복지', role: 'operator' };
const wall: Actor = { subject: 'wall-1', agency: 'seoul-disaster', name: '대형 화면', role: 'wall' };
const POLYGON = { type: 'polygon' as const, coordinates: [{ lat: 37.5, lon: 127 }, { lat: 37.51, lon: 127 }, { lat: 37.51, lon: 127.01 }] };

/** A view the way the hub runs one: admit, assign the next version, fold; the log is kept to replay. */
class Harness {
  state: StoredState;
  readonly log: Array<OpEnvelope<StoredTile>> = [];
  present = [owner, fire, welfare, wall];
  hidden = new Set(['CAM-SECRET']);
  #clock = 1_000;

  constructor() {
    const open: OpEnvelope<StoredTile> = {
      version: 1, at: this.#clock, by: owner,
      op: { type: 'open', title: '태풍 대응', incidentId: null, owner: { subject: owner.subject, agency: owner.agency, name: owner.name }, invited: { agencies: ['seoul-disaster', 'seoul-119', 'seoul-welfare'], users: [] } }
    };
    this.log.push(open);
    this.state = openView('view-1', open);
  }

  /** Sends a client op as `actor` at `baseVersion` (default: the current version); returns its envelope. */
  send(actor: Actor, input: unknown, baseVersion = this.state.version): OpEnvelope<StoredTile> {
    const op: ClientOp = clientOpSchema.parse(input);
    const stored: StoredOp = admitOp(this.state, actor, { baseVersion, op }, {
      participant: (user) => this.present.find((p) => p.role !== 'wall' && p.subject === user.subject && p.agency === user.agency),
      canSee: (cameraId) => !this.hidden.has(cameraId)
    });
    return this.commit(actor, stored);
  }

  commit(actor: Actor, op: StoredOp): OpEnvelope<StoredTile> {
    const envelope = { version: this.state.version + 1, at: ++this.#clock, by: { subject: actor.subject, agency: actor.agency, name: actor.name }, op };
    this.log.push(envelope);
    this.state = applyOp(this.state, envelope);
    return envelope;
  }

  refused(actor: Actor, input: unknown, code: string, baseVersion?: number): void {
    assert.throws(() => this.send(actor, input, baseVersion), (error: unknown) => error instanceof HubError && error.code === code);
  }
}

test('ops fold in the hub order; the late-join snapshot equals the replayed fold at every version', () => {
  const view = new Harness();
  view.send(owner, { type: 'layout', layout: 9 });
  view.send(owner, { type: 'tile.set', slot: 0, cameraId: 'CAM-1' });
  view.send(owner, { type: 'tile.set', slot: 8, cameraId: 'CAM-2' });
  view.send(owner, { type: 'highlight', slot: 8 });
  view.send(owner, { type: 'map.view', center: { lat: 37.55, lon: 126.99 }, zoom: 14 });
  view.send(owner, { type: 'annotation.add', id: 'a1', kind: '통제구역', label: '침수 도로', geometry: POLYGON });
  view.send(owner, { type: 'note', text: '한강 수위 경보' });
  view.send(owner, { type: 'layout', layout: 4 });
  assert.equal(view.state.version, 9);
  assert.equal(view.state.layout, 4);
  // A highlight outside the smaller layout goes; the tile behind it stays (hidden) for a larger one.
  assert.equal(view.state.highlight, null);
  assert.deepEqual(view.state.tiles[8], { cameraId: 'CAM-2' });
  assert.deepEqual(view.state.notes.map((n) => [n.version, n.text, n.author.subject]), [[8, '한강 수위 경보', 'kim']]);
  for (let n = 1; n <= view.log.length; n++) {
    let live = openView<StoredTile>('view-1', view.log[0]!);
    for (const envelope of view.log.slice(1, n)) live = applyOp(live, envelope);
    assert.deepEqual(fold('view-1', view.log.slice(0, n)), live, `version ${n}`);
  }
  assert.deepEqual(fold('view-1', view.log), view.state);
  // A duplicate delivery is ignored; a gap is reported so the client joins again with sinceVersion.
  assert.equal(applyOp(view.state, view.log[3]!), view.state);
  assert.throws(() => applyOp(fold('view-1', view.log.slice(0, 3)), view.log[5]!), VersionGapError);
});

test('conflicting edits: last writer wins per field, in the hub order, whatever each sender had seen', () => {
  const view = new Harness();
  view.send(owner, { type: 'rights', edit: 'everyone' });
  view.send(fire, { type: 'annotation.add', id: 'route', kind: '대피경로', label: '대피로 1', geometry: { type: 'line', coordinates: [{ lat: 37.5, lon: 127 }, { lat: 37.6, lon: 127.1 }] } });
  const base = view.state.version;
  // Both saw `base`; the owner's label lands first, the author's kind second: both fields survive.
  view.send(owner, { type: 'annotation.update', id: 'route', label: '대피로 A' }, base);
  view.send(fire, { type: 'annotation.update', id: 'route', kind: '위험' }, base);
  // Two pushes onto one tile from the same base: the later one holds it.
  view.send(owner, { type: 'tile.set', slot: 1, cameraId: 'CAM-1' }, base);
  view.send(fire, { type: 'tile.set', slot: 1, cameraId: 'CAM-2' }, base);
  const route = view.state.annotations.find((a) => a.id === 'route')!;
  assert.equal(route.label, '대피로 A');
  assert.equal(route.kind, '위험');
  assert.equal(route.author.subject, 'lee');
  assert.equal(route.updatedBy.subject, 'lee');
  assert.deepEqual(view.state.tiles[1], { cameraId: 'CAM-2' });
  // A change to an annotation removed meanwhile is refused with its own code, from any base.
  view.send(fire, { type: 'annotation.remove', id: 'route' }, base);
  view.refused(owner, { type: 'annotation.update', id: 'route', label: 'late' }, 'ANNOTATION_REMOVED', base);
  view.refused(owner, { type: 'annotation.remove', id: 'route' }, 'ANNOTATION_REMOVED');
  view.refused(owner, { type: 'annotation.add', id: 'route', kind: '위험', label: '', geometry: POLYGON }, 'BAD_REQUEST');
  view.refused(owner, { type: 'annotation.update', id: 'never', label: 'x' }, 'NOT_FOUND');
  view.refused(owner, { type: 'layout', layout: 1 }, 'BAD_REQUEST', view.state.version + 1);
});

test('undo of one\'s own annotation is an op: it removes the latest of one\'s own, never another\'s', () => {
  const view = new Harness();
  view.send(owner, { type: 'rights', edit: 'everyone' });
  view.send(fire, { type: 'annotation.add', id: 'f1', kind: '집결지', label: '집결지 1', geometry: { type: 'point', coordinates: { lat: 37.5, lon: 127 } } });
  view.send(welfare, { type: 'annotation.add', id: 'w1', kind: '위험', label: '', geometry: POLYGON });
  view.send(fire, { type: 'annotation.add', id: 'f2', kind: '통제구역', label: '', geometry: POLYGON });
  const undo = undoOp(view.state, fire)!;
  assert.deepEqual(undo, { type: 'annotation.remove', id: 'f2' });
  view.send(fire, undo);
  view.send(fire, undoOp(view.state, fire)!);
  assert.equal(undoOp(view.state, fire), undefined);
  assert.deepEqual(view.state.annotations.map((a) => a.id), ['w1']);
  assert.deepEqual(view.state.removed, ['f2', 'f1']);
  // Another's annotation: not the author, not the owner.
  view.refused(fire, { type: 'annotation.remove', id: 'w1' }, 'VIEW_READ_ONLY');
  // The owner may remove anyone's; an undo still works after rights narrow.
  view.send(welfare, { type: 'annotation.add', id: 'w2', kind: '위험', label: '', geometry: POLYGON });
  view.send(owner, { type: 'rights', edit: 'owner' });
  view.send(welfare, undoOp(view.state, welfare)!);
  view.send(owner, { type: 'annotation.remove', id: 'w1' });
  assert.deepEqual(view.state.annotations, []);
});

test('rights: owner, presenter, everyone; owner-only controls; walls never edit; a camera the sender may not see is refused', () => {
  const view = new Harness();
  // Default: the presenter (the owner at first) edits.
  assert.equal(view.state.edit, 'presenter');
  view.refused(fire, { type: 'layout', layout: 1 }, 'VIEW_READ_ONLY');
  view.refused(fire, { type: 'map.view', center: { lat: 37.5, lon: 127 }, zoom: 12 }, 'VIEW_READ_ONLY');
  view.refused(fire, { type: 'presenter', to: { subject: 'lee', agency: 'seoul-119' } }, 'VIEW_READ_ONLY');
  view.send(owner, { type: 'presenter', to: { subject: 'lee', agency: 'seoul-119' } });
  assert.deepEqual(view.state.presenter, { subject: 'lee', agency: 'seoul-119', name: '이 근무자' });
  view.send(fire, { type: 'layout', layout: 1 });
  view.send(fire, { type: 'map.view', center: { lat: 37.5, lon: 127 }, zoom: 12 });
  view.refused(fire, { type: 'rights', edit: 'everyone' }, 'VIEW_READ_ONLY');
  view.refused(fire, { type: 'close' }, 'VIEW_READ_ONLY');
  view.refused(welfare, { type: 'note', text: '확인' }, 'VIEW_READ_ONLY');
  // Only a person in the view can present; walls are never offered.
  view.refused(owner, { type: 'presenter', to: { subject: 'wall-1', agency: 'seoul-disaster' } }, 'BAD_REQUEST');
  view.refused(owner, { type: 'presenter', to: { subject: 'ghost', agency: 'seoul-119' } }, 'BAD_REQUEST');
  view.send(owner, { type: 'rights', edit: 'everyone' });
  view.send(welfare, { type: 'note', text: '확인' });
  // The shared map stays the presenter's under `everyone`.
  view.refused(welfare, { type: 'map.view', center: { lat: 37.5, lon: 127 }, zoom: 12 }, 'VIEW_READ_ONLY');
  view.refused(wall, { type: 'note', text: 'x' }, 'VIEW_READ_ONLY');
  assert.deepEqual(rightsOf(view.state, wall), { content: false, map: false, owner: false });
  view.refused(welfare, { type: 'tile.set', slot: 0, cameraId: 'CAM-SECRET' }, 'CAMERA_OUT_OF_SCOPE');
  // Uninviting the presenter's agency hands presenting back to the owner.
  view.send(owner, { type: 'uninvite', agencies: ['seoul-119'], users: [] });
  assert.deepEqual(view.state.presenter, { subject: 'kim', agency: 'seoul-disaster', name: '김 상황관리' });
  view.send(owner, { type: 'close' });
  assert.equal(view.state.status, 'closed');
  view.refused(owner, { type: 'note', text: 'after' }, 'VIEW_CLOSED');
  assert.deepEqual(fold('view-1', view.log), view.state);
});

test('a participant\'s tiles are mapped from the hub\'s camera ids without touching the rest of the state', () => {
  const view = new Harness();
  view.send(owner, { type: 'tile.set', slot: 0, cameraId: 'CAM-1' });
  view.send(owner, { type: 'tile.set', slot: 2, cameraId: 'CAM-2' });
  const seen = mapTiles(view.state, (tile) => (tile.cameraId === 'CAM-2' ? { withheld: true as const } : { camera: tile.cameraId }));
  assert.deepEqual(seen.tiles.slice(0, 3), [{ camera: 'CAM-1' }, null, { withheld: true }]);
  assert.equal(JSON.stringify(seen).includes('CAM-2'), false);
  assert.equal(seen.version, view.state.version);
});
