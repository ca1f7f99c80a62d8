// Synthetic stations (합성 데이터 — 실제 위치 아님) on the synthetic Seoul network.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { districtAt, seoulDistricts } from '../districts.ts';
import { distanceM } from '../geometry.ts';
import { generateRoads } from './generate.ts';
import { StationDirectory, placeStations } from './stations.ts';

const roads = generateRoads({ seed: 1 });
const stations = placeStations(roads, { seed: 1 });
const directory = new StationDirectory(stations);

test('every 구 has 2–4 fire and 2–3 police stations, inside it, on a road', () => {
  const vertices = new Set(roads.features.filter((f) => f.properties.bridge !== 'yes').flatMap((f) => f.geometry.coordinates.map(([lon, lat]) => `${lon},${lat}`)));
  for (const d of seoulDistricts()) {
    const here = directory.inDistrict(d.code);
    const fire = here.filter((s) => s.kind === 'fire');
    const police = here.filter((s) => s.kind === 'police');
    assert.ok(fire.length >= 2 && fire.length <= 4, `${d.name}: ${fire.length} fire stations`);
    assert.ok(police.length >= 2 && police.length <= 3, `${d.name}: ${police.length} police stations`);
    for (const s of here) {
      assert.equal(s.synthetic, true);
      assert.equal(s.district, d.name);
      assert.equal(districtAt(s.location.lat, s.location.lon)?.code, d.code, `${s.name} lies in ${d.name}`);
      assert.ok(vertices.has(`${s.location.lon},${s.location.lat}`), `${s.name} is on a road`);
    }
    assert.match(fire[0]!.name, /소방서 .+119안전센터$/);
    assert.match(police[0]!.name, /경찰서$/);
    assert.match(police[1]!.name, /경찰서 .+지구대$/);
  }
  assert.equal(new Set(stations.map((s) => s.id)).size, stations.length, 'ids are unique');
  assert.equal(new Set(stations.map((s) => s.name)).size, stations.length, 'names are unique');
});

test('stations of one 구 are spread out', () => {
  for (const d of seoulDistricts()) {
    const here = directory.inDistrict(d.code);
    for (let i = 0; i < here.length; i++) {
      for (let j = i + 1; j < here.length; j++) {
        const a = here[i]!.location;
        const b = here[j]!.location;
        assert.ok(distanceM(a.lat, a.lon, b.lat, b.lon) > 300, `${here[i]!.name} and ${here[j]!.name} are apart`);
      }
    }
  }
});

test('placement is deterministic', () => {
  assert.deepEqual(placeStations(roads, { seed: 1 }), stations);
  assert.notDeepEqual(placeStations(roads, { seed: 2 }), stations);
});

test('nearestStation: the straight-line nearest of the kind', () => {
  const at = { lat: 37.4979, lon: 127.0276 }; // 강남역
  for (const kind of ['fire', 'police'] as const) {
    const hit = directory.nearestStation(kind, at.lat, at.lon);
    assert.ok(hit);
    assert.equal(hit.station.kind, kind);
    const min = Math.min(...directory.ofKind(kind).map((s) => distanceM(at.lat, at.lon, s.location.lat, s.location.lon)));
    assert.equal(hit.distanceM, min);
    assert.ok(hit.distanceM < 3000, `${hit.station.name} ${hit.distanceM.toFixed(0)} m`);
  }
  assert.equal(new StationDirectory([]).nearestStation('fire', at.lat, at.lon), null);
});
