import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { districtAt, districtByCode } from '../../geo/districts.ts';
import type { RegistryCamera } from '../registry.ts';
import { importCctvStandard } from './cctv-standard.ts';
import { encodeCp949 } from './cp949.ts';
import { formatCsv } from './csv.ts';
import { loadCameras, storeCameras } from './store.ts';
import { EXTRA_COLUMNS, STANDARD_COLUMNS, type ImportResult } from './types.ts';

type Cells = Partial<Record<(typeof STANDARD_COLUMNS)[number] | (typeof EXTRA_COLUMNS)[number], string>>;

const BASE: Cells = {
  관리기관명: '서울특별시 강남구청',
  소재지도로명주소: '서울특별시 강남구 테헤란로 152',
  소재지지번주소: '서울특별시 강남구 역삼동 737',
  설치목적구분: '생활방범',
  카메라대수: '2',
  카메라화소수: '200',
  촬영방면정보: '360도 전방면',
  보관일수: '30',
  설치연월: '2019-03',
  관리기관전화번호: '02-3423-0000',
  WGS84위도: '37.5006',
  WGS84경도: '127.0364',
  데이터기준일자: '2025-06-30'
};

function csv(rows: Cells[], columns: readonly string[] = STANDARD_COLUMNS): string {
  return formatCsv([[...columns], ...rows.map((r) => columns.map((c) => r[c as keyof Cells] ?? ''))]);
}

function failed(result: ImportResult) {
  assert.equal(result.ok, false, 'import should fail');
  if (result.ok) throw new Error('unreachable');
  return result;
}

function succeeded(result: ImportResult) {
  if (!result.ok) assert.fail(`import failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result;
}

test('a valid file: every standard field read, district from the coordinates', () => {
  const r = succeeded(importCctvStandard(csv([BASE, { ...BASE, 설치목적구분: '교통단속', WGS84위도: '37.5725', WGS84경도: '126.9769', 소재지도로명주소: '', 관리기관명: '서울특별시 종로구청' }])));
  assert.equal(r.cameras.length, 2);
  const [a, b] = r.cameras;
  assert.deepEqual(a!.district, { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' });
  assert.equal(a!.category, '생활방범');
  assert.equal(a!.categoryEn, 'Crime prevention');
  assert.deepEqual(a!.location, { lat: 37.5006, lon: 127.0364 });
  assert.equal(a!.address, '서울특별시 강남구 테헤란로 152');
  assert.equal(a!.name, '강남구 테헤란로 152 (생활방범)');
  assert.match(a!.nameEn, /^Crime prevention camera, Gangnam-gu \(cctv-11680-[0-9a-f]{10}\)$/);
  assert.equal(a!.cameraCount, 2);
  assert.equal(a!.megapixels, 2);
  assert.equal(a!.retentionDays, 30);
  assert.equal(a!.installed, '2019-03');
  assert.equal(a!.dataDate, '2025-06-30');
  assert.equal(a!.viewDescription, '360도 전방면');
  assert.equal(a!.facingDeg, undefined);
  assert.equal(b!.district.code, '11110');
  assert.equal(b!.address, '서울특별시 강남구 역삼동 737', 'the lot address when there is no road address');
  assert.equal(r.stats.rows, 2);
  assert.deepEqual(r.stats.byDistrict, { '11680': 1, '11110': 1 });
  assert.deepEqual(r.stats.byCategory, { 생활방범: 1, 교통단속: 1 });
  // An imported camera plus a stream source is a registry camera (checked by the type checker).
  const entry: RegistryCamera = { ...a!, source: 'rtsp://example.invalid/stream' };
  assert.equal(entry.district.code, '11680');
  // Derived ids are stable: the same file gives the same ids.
  const again = succeeded(importCctvStandard(csv([BASE])));
  assert.equal(again.cameras[0]!.id, a!.id);
});

test('UTF-8 with BOM, UTF-8 without, CP949, and already-decoded text all import the same', () => {
  const text = csv([BASE, { ...BASE, 소재지도로명주소: '서울특별시 강남구 똠방각하로 1' }]);
  const utf8 = new TextEncoder().encode(text);
  const results = [
    importCctvStandard(utf8),
    importCctvStandard(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8])),
    importCctvStandard(encodeCp949(text)),
    importCctvStandard(`\uFEFF${text}`)
  ].map(succeeded);
  assert.deepEqual(
    results.map((r) => r.stats.encoding),
    ['utf-8', 'utf-8-bom', 'cp949', null]
  );
  for (const r of results) assert.deepEqual(r.cameras, results[0]!.cameras);
  assert.equal(results[2]!.cameras[1]!.address, '서울특별시 강남구 똠방각하로 1');
});

test('quoted fields with commas and line breaks; rows counted as a spreadsheet counts them', () => {
  const text = csv([
    { ...BASE, 촬영방면정보: '북측, 동측\n(2대)' },
    { ...BASE, 촬영방면정보: '"정문" 방향' },
    { ...BASE, WGS84위도: '' }
  ]);
  const r = failed(importCctvStandard(text));
  assert.deepEqual(r.errors, [{ row: 4, column: 'WGS84위도', code: 'ERR_REQUIRED', reason: 'WGS84위도가 비어 있습니다 (missing latitude)' }]);
  const ok = succeeded(importCctvStandard(csv([{ ...BASE, 촬영방면정보: '북측, 동측\n(2대)' }, { ...BASE, 촬영방면정보: '"정문" 방향' }])));
  assert.equal(ok.cameras[0]!.viewDescription, '북측, 동측\n(2대)');
  assert.equal(ok.cameras[1]!.viewDescription, '"정문" 방향');
});

test('each kind of bad cell is reported with row, column, code and the value', () => {
  const rows: Array<[Cells, string | null, string]> = [
    [{ ...BASE, WGS84경도: '' }, 'WGS84경도', 'ERR_REQUIRED'],
    [{ ...BASE, WGS84위도: '37,5006' }, 'WGS84위도', 'ERR_NOT_A_NUMBER'],
    [{ ...BASE, WGS84위도: 'abc' }, 'WGS84위도', 'ERR_NOT_A_NUMBER'],
    [{ ...BASE, WGS84위도: '95' }, 'WGS84위도', 'ERR_OUT_OF_RANGE'],
    [{ ...BASE, WGS84위도: '0', WGS84경도: '0' }, 'WGS84위도', 'ERR_OUT_OF_RANGE'],
    [{ ...BASE, WGS84위도: '127.0364', WGS84경도: '37.5006' }, 'WGS84위도', 'ERR_COORDINATES_SWAPPED'],
    [{ ...BASE, WGS84위도: '35.1796', WGS84경도: '129.0756' }, 'WGS84위도', 'ERR_OUTSIDE_REGION'],
    [{ ...BASE, 설치목적구분: '감시' }, '설치목적구분', 'ERR_UNKNOWN_CATEGORY'],
    [{ ...BASE, 설치목적구분: '' }, '설치목적구분', 'ERR_REQUIRED'],
    [{ ...BASE, 관리기관명: '' }, '관리기관명', 'ERR_REQUIRED'],
    [{ ...BASE, 소재지도로명주소: '', 소재지지번주소: '' }, '소재지도로명주소', 'ERR_REQUIRED'],
    [{ ...BASE, 카메라대수: '0' }, '카메라대수', 'ERR_OUT_OF_RANGE'],
    [{ ...BASE, 카메라대수: '1.5' }, '카메라대수', 'ERR_NOT_A_NUMBER'],
    [{ ...BASE, 카메라대수: '' }, '카메라대수', 'ERR_REQUIRED'],
    [{ ...BASE, 카메라화소수: '고화질' }, '카메라화소수', 'ERR_NOT_A_NUMBER'],
    [{ ...BASE, 보관일수: '-1' }, '보관일수', 'ERR_OUT_OF_RANGE'],
    [{ ...BASE, 설치연월: '2019-13' }, '설치연월', 'ERR_BAD_DATE'],
    [{ ...BASE, 데이터기준일자: '2025-02-30' }, '데이터기준일자', 'ERR_BAD_DATE'],
    [{ ...BASE, 데이터기준일자: '' }, '데이터기준일자', 'ERR_REQUIRED']
  ];
  const r = failed(importCctvStandard(csv(rows.map(([cells]) => cells)), { outside: 'error' }));
  assert.equal(r.total, rows.length);
  rows.forEach(([, column, code], i) => {
    const e = r.errors[i]!;
    assert.deepEqual([e.row, e.column, e.code], [i + 2, column, code], `row ${i + 2}: ${JSON.stringify(e)}`);
    assert.match(e.reason, /\(.+\)/, 'Korean, then English in parentheses');
  });
  assert.equal(r.errors[1]!.value, '37,5006');
  assert.match(r.errors[6]!.reason, /outside the region/);
});

test('lenient where files differ harmlessly: date and pixel spellings, spaces in the purpose', () => {
  const r = succeeded(
    importCctvStandard(
      csv([
        { ...BASE, 설치연월: '201903', 데이터기준일자: '20250630', 카메라화소수: '200만화소', 설치목적구분: '생활 방범' },
        { ...BASE, 설치연월: '2019년 3월', 데이터기준일자: '2025.06.30', 카메라화소수: '' },
        { ...BASE, 설치연월: '2019', 보관일수: '' }
      ])
    )
  );
  assert.deepEqual(
    r.cameras.map((c) => [c.installed, c.dataDate, c.megapixels, c.category, c.retentionDays]),
    [
      ['2019-03', '2025-06-30', 2, '생활방범', 30],
      ['2019-03', '2025-06-30', null, '생활방범', 30],
      ['2019', '2025-06-30', 2, '생활방범', null]
    ]
  );
});

test('header problems: a missing standard column, a column twice; an empty file', () => {
  const noLat = STANDARD_COLUMNS.filter((c) => c !== 'WGS84위도');
  const r = failed(importCctvStandard(csv([BASE], noLat)));
  assert.deepEqual(
    r.errors.map((e) => [e.row, e.column, e.code]),
    [[1, 'WGS84위도', 'ERR_MISSING_COLUMN']]
  );
  const twice = failed(importCctvStandard(csv([BASE], [...STANDARD_COLUMNS, '보관일수'])));
  assert.deepEqual(
    twice.errors.map((e) => [e.row, e.column, e.code]),
    [[1, '보관일수', 'ERR_DUPLICATE_COLUMN']]
  );
  assert.equal(failed(importCctvStandard('')).errors[0]!.code, 'ERR_EMPTY_FILE');
  assert.equal(failed(importCctvStandard(Uint8Array.from([0x41, 0xff, 0x42]))).errors[0]!.code, 'ERR_ENCODING');
});

test('a row with the wrong number of fields; blank rows are skipped; broken quoting', () => {
  const good = csv([BASE]);
  const r = failed(importCctvStandard(`${good}\r\n서울특별시 강남구청,only two\r\n`));
  assert.deepEqual(
    r.errors.map((e) => [e.row, e.column, e.code]),
    [[4, null, 'ERR_FIELD_COUNT']],
    'row 3 is blank'
  );
  const blank = succeeded(importCctvStandard(`${good}\r\n${good.split('\r\n')[1]}\r\n`));
  assert.equal(blank.stats.blankRows, 1);
  assert.equal(blank.cameras.length, 2);
  const quote = failed(importCctvStandard(`${good}"서울특별시 "강남구청",x\r\n`));
  assert.deepEqual([quote.errors[0]!.row, quote.errors[0]!.column, quote.errors[0]!.code], [3, '관리기관명', 'ERR_CSV_TEXT_AFTER_QUOTE']);
});

test('extra columns: 카메라ID unique and well-formed, 방향각 and 화각 together and in range', () => {
  const columns = [...STANDARD_COLUMNS, ...EXTRA_COLUMNS];
  const ok = succeeded(
    importCctvStandard(
      csv(
        [
          { ...BASE, 카메라ID: 'GN-0001', 방향각: '90', 화각: '60' },
          { ...BASE, 카메라ID: 'GN-0002', 방향각: '360', 화각: '360' },
          { ...BASE, 카메라ID: '' }
        ],
        columns
      )
    )
  );
  assert.deepEqual(
    ok.cameras.map((c) => [c.id, c.facingDeg, c.fovDeg]),
    [
      ['GN-0001', 90, 60],
      ['GN-0002', 0, 360],
      [ok.cameras[2]!.id, undefined, undefined]
    ]
  );
  assert.match(ok.cameras[2]!.id, /^cctv-11680-/);

  const bad = failed(
    importCctvStandard(
      csv(
        [
          { ...BASE, 카메라ID: 'A1', 방향각: '90', 화각: '' },
          { ...BASE, 카메라ID: 'A1', 방향각: '', 화각: '60' },
          { ...BASE, 카메라ID: 'has space', 방향각: '400', 화각: '60' },
          { ...BASE, 카메라ID: 'A4', 방향각: '10', 화각: '0' }
        ],
        columns
      )
    )
  );
  assert.deepEqual(
    bad.errors.map((e) => [e.row, e.column, e.code]),
    [
      [2, '화각', 'ERR_FACING_INCOMPLETE'],
      [3, '방향각', 'ERR_FACING_INCOMPLETE'],
      [3, '카메라ID', 'ERR_DUPLICATE_ID'],
      [4, '방향각', 'ERR_OUT_OF_RANGE'],
      [4, '카메라ID', 'ERR_BAD_ID'],
      [5, '화각', 'ERR_OUT_OF_RANGE']
    ]
  );
  assert.match(bad.errors[2]!.reason, /row 2/);
});

test('identical rows get distinct derived ids, stable across imports', () => {
  const r = succeeded(importCctvStandard(csv([BASE, BASE, BASE])));
  const ids = r.cameras.map((c) => c.id);
  assert.equal(new Set(ids).size, 3);
  assert.deepEqual(ids.slice(1), [`${ids[0]}-2`, `${ids[0]}-3`]);
  // A file id that takes a derived id's place is a duplicate, named as such.
  const columns = [...STANDARD_COLUMNS, ...EXTRA_COLUMNS];
  const clash = failed(importCctvStandard(csv([BASE, { ...BASE, 소재지지번주소: '다른 곳', 카메라ID: ids[0]! }], columns)));
  assert.deepEqual(clash.errors.map((e) => [e.row, e.code]), [[3, 'ERR_DUPLICATE_ID']]);
});

test('all or nothing: one bad row among many fails the import; errors are capped at 100 with a total', () => {
  const rows = Array.from({ length: 500 }, () => BASE);
  const one = failed(importCctvStandard(csv([...rows.slice(0, 250), { ...BASE, WGS84위도: 'x' }, ...rows.slice(250)])));
  assert.equal(one.total, 1);
  assert.equal(one.errors[0]!.row, 252);
  assert.equal('cameras' in one, false);
  const many = failed(importCctvStandard(csv(Array.from({ length: 150 }, () => ({ ...BASE, 설치목적구분: '모름' })))));
  assert.equal(many.errors.length, 100);
  assert.equal(many.total, 150);
  assert.equal(many.errors[99]!.row, 101);
  assert.equal(failed(importCctvStandard(csv(Array.from({ length: 20 }, () => ({ ...BASE, 설치목적구분: '모름' }))), { maxErrors: 5 })).errors.length, 5);
});

test("rows outside the region are skipped: Seoul's rows from a national file, the rest counted", () => {
  const busan = { ...BASE, 관리기관명: '부산광역시 중구청', 소재지도로명주소: '부산광역시 중구 중앙대로 120', WGS84위도: '35.1796', WGS84경도: '129.0756' };
  const brokenBusan = { ...busan, WGS84위도: '' };
  const brokenSeoul = { ...BASE, WGS84위도: '' };
  const r = succeeded(importCctvStandard(csv([BASE, busan, brokenBusan]), { outside: 'skip' }));
  assert.equal(r.cameras.length, 1);
  assert.equal(r.stats.skippedOutsideRegion, 2);
  // A Seoul address with unusable coordinates is still an error.
  assert.equal(failed(importCctvStandard(csv([brokenSeoul, busan]), { outside: 'skip' })).errors[0]!.row, 2);
});

test('a camera just past the generalised boundary is given to the nearest 구 within the tolerance', () => {
  const gangseo = districtByCode('11500')!;
  const westmost = gangseo.polygons[0]![0]!.reduce((a, b) => (b[0] < a[0] ? b : a));
  const lat = westmost[1].toFixed(6);
  const lon = (westmost[0] - 0.0002).toFixed(6); // ~18 m west, in 부천
  assert.equal(districtAt(Number(lat), Number(lon)), null);
  const r = succeeded(importCctvStandard(csv([{ ...BASE, 관리기관명: '서울특별시 강서구청', WGS84위도: lat, WGS84경도: lon }])));
  assert.equal(r.cameras[0]!.district.code, '11500');
  assert.equal(r.stats.snappedToBorder, 1);
  assert.equal(failed(importCctvStandard(csv([{ ...BASE, WGS84위도: lat, WGS84경도: lon }]), { borderToleranceM: 0, outside: 'error' })).errors[0]!.code, 'ERR_OUTSIDE_REGION');
});

test('a camera run by one 구청 standing in another 구 is kept, and counted', () => {
  // 서초구 side of 강남대로, with a 서초구 address, run by 강남구청.
  const seocho = { 소재지도로명주소: '서울특별시 서초구 강남대로 373', 소재지지번주소: '서울특별시 서초구 서초동 1305' };
  const r = succeeded(importCctvStandard(csv([{ ...BASE, ...seocho, WGS84위도: '37.4960', WGS84경도: '127.0250' }])));
  assert.equal(r.cameras[0]!.district.code, '11650');
  assert.equal(r.stats.agencyDistrictMismatch, 1);
});

test('storeCameras replaces the table atomically; loadCameras reads back what was imported', () => {
  const db = new Database(':memory:');
  assert.deepEqual(loadCameras(db), []);
  const columns = [...STANDARD_COLUMNS, ...EXTRA_COLUMNS];
  const first = succeeded(importCctvStandard(csv([{ ...BASE, 카메라ID: 'A', 방향각: '45', 화각: '90' }, { ...BASE, 카메라ID: 'B', 보관일수: '', 설치연월: '' }], columns)));
  assert.deepEqual(storeCameras(db, first.cameras).stored, 2);
  assert.deepEqual(loadCameras(db), first.cameras);

  // A failing store (duplicate id) leaves the previous registry untouched.
  const dup = [first.cameras[0]!, { ...first.cameras[0]!, name: 'other' }];
  assert.throws(() => storeCameras(db, dup), /UNIQUE/);
  assert.deepEqual(loadCameras(db), first.cameras);

  // A successful store replaces everything.
  const second = succeeded(importCctvStandard(csv([{ ...BASE, 카메라ID: 'C' }], columns)));
  storeCameras(db, second.cameras);
  assert.deepEqual(loadCameras(db).map((c) => c.id), ['C']);
  db.close();
});
