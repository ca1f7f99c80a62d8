import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RegistryCamera } from '../cameras/registry.ts';
import { pointsAlongRoute } from '../routing/corridor.ts';
import { seededRandom } from './random.ts';
import { GeoService } from './service.ts';

const CITY_HALL = { lat: 37.5663, lon: 126.9779 };
const DISTRICT = { code: '11140', name: '중구', nameEn: 'Jung-gu' };

/** Cameras strewn over central Seoul, dense enough that every route passes hundreds, in a shuffled id order. */
function cameras(count: number): RegistryCamera[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, (_, i) => ({
    id: `CAM-${String((i * 7919) % count).padStart(6, '0')}`,
    name: `카메라 ${i}`,
    nameEn: `Camera ${i}`,
    district: DISTRICT,
    category: '방범',
    location: { lat: 37.50 + random() * 0.13, lon: 126.90 + random() * 0.16 },
    source: 'rtsp://127.0.0.1/x'
  }));
}

test('the cameras along a route are the corridor over the whole registry, found through the spatial index', () => {
  const registry = cameras(40_000);
  const geo = new GeoService(registry);
  const everything = () => true;
  for (const [kind, to] of [['fire', CITY_HALL], ['police', { lat: 37.5172, lon: 127.0473 }], ['fire', { lat: 37.6, lon: 126.93 }]] as const) {
    const answer = geo.dispatchRoute(kind, to, everything);
    const points = registry.map((camera) => ({ id: camera.id, lat: camera.location.lat, lon: camera.location.lon }));
    const whole = pointsAlongRoute(answer.polyline as Array<[number, number]>, points, { halfWidthM: 60 });
    assert.ok(whole.length > 20, `a route through ${whole.length} cameras proves little`);
    assert.deepEqual(answer.cameras.map((c) => [c.id, c.alongM]), whole.map((hit) => [hit.point.id, Math.round(hit.alongM)]));
  }
});

test('the map layer holds every camera the filter lets through, in registry order, across its slices', async () => {
  const registry = cameras(20_000);
  const geo = new GeoService(registry);
  const even = (camera: RegistryCamera) => Number(camera.id.slice(4)) % 2 === 0;
  const layer = await geo.cameras(even);
  const expected = registry.filter(even);
  assert.equal(layer.count, expected.length);
  assert.deepEqual(layer.ids, expected.map((c) => c.id));
  assert.deepEqual(layer.lat, expected.map((c) => c.location.lat));
  assert.deepEqual(layer.categories, ['방범']);
  assert.equal(layer.category.length, expected.length);
});
