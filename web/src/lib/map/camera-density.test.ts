import assert from 'node:assert/strict';
import { test } from 'node:test';
import { densityCells } from './camera-density.ts';

const byPosition = (a: { x: number; y: number }, b: { x: number; y: number }) => a.x - b.x || a.y - b.y;

test('points in one cell make one mark at their mean, with their count', () => {
  const cells = densityCells([10, 20, 30], [5, 15, 25], 100);
  assert.deepEqual(cells, [{ x: 20, y: 15, count: 3 }]);
});

test('cells split on multiples of the size, negative coordinates included', () => {
  const x = [-150, -50, 50, 99.9, 100, 14_130_000, 14_130_050];
  const y = [-150, -50, 50, 0, 0, 4_500_000, 4_500_010];
  const cells = densityCells(x, y, 100).sort(byPosition);
  assert.deepEqual(cells, [
    { x: -150, y: -150, count: 1 },
    { x: -50, y: -50, count: 1 },
    { x: 74.95, y: 25, count: 2 },
    { x: 100, y: 0, count: 1 },
    { x: 14_130_025, y: 4_500_005, count: 2 }
  ]);
});

test('every point is counted once, and a bigger cell never makes more marks', () => {
  const n = 5000;
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const x = Float64Array.from({ length: n }, () => 14_100_000 + random() * 40_000);
  const y = Float64Array.from({ length: n }, () => 4_490_000 + random() * 30_000);
  let previous = Infinity;
  for (const size of [500, 1000, 2000, 4000, 8000]) {
    const cells = densityCells(x, y, size);
    assert.equal(cells.reduce((sum, c) => sum + c.count, 0), n);
    assert.ok(cells.length <= previous, `${cells.length} marks at ${size} m, ${previous} at half that`);
    previous = cells.length;
  }
});

test('no points, no marks; a cell size that is not positive is refused', () => {
  assert.deepEqual(densityCells([], [], 10), []);
  assert.throws(() => densityCells([1], [1], 0), RangeError);
});
