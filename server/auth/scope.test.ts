import assert from 'node:assert/strict';
import { test } from 'node:test';
import { principalFromClaims } from './principal.ts';
import { canView, visibleCameras } from './scope.ts';

const principal = (districts: string[], cameras: string[] = []) =>
  principalFromClaims('iss', { sub: 's', name: 'n', agency: 'a', role: 'operator', scope: { districts, cameras }, exp: 2e9 });

const gangnam = { id: 'cam-gangnam', district: { code: '11680' } };
const mapo = { id: 'cam-mapo', district: { code: '11440' } };

test('city-wide scope sees every district', () => {
  assert.equal(canView(principal(['*']), gangnam), true);
  assert.equal(canView(principal(['*']), mapo), true);
});

test('a district scope sees only its district', () => {
  assert.equal(canView(principal(['11680']), gangnam), true);
  assert.equal(canView(principal(['11680']), mapo), false);
  assert.deepEqual(visibleCameras(principal(['11440']), [gangnam, mapo]), [mapo]);
});

test('single cameras can be granted outside the districts', () => {
  assert.equal(canView(principal(['11680'], ['cam-mapo']), mapo), true);
  assert.equal(canView(principal([], []), gangnam), false);
});
