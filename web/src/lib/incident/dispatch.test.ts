import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detourOf, drivenCameras, drivenChanged, isFlaggedAt, noDetourReason, supersedes } from './dispatch.ts';
import { camera, dispatch, route } from './test-fixtures.ts';

const flag = (lat: number, lon: number) => ({ edgeId: 7, name: '테헤란로', at: { lat, lon } });

test('the driven cameras are the route’s until a detour exists, then the detour’s', () => {
  const plain = dispatch('inc-1', [camera('a'), camera('b')]);
  assert.deepEqual(drivenCameras(plain).map((c) => c.id), ['a', 'b']);
  assert.equal(detourOf(plain), null);
  assert.equal(noDetourReason(plain), null);

  const detoured = dispatch('inc-1', [camera('a'), camera('b')], { flagged: [flag(37.5, 127)], detour: { ...route([camera('c')]), extraS: 40 } });
  assert.deepEqual(drivenCameras(detoured).map((c) => c.id), ['c']);
  assert.equal(detourOf(detoured)?.extraS, 40);

  const blocked = dispatch('inc-1', [camera('a')], { flagged: [flag(37.5, 127)], detour: { none: 'no other road' } });
  assert.deepEqual(drivenCameras(blocked).map((c) => c.id), ['a'], 'no detour: the engine still drives the route');
  assert.equal(detourOf(blocked), null);
  assert.equal(noDetourReason(blocked), 'no other road');
  assert.deepEqual(drivenCameras(null), []);
});

test('the driven route changed only when its cameras did', () => {
  const before = dispatch('inc-1', [camera('a'), camera('b')]);
  assert.equal(drivenChanged(before, dispatch('inc-1', [camera('a'), camera('b')], { flagged: [flag(1, 2)], detour: { none: 'x' } })), false);
  assert.equal(drivenChanged(before, dispatch('inc-1', [camera('a')], { detour: { ...route([camera('c')]), extraS: 1 } })), true);
  assert.equal(drivenChanged(null, before), true);
  assert.equal(drivenChanged(null, null), false);
});

test('a camera is flagged when a flag was set at its point', () => {
  const flagged = dispatch('inc-1', [camera('a', 37.5, 127), camera('b', 37.6, 127)], { flagged: [flag(37.5, 127)] });
  assert.equal(isFlaggedAt(flagged, { lat: 37.5, lon: 127 }), true);
  assert.equal(isFlaggedAt(flagged, { lat: 37.6, lon: 127 }), false);
  assert.equal(isFlaggedAt(flagged, { lat: 37.5000001, lon: 127 }), false, 'a neighbour a few cm away is not');
  assert.equal(isFlaggedAt(null, { lat: 37.5, lon: 127 }), false);
});

test('an answer does not replace a live dispatch of the same incident that already has flags', () => {
  const answer = dispatch('inc-1', [camera('a')]);
  assert.equal(supersedes(null, answer), true);
  assert.equal(supersedes(dispatch('inc-1', [camera('a')]), answer), true);
  assert.equal(supersedes(dispatch('inc-1', [camera('a')], { flagged: [flag(1, 2)] }), answer), false);
  assert.equal(supersedes(dispatch('inc-2', [camera('a')], { flagged: [flag(1, 2)] }), answer), true);
});
