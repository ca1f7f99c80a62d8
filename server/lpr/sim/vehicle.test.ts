/**
 * The vehicle simulator's plan on the hub's own Seoul network: the demo drive passes every
 * plate-reading camera of the demo (they must stay on its route as the network generator
 * changes), in driving order from 강남구 into 서초구, at increasing times; cameras of other
 * categories, or farther than the pass radius, read nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_CITIES, demoLprCameras } from '../../cameras/demo.ts';
import type { RegistryCamera } from '../../cameras/registry.ts';
import { seoulDistrictSet } from '../../geo/districts.ts';
import { generateRoads, SYNTHETIC_ATTRIBUTION } from '../../geo/synthetic-roads/generate.ts';
import { importRoadNetwork } from '../../routing/road-network.ts';
import { Router } from '../../routing/router.ts';
import { DEFAULT_PASS_RADIUS_M, planVehicle } from './vehicle.ts';

// As the hub's GeoService builds it (seed 1, Seoul's 구).
const router = new Router(importRoadNetwork(generateRoads({ seed: 1, region: seoulDistrictSet() }), { attribution: SYNTHETIC_ATTRIBUTION }));
const drive = DEMO_CITIES.seoul.lprRoute!;
const readers = demoLprCameras(DEMO_CITIES.seoul).map((c) => ({ ...c, source: 'rtsp://sim/x' }) satisfies RegistryCamera);

test('the demo drive passes every plate reader of the demo, in order, from 강남구 into 서초구', () => {
  const plan = planVehicle({ router, cameras: readers }, drive.from, drive.to);
  assert.deepEqual(plan.passes.map((p) => p.camera.id), readers.map((c) => c.id), 'each one, in driving order');
  const districts = plan.passes.map((p) => p.camera.district.code);
  assert.ok(districts.indexOf('11650') > 0 && districts.slice(0, districts.indexOf('11650')).every((d) => d === '11680'), '강남 first, then 서초');
  for (let i = 1; i < plan.passes.length; i++) {
    assert.ok(plan.passes[i]!.offsetS > plan.passes[i - 1]!.offsetS, 'later along the road is later in time');
    assert.ok(plan.passes[i]!.alongM > plan.passes[i - 1]!.alongM);
  }
  const last = plan.passes.at(-1)!;
  assert.ok(last.offsetS <= plan.route.freeFlowEtaS + 1e-6, 'no pass after the end of the drive');
  // At road-class speeds: 500 m apart at 50–80 km/h is 22–36 s.
  const gap = plan.passes[2]!.offsetS - plan.passes[1]!.offsetS;
  assert.ok(gap > 15 && gap < 60, `${gap} s between two readers 500 m apart`);
  for (const pass of plan.passes) assert.ok(pass.headingDeg >= 0 && pass.headingDeg < 360);
  // The first leg runs west along the trunk road.
  assert.ok(Math.abs(plan.passes[3]!.headingDeg - 270) < 20, `heading ${plan.passes[3]!.headingDeg}`);
});

test('only plate-reading cameras within the pass radius read the car', () => {
  const onRoute = readers[4]!;
  const offset = (metres: number) => ({ lat: onRoute.location.lat + metres / 111_195, lon: onRoute.location.lon });
  const cameras: RegistryCamera[] = [
    { ...onRoute, id: 'patrol', category: '생활방범' },
    { ...onRoute, id: 'near', location: offset(DEFAULT_PASS_RADIUS_M - 10) },
    { ...onRoute, id: 'far', location: offset(DEFAULT_PASS_RADIUS_M + 60) }
  ];
  const plan = planVehicle({ router, cameras }, drive.from, drive.to);
  assert.deepEqual(plan.passes.map((p) => p.camera.id), ['near']);
});
