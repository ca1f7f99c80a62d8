/**
 * The national file for any city (issue 9): both header variants of 전국CCTV표준데이터, in UTF-8
 * and CP949, a Gwangju file, a mixed national file with the region configured and inferred, and
 * cameras near a 구 border whose address names the other side.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { districtSet, seoulDistrictSet } from '../../geo/districts.ts';
import { importCctvStandard } from './cctv-standard.ts';
import { encodeCp949 } from './cp949.ts';
import { formatCsv } from './csv.ts';
import { syntheticCsv } from './synthetic.ts';
import type { ImportResult } from './types.ts';

const GWANGJU = ['29110', '29140', '29155', '29170', '29200'];
const gwangju = districtSet(GWANGJU);

/** The current variant as 공공데이터포털 publishes it (with 개방자치단체코드 and 관리번호). */
const CURRENT = ['개방자치단체코드', '관리번호', '관리기관명', '소재지도로명주소', '소재지지번주소', '설치목적구분', '카메라대수', '카메라화소수', '촬영방면정보', '보관일수', '설치연월', '관리기관전화번호', 'WGS84위도', 'WGS84경도', '데이터기준일자'];
/** The older variant: 위도, 경도, 설치년월, no 개방자치단체코드 / 관리번호. */
const OLDER = ['관리기관명', '소재지도로명주소', '소재지지번주소', '설치목적구분', '카메라대수', '카메라화소수', '촬영방면정보', '보관일수', '설치년월', '관리기관전화번호', '위도', '경도', '데이터기준일자'];

interface Row {
  agency: string;
  road: string;
  lot: string;
  lat: string;
  lon: string;
}

const SEOUL_ROW: Row = { agency: '서울특별시 강남구청', road: '서울특별시 강남구 테헤란로 152', lot: '서울특별시 강남구 역삼동 737', lat: '37.5006', lon: '127.0364' };
const GWANGJU_ROW: Row = { agency: '광주광역시 서구청', road: '광주광역시 서구 내방로 111', lot: '광주광역시 서구 치평동 1200', lat: '35.1601', lon: '126.8514' };
const BUSAN_ROW: Row = { agency: '부산광역시 서구청', road: '부산광역시 서구 구덕로 120', lot: '부산광역시 서구 토성동 1', lat: '35.0979', lon: '129.0244' };
const BUNDANG_ROW: Row = { agency: '경기도 성남시청', road: '경기도 성남시 분당구 성남대로 1', lot: '경기도 성남시 분당구 정자동 1', lat: '37.3827', lon: '127.1189' };

function file(header: readonly string[], rows: readonly Row[]): string {
  const cells = (r: Row, i: number): Record<string, string> => ({
    개방자치단체코드: '3220000',
    관리번호: `M-${i + 1}`,
    관리기관명: r.agency,
    소재지도로명주소: r.road,
    소재지지번주소: r.lot,
    설치목적구분: '생활방범',
    카메라대수: '1',
    카메라화소수: '200',
    촬영방면정보: '',
    보관일수: '30',
    설치연월: '2020-05',
    설치년월: '2020-05',
    관리기관전화번호: '',
    WGS84위도: r.lat,
    WGS84경도: r.lon,
    위도: r.lat,
    경도: r.lon,
    데이터기준일자: '2025-06-30'
  });
  return formatCsv([[...header], ...rows.map((r, i) => header.map((h) => cells(r, i)[h] ?? ''))]);
}

function succeeded(result: ImportResult) {
  if (!result.ok) assert.fail(`import failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result;
}

test('both header variants, in UTF-8 and in CP949, give the same cameras', () => {
  const rows = [SEOUL_ROW, { ...SEOUL_ROW, road: '서울특별시 강남구 테헤란로 200', lat: '37.5010', lon: '127.0380' }];
  const current = succeeded(importCctvStandard(file(CURRENT, rows)));
  const older = succeeded(importCctvStandard(file(OLDER, rows)));
  const olderCp949 = succeeded(importCctvStandard(encodeCp949(file(OLDER, rows))));
  assert.equal(olderCp949.stats.encoding, 'cp949');
  assert.equal(current.cameras.length, 2);
  assert.deepEqual(older.cameras, current.cameras);
  assert.deepEqual(olderCp949.cameras, current.cameras);
  assert.equal(older.cameras[0]!.installed, '2020-05', '설치년월 is read as 설치연월');
});

test('the older variant gets the same row-level errors, naming its own columns', () => {
  const bad = [{ ...SEOUL_ROW, lat: 'abc' }, { ...SEOUL_ROW, lon: '' }];
  for (const [header, lat, lon] of [[CURRENT, 'WGS84위도', 'WGS84경도'], [OLDER, '위도', '경도']] as const) {
    const r = importCctvStandard(encodeCp949(file(header, bad)));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors.map((e) => [e.row, e.column, e.code]), [[2, lat, 'ERR_NOT_A_NUMBER'], [3, lon, 'ERR_REQUIRED']]);
  }
  // A header with neither variant's coordinates is refused by the current names.
  const none = importCctvStandard(file(CURRENT.filter((c) => c !== 'WGS84위도'), [SEOUL_ROW]));
  assert.equal(!none.ok && none.errors[0]!.code, 'ERR_MISSING_COLUMN');
});

test('a Gwangju file (CP949) imports for the Gwangju region; for Seoul its rows are outside and skipped', () => {
  const bytes = encodeCp949(syntheticCsv({ total: 2000, seed: 5, region: gwangju }));
  const r = succeeded(importCctvStandard(bytes, { region: gwangju }));
  assert.equal(r.stats.encoding, 'cp949');
  assert.equal(r.cameras.length, 2000);
  assert.deepEqual(Object.keys(r.stats.byDistrict).sort(), GWANGJU);
  for (const c of r.cameras.slice(0, 200)) assert.equal(gwangju.at(c.location.lat, c.location.lon)?.code, c.district.code, c.id);
  assert.match(r.cameras[0]!.name, /^(동구|서구|남구|북구|광산구) 합성데이터로/, 'the short name drops 광주광역시');
  const inSeoul = succeeded(importCctvStandard(bytes));
  assert.deepEqual([inSeoul.cameras.length, inSeoul.stats.skippedOutsideRegion], [0, 2000]);
});

test('a mixed national file: the configured region keeps its rows and counts the rest; without one, every 시군구 it covers', () => {
  const national = file(CURRENT, [SEOUL_ROW, GWANGJU_ROW, BUSAN_ROW, BUNDANG_ROW]);
  const configured = succeeded(importCctvStandard(national, { region: gwangju }));
  assert.deepEqual(configured.cameras.map((c) => c.district.code), ['29140']);
  assert.equal(configured.stats.skippedOutsideRegion, 3);

  const inferred = succeeded(importCctvStandard(national, { region: 'infer' }));
  assert.deepEqual(inferred.cameras.map((c) => c.district), [
    { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
    { code: '29140', name: '서구', nameEn: 'Seo-gu' },
    { code: '26140', name: '서구', nameEn: 'Seo-gu' },
    { code: '41135', name: '성남시 분당구', nameEn: 'Seongnam-si Bundang-gu' }
  ]);
  assert.deepEqual(Object.keys(inferred.stats.byDistrict).sort(), ['11680', '26140', '29140', '41135']);
  assert.equal(inferred.stats.skippedOutsideRegion, 0);
  assert.equal(inferred.cameras[2]!.name, '서구 구덕로 120 (생활방범)');
  // A row with unusable coordinates is an error when its address names the region's 시도, else skipped.
  const broken = file(CURRENT, [GWANGJU_ROW, { ...BUSAN_ROW, lat: '' }]);
  assert.equal(succeeded(importCctvStandard(broken, { region: gwangju })).stats.skippedOutsideRegion, 1);
  const refused = importCctvStandard(file(CURRENT, [{ ...GWANGJU_ROW, lat: '' }]), { region: gwangju });
  assert.equal(!refused.ok && refused.errors[0]!.code, 'ERR_REQUIRED');
});

test('near a border the address wins: a 강남구 camera standing on the 서초구 side of 강남대로 is filed under 강남구', () => {
  const seoul = seoulDistrictSet();
  // On 강남대로, the border: the point lies in 서초구, a few metres from 강남구.
  const border = { lat: '37.4960', lon: '127.0250' };
  assert.equal(seoul.at(Number(border.lat), Number(border.lon))?.code, '11650');
  assert.ok(seoul.distanceTo('11680', Number(border.lat), Number(border.lon)) < 300);
  const near = succeeded(importCctvStandard(file(CURRENT, [{ ...SEOUL_ROW, ...border }])));
  assert.equal(near.cameras[0]!.district.code, '11680');
  assert.equal(near.stats.addressOverPoint, 1);
  // Far inside 서초구 (방배동, kilometres from 강남구) the point wins over a wrong address.
  const far = succeeded(importCctvStandard(file(CURRENT, [{ ...SEOUL_ROW, lat: '37.4813', lon: '126.9975' }])));
  assert.equal(far.cameras[0]!.district.code, '11650');
  assert.equal(far.stats.addressOverPoint, 0);
  // The tolerance is a setting; 0 lets the point decide.
  assert.equal(succeeded(importCctvStandard(file(CURRENT, [{ ...SEOUL_ROW, ...border }]), { addressToleranceM: 0 })).cameras[0]!.district.code, '11650');
  // "서구" alone is ambiguous across cities: the address's 시도 decides (Busan's 서구 is not Gwangju's).
  const busanPointGwangjuAddress = file(CURRENT, [{ ...BUSAN_ROW, road: GWANGJU_ROW.road, lot: GWANGJU_ROW.lot }]);
  const r = succeeded(importCctvStandard(busanPointGwangjuAddress, { region: 'infer' }));
  assert.equal(r.cameras[0]!.district.code, '26140', 'an address hundreds of km from its point does not move it');
});
