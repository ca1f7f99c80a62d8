import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importCctvStandard } from '../cameras/import/cctv-standard.ts';
import { syntheticSeoulCsv } from '../cameras/import/synthetic.ts';
import { seededRandom } from './random.ts';
import type { ImportedCamera } from '../cameras/import/types.ts';
import { CameraIndex, compareHits, rankCamera, type IndexableCamera, type NearestHit } from './camera-index.ts';
import { districtByCode, seoulDistricts } from './districts.ts';
import { distanceM, pointInRings, type Ring } from './geometry.ts';

const imported = importCctvStandard(syntheticSeoulCsv());
if (!imported.ok) throw new Error('synthetic registry did not import');
const cameras: ImportedCamera[] = imported.cameras;
const index = new CameraIndex(cameras);

const random = seededRandom(42);
/** Query spots: random across Seoul and a bit beyond, some exactly on a camera, some far outside. */
const spots: Array<[number, number]> = [];
for (let i = 0; i < 120; i++) spots.push([37.4 + random() * 0.33, 126.74 + random() * 0.47]);
for (let i = 0; i < 20; i++) {
  const c = cameras[Math.floor(random() * cameras.length)]!;
  spots.push([c.location.lat, c.location.lon]);
}
spots.push([35.1796, 129.0756], [37.4563, 126.7052], [38.5, 126.98]);

/** Ranks every camera with the published rule; keeps the n best (a full sort of 68,000 is slow). */
function bruteNearest<C extends IndexableCamera>(list: readonly C[], lat: number, lon: number, n: number, filter?: (c: C) => boolean) {
  const best: NearestHit<C>[] = [];
  for (const c of list) {
    if (filter && !filter(c)) continue;
    const hit = rankCamera(c, lat, lon);
    if (best.length === n && compareHits(hit, best[n - 1]!) >= 0) continue;
    best.push(hit);
    best.sort(compareHits);
    if (best.length > n) best.pop();
  }
  return best;
}

const summary = (hits: ReturnType<typeof bruteNearest>) => hits.map((h) => `${h.camera.id}:${h.score.toFixed(6)}:${h.facing}`);

test('nearest-8 equals the brute-force ranking over all 68,000 cameras', () => {
  assert.equal(index.size, 68_000);
  for (const [lat, lon] of spots) {
    assert.deepEqual(summary(index.nearest(lat, lon, 8)), summary(bruteNearest(cameras, lat, lon, 8)), `${lat},${lon}`);
  }
  // Other n, including more than a cell holds.
  for (const [lat, lon] of spots.slice(0, 15)) {
    for (const n of [1, 3, 50]) assert.deepEqual(summary(index.nearest(lat, lon, n)), summary(bruteNearest(cameras, lat, lon, n)));
  }
});

test('withinPolygon equals brute-force point-in-polygon: each 구, and odd shapes with a hole', () => {
  const shapes: Array<{ name: string; rings: Ring[] }> = seoulDistricts().map((d) => ({ name: d.name, rings: d.polygons.flat() }));
  for (let s = 0; s < 8; s++) {
    // A star around a random centre, with a square hole.
    const [lat0, lon0] = spots[s]!;
    const outer: Array<[number, number]> = [];
    const points = 5 + s;
    for (let k = 0; k <= 2 * points; k++) {
      const a = (Math.PI * k) / points;
      const r = (k % 2 ? 0.004 : 0.012) * (1 + s / 4);
      outer.push([lon0 + r * 1.25 * Math.sin(a), lat0 + r * Math.cos(a)]);
    }
    outer[outer.length - 1] = outer[0]!;
    const h = 0.001;
    const hole: Array<[number, number]> = [[lon0 - h, lat0 - h], [lon0 - h, lat0 + h], [lon0 + h, lat0 + h], [lon0 + h, lat0 - h], [lon0 - h, lat0 - h]];
    shapes.push({ name: `star ${s}`, rings: [outer, hole] });
  }
  for (const { name, rings } of shapes) {
    const want = cameras.filter((c) => pointInRings(c.location.lon, c.location.lat, rings)).map((c) => c.id);
    const got = index.withinPolygon(rings).map((c) => c.id);
    assert.deepEqual(got, want, name);
  }
  // A 구's polygon holds exactly that 구's cameras (they were placed with the same polygons).
  const mapo = districtByCode('11440')!;
  const inMapo = index.withinPolygon(mapo.polygons.flat());
  assert.ok(inMapo.length > 1000);
  assert.ok(inMapo.every((c) => c.district.code === '11440'));
  assert.equal(inMapo.length, cameras.filter((c) => c.district.code === '11440').length);
});

test('withinRadius equals brute force, nearest first', () => {
  for (const [lat, lon] of spots.slice(0, 40)) {
    for (const radius of [0, 100, 500, 2000]) {
      const want = cameras
        .map((c) => ({ camera: c, distanceM: distanceM(c.location.lat, c.location.lon, lat, lon) }))
        .filter((h) => h.distanceM <= radius)
        .sort((a, b) => a.distanceM - b.distanceM || (a.camera.id < b.camera.id ? -1 : 1))
        .map((h) => h.camera.id);
      assert.deepEqual(index.withinRadius(lat, lon, radius).map((h) => h.camera.id), want, `${lat},${lon} r=${radius}`);
    }
  }
});

test('a scope filter (one 구) never lets another 구 through, from any query', () => {
  for (const code of ['11440', '11680', '11140']) {
    const only = (c: ImportedCamera) => c.district.code === code;
    const mine = cameras.filter(only);
    for (const [lat, lon] of spots.slice(0, 50)) {
      const near = index.nearest(lat, lon, 8, only);
      assert.equal(near.length, 8);
      assert.ok(near.every((h) => h.camera.district.code === code));
      assert.deepEqual(summary(near), summary(bruteNearest(mine, lat, lon, 8)));
      assert.ok(index.withinRadius(lat, lon, 3000, only).every((h) => h.camera.district.code === code));
    }
    // The whole city as one polygon and one huge circle: still only that 구.
    const city: Ring = [[126.7, 37.4], [127.3, 37.4], [127.3, 37.8], [126.7, 37.8], [126.7, 37.4]];
    const inCity = index.withinPolygon([city], only);
    assert.equal(inCity.length, mine.length);
    assert.ok(inCity.every(only));
    assert.equal(index.withinRadius(37.55, 126.99, 50_000, only).length, mine.length);
    // A filter that refuses everything gives nothing, not someone else's camera.
    assert.deepEqual(index.nearest(37.55, 126.99, 8, () => false), []);
  }
});

test('the ranking rule: facing cameras are preferred, by a factor of 1.5 in distance', () => {
  // A spot, a camera 150 m south of it looking north (at it), others 101 m / 99 m north looking north (away).
  const spot = { lat: 37.5, lon: 127.0 };
  const m = 1 / 111_195;
  const cams = [
    { id: 'facing-150', location: { lat: spot.lat - 150 * m, lon: spot.lon }, facingDeg: 0, fovDeg: 60 },
    { id: 'away-101', location: { lat: spot.lat + 101 * m, lon: spot.lon }, facingDeg: 0, fovDeg: 60 },
    { id: 'away-99', location: { lat: spot.lat + 99 * m, lon: spot.lon }, facingDeg: 0, fovDeg: 60 },
    { id: 'unknown-50', location: { lat: spot.lat, lon: spot.lon + 50 * m * 1.26 } },
    { id: 'ptz-120', location: { lat: spot.lat, lon: spot.lon - 120 * m * 1.26 }, facingDeg: 180, fovDeg: 360 }
  ];
  const idx = new CameraIndex(cams);
  const hits = idx.nearest(spot.lat, spot.lon, 5);
  assert.deepEqual(
    hits.map((h) => [h.camera.id, h.facing]),
    [
      ['unknown-50', false], // 75
      ['ptz-120', true], // 120
      ['away-99', false], // 148.5
      ['facing-150', true], // 150
      ['away-101', false] // 151.5
    ]
  );
  assert.ok(Math.abs(hits[3]!.bearingDeg - 0) < 1e-6, 'bearing from the camera to the spot');
  // A different penalty changes the order; below 1 is refused.
  assert.equal(new CameraIndex(cams, { notFacingPenalty: 1 }).nearest(spot.lat, spot.lon, 5)[1]!.camera.id, 'away-99');
  assert.equal(new CameraIndex(cams, { notFacingPenalty: 3 }).nearest(spot.lat, spot.lon, 1)[0]!.camera.id, 'ptz-120');
  assert.throws(() => new CameraIndex(cams, { notFacingPenalty: 0.5 }), RangeError);
});

test('edge cases: empty index, n above the count, n of 0, bad locations', () => {
  const empty = new CameraIndex<IndexableCamera>([]);
  assert.deepEqual(empty.nearest(37.5, 127, 8), []);
  assert.deepEqual(empty.withinRadius(37.5, 127, 1000), []);
  assert.deepEqual(empty.withinPolygon([[[126, 37], [128, 37], [128, 38], [126, 37]]]), []);
  const two = new CameraIndex([
    { id: 'a', location: { lat: 37.5, lon: 127 } },
    { id: 'b', location: { lat: 37.5, lon: 127 } }
  ]);
  assert.deepEqual(two.nearest(37.6, 127.1, 8).map((h) => h.camera.id), ['a', 'b'], 'ties by id');
  assert.deepEqual(two.nearest(37.6, 127.1, 0), []);
  assert.equal(two.withinRadius(37.5, 127, 0).length, 2);
  assert.throws(() => new CameraIndex([{ id: 'x', location: { lat: Number.NaN, lon: 127 } }]), /x has no usable location/);
});

test('a sparse registry over all of Korea (bigger cells) still matches brute force', () => {
  const r = seededRandom(9);
  const spread: IndexableCamera[] = Array.from({ length: 2000 }, (_, i) => ({
    id: `k${i}`,
    location: { lat: 33.2 + r() * 5.3, lon: 126 + r() * 3.5 },
    ...(i % 3 ? { facingDeg: r() * 360, fovDeg: 30 + r() * 100 } : {})
  }));
  const idx = new CameraIndex(spread);
  for (let q = 0; q < 40; q++) {
    const lat = 33 + r() * 6;
    const lon = 125.5 + r() * 4.5;
    assert.deepEqual(summary(idx.nearest(lat, lon, 8)), summary(bruteNearest(spread, lat, lon, 8)));
    const want = spread.filter((c) => distanceM(c.location.lat, c.location.lon, lat, lon) <= 30_000).length;
    assert.equal(idx.withinRadius(lat, lon, 30_000).length, want);
  }
});
