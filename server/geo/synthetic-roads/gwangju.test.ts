// The synthetic network and stations generalised to another region: Gwangju's 5 구 (합성 데이터).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { districtSet } from '../districts.ts';
import { importRoadNetwork } from '../../routing/road-network.ts';
import { Router } from '../../routing/router.ts';
import { SYNTHETIC_ATTRIBUTION, generateRoads } from './generate.ts';
import { StationDirectory, placeStations } from './stations.ts';

const gwangju = districtSet(['29110', '29140', '29155', '29170', '29200']);
const roads = generateRoads({ seed: 1, region: gwangju });
const stations = new StationDirectory(placeStations(roads, { seed: 1, region: gwangju }));

test("Gwangju's roads lie inside its 5 구, with no river and no bridge, named after its 구", () => {
  assert.ok(roads.features.length > 500, `${roads.features.length} ways`);
  assert.deepEqual(roads.properties.bridges, []);
  const districts = new Set(roads.features.map((f) => f.properties.district));
  assert.deepEqual([...districts].filter(Boolean).sort(), ['광산구', '남구', '동구', '북구', '서구']);
  for (const f of roads.features) {
    const [lon, lat] = f.geometry.coordinates[f.geometry.coordinates.length >> 1]!;
    assert.ok(gwangju.nearest(lat, lon, 100), `${f.id} lies in Gwangju`);
  }
  assert.ok(roads.features.some((f) => /^광산.+로$/.test(f.properties.name)), 'streets carry their 구 stem');
});

test("Gwangju's fire and police stations, in each 구 and named as its real ones are", () => {
  for (const d of gwangju.districts) {
    const here = stations.inDistrict(d.code);
    assert.ok(here.filter((s) => s.kind === 'fire').length >= 2, d.name);
    assert.ok(here.filter((s) => s.kind === 'police').length >= 2, d.name);
    for (const s of here) assert.equal(gwangju.at(s.location.lat, s.location.lon)?.code, d.code, s.name);
  }
  const names = stations.stations.map((s) => s.name);
  assert.ok(names.includes('광주서부경찰서'));
  assert.ok(names.includes('광주광산경찰서'));
  assert.ok(names.some((n) => /^광산소방서 (첨단|수완|송정|하남)119안전센터$/.test(n)));
});

test('a route across Gwangju from its nearest fire station', () => {
  const router = new Router(importRoadNetwork(roads, { attribution: SYNTHETIC_ATTRIBUTION }));
  const scene = { lat: 35.19, lon: 126.822 }; // 수완지구, 광산구
  const station = stations.nearestStation('fire', scene.lat, scene.lon)!.station;
  assert.ok(gwangju.byCode(station.districtCode), 'a Gwangju station');
  const route = router.route(station.location, scene);
  assert.ok(route.lengthM > 0 && route.etaS > 0);
  const across = router.route(station.location, { lat: 35.1466, lon: 126.9197 }); // to 5·18민주광장, 동구
  assert.ok(across.lengthM > 8000, `across the city: ${Math.round(across.lengthM)} m`);
});
