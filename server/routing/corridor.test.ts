// Routes come from a real OpenStreetMap export of Göteborg (© OpenStreetMap contributors, ODbL).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointsAlongRoute, type CorridorHit, type CorridorPoint } from './corridor.ts';
import { DEG_TO_RAD, METRES_PER_DEGREE, haversineM, type LonLat } from './geo.ts';
import { Router } from './router.ts';
import { goteborg, mainComponentNodes, seededRandom } from './test-support.ts';

/** Reference: every point against every segment (same local-frame distance), then sort. */
function bruteForce(polyline: LonLat[], points: CorridorPoint[], halfWidthM: number): CorridorHit[] {
  const segments = Array.from({ length: Math.max(1, polyline.length - 1) }, (_, s) => {
    const [lon1, lat1] = polyline[s]!;
    const [lon2, lat2] = polyline[Math.min(s + 1, polyline.length - 1)]!;
    const kx = METRES_PER_DEGREE * Math.cos(((lat1 + lat2) / 2) * DEG_TO_RAD);
    return { lon1, lat1, kx, bx: (lon2 - lon1) * kx, by: (lat2 - lat1) * METRES_PER_DEGREE, length: haversineM(lat1, lon1, lat2, lon2), along: 0 };
  });
  for (let s = 1; s < segments.length; s++) segments[s]!.along = segments[s - 1]!.along + segments[s - 1]!.length;
  const hits: (CorridorHit & { order: number })[] = [];
  points.forEach((p, order) => {
    let best: CorridorHit | null = null;
    for (let s = 0; s < segments.length; s++) {
      const { lon1, lat1, kx, bx, by, length, along } = segments[s]!;
      const px = (p.lon - lon1) * kx;
      const py = (p.lat - lat1) * METRES_PER_DEGREE;
      const len2 = bx * bx + by * by;
      const t = len2 > 0 ? Math.min(1, Math.max(0, (px * bx + py * by) / len2)) : 0;
      const d = Math.sqrt((px - t * bx) ** 2 + (py - t * by) ** 2);
      if (best === null || d < best.offsetM) best = { point: p, alongM: along + t * length, offsetM: d, segmentIndex: s };
    }
    if (best !== null && best.offsetM <= halfWidthM) hits.push({ ...best, order });
  });
  hits.sort((a, b) => a.alongM - b.alongM || a.offsetM - b.offsetM || a.order - b.order);
  return hits.map(({ order: _, ...hit }) => hit);
}

test('corridor hits and order equal a brute force on real routes and random points', (t) => {
  const graph = goteborg();
  const router = new Router(graph);
  const nodes = mainComponentNodes(graph);
  const rnd = seededRandom(2024);
  // Random cameras over the city, and a cluster hugging each route (so that many hits exist).
  const points: CorridorPoint[] = Array.from({ length: 5_000 }, (_, i) => ({ id: `cam-${i}`, lat: 57.65 + rnd() * 0.11, lon: 11.87 + rnd() * 0.23 }));
  let totalHits = 0;
  for (let i = 0; i < 8; i++) {
    const route = router.routeNodes(nodes[Math.floor(rnd() * nodes.length)]!, nodes[Math.floor(rnd() * nodes.length)]!);
    const near = route.polyline.map(([lon, lat], k) => ({ id: `near-${i}-${k}`, lat: lat + (rnd() - 0.5) * 0.001, lon: lon + (rnd() - 0.5) * 0.002 }));
    const all = [...points, ...near];
    for (const halfWidthM of [0, 25, 80]) {
      const got = pointsAlongRoute(route.polyline, all, { halfWidthM });
      const expected = bruteForce(route.polyline, all, halfWidthM);
      assert.deepEqual(got, expected, `route ${i}, half-width ${halfWidthM} m`);
      for (let k = 1; k < got.length; k++) assert.ok(got[k]!.alongM >= got[k - 1]!.alongM);
      totalHits += got.length;
    }
  }
  t.diagnostic(`${totalHits} hits compared`);
  assert.ok(totalHits > 500);
});

test('offsets and distances along agree with great-circle measures', () => {
  // A straight 1 km street due east at Göteborg's latitude; cameras 20 m north of it.
  const lat = 57.7;
  const east = 1000 / (METRES_PER_DEGREE * Math.cos(lat * DEG_TO_RAD));
  const polyline: LonLat[] = [
    [11.9, lat],
    [11.9 + east / 2, lat],
    [11.9 + east, lat]
  ];
  const north = 20 / METRES_PER_DEGREE;
  const cams = [0.75, 0.1, 0.5].map((f, i) => ({ id: `c${i}`, lat: lat + north, lon: 11.9 + east * f }));
  const hits = pointsAlongRoute(polyline, [...cams, { id: 'far', lat: lat + 3 * north, lon: 11.9 + east / 2 }], { halfWidthM: 30 });
  assert.deepEqual(
    hits.map((h) => h.point.id),
    ['c1', 'c2', 'c0']
  );
  for (const h of hits) assert.ok(Math.abs(h.offsetM - 20) < 0.01, `offset ${h.offsetM}`);
  assert.ok(Math.abs(hits[0]!.alongM - 100) < 0.5 && Math.abs(hits[2]!.alongM - 750) < 0.5);
});

test('edge cases: empty inputs, a one-point route, a route that passes a camera twice', () => {
  const cam = { id: 'a', lat: 57.7, lon: 11.9 };
  assert.deepEqual(pointsAlongRoute([], [cam], { halfWidthM: 10 }), []);
  assert.deepEqual(pointsAlongRoute([[11.9, 57.7]], [], { halfWidthM: 10 }), []);
  const single = pointsAlongRoute([[11.9, 57.7001]], [cam], { halfWidthM: 20 });
  assert.equal(single.length, 1);
  assert.equal(single[0]!.alongM, 0);
  assert.ok(Math.abs(single[0]!.offsetM - 11.12) < 0.01);
  // Out and back past the camera: reported once, at the first pass.
  const there: LonLat = [11.91, 57.7];
  const hits = pointsAlongRoute([[11.89, 57.7], there, [11.89, 57.7]], [cam], { halfWidthM: 5 });
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.segmentIndex, 0);
  assert.throws(() => pointsAlongRoute([there], [cam], { halfWidthM: -1 }), RangeError);
});
