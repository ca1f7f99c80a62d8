import assert from 'node:assert/strict';
import { test } from 'node:test';
import { undoOp } from '$protocol/shared-view-fold.ts';
import { annotationId, geometryOf, toMapAnnotation } from './annotations.ts';
import { foldIn } from './sync.ts';
import { envelopes, FIRE, inStep, OWNER, opened } from './test-fixtures.ts';

const A = { lat: 37.5, lon: 127 };
const B = { lat: 37.51, lon: 127 };
const C = { lat: 37.51, lon: 127.01 };

test('what was drawn becomes the wire geometry of its shape, or nothing when too short', () => {
  assert.deepEqual(geometryOf('point', [A]), { type: 'point', coordinates: A });
  assert.deepEqual(geometryOf('line', [A, B]), { type: 'line', coordinates: [A, B] });
  assert.deepEqual(geometryOf('polygon', [A, B, C]), { type: 'polygon', coordinates: [A, B, C] });
  assert.equal(geometryOf('point', []), null);
  assert.equal(geometryOf('line', [A]), null);
  assert.equal(geometryOf('polygon', [A, B]), null);
});

test("undo removes the person's own latest annotation, never someone else's", () => {
  const state = inStep(foldIn(opened(), [
    ...envelopes(2, [{ type: 'annotation.add', id: 'mine1', kind: '통제구역', label: '', geometry: { type: 'polygon', coordinates: [A, B, C] } }], OWNER),
    ...envelopes(3, [{ type: 'annotation.add', id: 'theirs', kind: '대피경로', label: '', geometry: { type: 'line', coordinates: [A, B] } }], FIRE),
    ...envelopes(4, [{ type: 'annotation.add', id: 'mine2', kind: '위험', label: '붕괴', geometry: { type: 'point', coordinates: C } }], OWNER)
  ]));
  assert.deepEqual(undoOp(state, OWNER), { type: 'annotation.remove', id: 'mine2' });
  const undone = inStep(foldIn(state, envelopes(5, [{ type: 'annotation.remove', id: 'mine2' }], OWNER)));
  assert.deepEqual(undoOp(undone, OWNER), { type: 'annotation.remove', id: 'mine1' });
  assert.deepEqual(undoOp(undone, FIRE), { type: 'annotation.remove', id: 'theirs' });
  assert.deepEqual(undone.annotations.map(toMapAnnotation), [
    { id: 'mine1', kind: '통제구역', shape: 'polygon', points: [A, B, C], label: '' },
    { id: 'theirs', kind: '대피경로', shape: 'line', points: [A, B], label: '' }
  ]);
});

test('annotation ids are fresh and fit the wire rule', () => {
  const ids = new Set(Array.from({ length: 50 }, annotationId));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{1,40}$/);
});
