import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  angleBetweenDeg,
  bearingDeg,
  boxLowerBoundM,
  distanceM,
  distanceToRingsM,
  haversineM,
  pointInRings,
  ringAreaCentroid,
  type Ring
} from './geometry.ts';
import { douglasPeucker, simplifySharedBorders } from './simplify.ts';
import { seededRandom } from './random.ts';


test('distanceM agrees with haversine within 0.01 % up to 50 km around Seoul', () => {
  const r = seededRandom(1);
  for (let i = 0; i < 2000; i++) {
    const lat1 = 37.4 + r() * 0.35;
    const lon1 = 126.75 + r() * 0.45;
    const lat2 = lat1 + (r() - 0.5) * 0.45;
    const lon2 = lon1 + (r() - 0.5) * 0.55;
    const h = haversineM(lat1, lon1, lat2, lon2);
    if (h < 1) continue;
    assert.ok(Math.abs(distanceM(lat1, lon1, lat2, lon2) - h) / h < 1e-4, `${lat1},${lon1} → ${lat2},${lon2}`);
  }
  // 서울시청 → 광화문: about 690 m.
  assert.ok(Math.abs(distanceM(37.5663, 126.9779, 37.5725, 126.9769) - 695) < 10);
});

test('bearingDeg and angleBetweenDeg', () => {
  assert.equal(Math.round(bearingDeg(37.5, 127, 37.6, 127)), 0);
  assert.equal(Math.round(bearingDeg(37.5, 127, 37.5, 127.1)), 90);
  assert.equal(Math.round(bearingDeg(37.5, 127, 37.4, 127)), 180);
  assert.equal(Math.round(bearingDeg(37.5, 127, 37.5, 126.9)), 270);
  assert.ok(Number.isNaN(bearingDeg(37.5, 127, 37.5, 127)));
  assert.equal(angleBetweenDeg(350, 10), 20);
  assert.equal(angleBetweenDeg(10, 350), 20);
  assert.equal(angleBetweenDeg(0, 180), 180);
  assert.equal(angleBetweenDeg(-90, 270), 0);
});

test('boxLowerBoundM never exceeds the distance to a point in the box', () => {
  const r = seededRandom(2);
  for (let i = 0; i < 5000; i++) {
    const minLat = 37.4 + r() * 0.3;
    const minLon = 126.8 + r() * 0.4;
    const maxLat = minLat + r() * 0.01;
    const maxLon = minLon + r() * 0.01;
    const lat = 37.4 + r() * 0.3;
    const lon = 126.8 + r() * 0.4;
    const bound = boxLowerBoundM(lat, lon, minLon, minLat, maxLon, maxLat);
    for (let k = 0; k < 4; k++) {
      const pLat = minLat + r() * (maxLat - minLat);
      const pLon = minLon + r() * (maxLon - minLon);
      assert.ok(bound <= distanceM(lat, lon, pLat, pLon) + 1e-9);
    }
  }
});

test('pointInRings: outer ring with a hole, and two disjoint polygons', () => {
  const outer: Ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
  const hole: Ring = [[4, 4], [4, 6], [6, 6], [6, 4], [4, 4]];
  const other: Ring = [[20, 0], [30, 0], [30, 10], [20, 10], [20, 0]];
  assert.equal(pointInRings(2, 2, [outer, hole]), true);
  assert.equal(pointInRings(5, 5, [outer, hole]), false);
  assert.equal(pointInRings(25, 5, [outer, hole, other]), true);
  assert.equal(pointInRings(15, 5, [outer, hole, other]), false);
  // A shared edge: exactly one of two neighbours claims points on it.
  const left: Ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
  const right: Ring = [[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]];
  for (const y of [0.1, 0.5, 0.9]) assert.equal(Number(pointInRings(1, y, [left])) + Number(pointInRings(1, y, [right])), 1);
});

test('ringAreaCentroid and distanceToRingsM', () => {
  // A 0.01° square at 37.5°N.
  const sq: Ring = [[127, 37.5], [127.01, 37.5], [127.01, 37.51], [127, 37.51], [127, 37.5]];
  const m = ringAreaCentroid(sq, 37.505);
  const expected = distanceM(37.505, 127, 37.505, 127.01) * distanceM(37.5, 127, 37.51, 127);
  assert.ok(Math.abs(m.areaM2 - expected) / expected < 1e-3);
  assert.ok(Math.abs(m.lon - 127.005) < 1e-9 && Math.abs(m.lat - 37.505) < 1e-9);
  assert.ok(ringAreaCentroid([...sq].reverse(), 37.505).areaM2 < 0);
  assert.ok(Math.abs(distanceToRingsM(37.505, 127.02, [sq]) - distanceM(37.505, 127.01, 37.505, 127.02)) < 1);
});

test('douglasPeucker keeps both ends and drops points within tolerance', () => {
  const kx = 88_000;
  const ky = 111_000;
  const line = [[0, 0], [0.001, 0.00001], [0.002, 0], [0.003, 0.001], [0.004, 0]] as const;
  const out = douglasPeucker(line, 5, kx, ky);
  assert.deepEqual(out, [[0, 0], [0.002, 0], [0.003, 0.001], [0.004, 0]]);
});

test('simplifySharedBorders simplifies a shared border identically for both neighbours', () => {
  // Two squares sharing a wiggly vertical border (wiggle ~1 m, under the 5 m tolerance).
  const border: Array<[number, number]> = [];
  for (let i = 0; i <= 10; i++) border.push([127 + (i % 2) * 0.00001, 37.5 + i * 0.001]);
  const left = [[126.99, 37.5], ...border, [126.99, 37.51], [126.99, 37.5]] as Array<[number, number]>;
  // The right square walks the border the other way.
  const right = [[127.01, 37.51], ...[...border].reverse(), [127.01, 37.5], [127.01, 37.51]] as Array<[number, number]>;
  const { features, stats } = simplifySharedBorders([[[left]], [[right]]], 5, 37.5);
  const l = features[0]![0]![0]!;
  const r = features[1]![0]![0]!;
  const key = (p: readonly number[]) => p.join(',');
  const onBorderL = l.slice(0, -1).filter((p) => Math.abs(p[0] - 127) < 0.0001).map(key);
  const onBorderR = r.slice(0, -1).filter((p) => Math.abs(p[0] - 127) < 0.0001).map(key);
  assert.deepEqual([...onBorderL].sort(), [...onBorderR].sort());
  assert.ok(onBorderL.length < border.length, 'the wiggle was simplified away');
  assert.equal(key(l[0]!), key(l.at(-1)!), 'rings stay closed');
  assert.equal(stats.sharedArcs, 1);
});
