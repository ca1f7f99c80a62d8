import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nearestWanted, wallCameras } from './wall.ts';
import { camera, dispatch, near, route } from './test-fixtures.ts';

test('the board asks for at least eight nearest cameras, and one per tile', () => {
  assert.equal(nearestWanted(1), 8);
  assert.equal(nearestWanted(4), 8);
  assert.equal(nearestWanted(9), 9);
  assert.equal(nearestWanted(16), 16);
});

test('the wall shows the nearest cameras, or those along the driven route', () => {
  const nearest = [near('n1'), near('n2')];
  const plain = dispatch('inc-1', [camera('r1'), camera('r2')]);
  assert.deepEqual(wallCameras('nearest', nearest, plain), ['n1', 'n2']);
  assert.deepEqual(wallCameras('route', nearest, plain), ['r1', 'r2']);
  assert.deepEqual(wallCameras('route', nearest, { ...plain, detour: { ...route([camera('d1')]), extraS: 30 } }), ['d1']);
  assert.deepEqual(wallCameras('route', nearest, null), []);
});
