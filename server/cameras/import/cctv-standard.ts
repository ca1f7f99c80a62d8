/**
 * Imports a 전국CCTV표준데이터 CSV into cameras, all or nothing: either every row is valid and
 * `{ ok: true, cameras }` comes back, or nothing is imported and the errors say where (spreadsheet
 * row, column, reason — the first 100, and how many in all).
 *
 * Both header variants are read: the current one (WGS84위도, WGS84경도, 설치연월; newer files add
 * 개방자치단체코드 and 관리번호) and the older one (위도, 경도, 설치년월). Errors name the column as
 * the file writes it.
 *
 * Rules, row by row:
 * - 관리기관명, 설치목적구분, 카메라대수, WGS84위도, WGS84경도 and 데이터기준일자 are required, and
 *   at least one of 소재지도로명주소 / 소재지지번주소. Other standard columns may be empty.
 * - Coordinates are decimal degrees; they must be in Korea (33–39°N, 124–132°E). Swapped
 *   latitude/longitude is named as such.
 * - The 시군구 comes from the coordinates, within the deployment's `region` (default Seoul; or
 *   `'infer'`: every 시군구 of Korea, the cameras' own 시군구 becoming the region). A point outside
 *   every 시군구 but within `borderToleranceM` of a border is given to the nearest one (the
 *   boundaries are generalised). Near a border the address wins: when the address names another
 *   시군구 of the region and the point is within `addressToleranceM` of it, the camera is filed there.
 * - A row outside the region is left out and counted (`outside: 'skip'`, the default: a national
 *   file holds every city), or is an error (`'error'`). A row with unusable coordinates is skipped
 *   too unless its address names the region's 시도.
 * - 설치목적구분 must be one of `CATEGORIES` (spaces ignored).
 * - 방향각 and 화각 (optional extra columns) come together or not at all.
 * - 카메라ID (optional extra column) must be unique; without it an id is derived from the row's
 *   content, so re-importing the same file gives the same ids.
 */
import { createHash } from 'node:crypto';
import { allDistricts, seoulDistrictSet, type District, type DistrictRef, type DistrictSet } from '../../geo/districts.ts';
import { SIDO, sidoOfAddress, sigunguKey } from '../../geo/sido.ts';
import { parseCsv } from './csv.ts';
import { decodeText, EncodingError, type TextEncodingName } from './encoding.ts';
import {
  CATEGORIES,
  EXTRA_COLUMNS,
  STANDARD_COLUMNS,
  type Column,
  type ImportedCamera,
  type ImportError,
  type ImportErrorCode,
  type ImportResult,
  type ImportStats
} from './types.ts';

export interface ImportOptions {
  /** The deployment's 시군구 (default Seoul's 25), or `'infer'`: whichever the cameras stand in. */
  region?: DistrictSet | 'infer';
  /** Rows outside the region: left out and counted (default) or an error. */
  outside?: 'error' | 'skip';
  /** Metres past a 구 border a camera may stand and still be given to that 구. Default 30; 0 disables. */
  borderToleranceM?: number;
  /** Metres from the 시군구 its address names within which the address wins over the point. Default 300; 0 disables. */
  addressToleranceM?: number;
  /** Errors listed in the result (all are counted). Default 100. */
  maxErrors?: number;
  /** Accepted 설치목적구분 values with their English labels. Default `CATEGORIES`. */
  categories?: Readonly<Record<string, string>>;
}

const KOREA = { minLat: 33, maxLat: 39, minLon: 124, maxLon: 132 };
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** The older header variant's names for standard columns. */
const OLDER_NAMES: Readonly<Partial<Record<Column, string>>> = { WGS84위도: '위도', WGS84경도: '경도', 설치연월: '설치년월' };

/** Reads the file's bytes (UTF-8 with or without BOM, or CP949) or already-decoded text. */
export function importCctvStandard(input: Uint8Array | string, options: ImportOptions = {}): ImportResult {
  const outside = options.outside ?? 'skip';
  const region = options.region === 'infer' ? allDistricts() : (options.region ?? seoulDistrictSet());
  const toleranceM = options.borderToleranceM ?? 30;
  const addressToleranceM = options.addressToleranceM ?? 300;
  const maxErrors = options.maxErrors ?? 100;
  const categories = options.categories ?? CATEGORIES;
  if (outside !== 'error' && outside !== 'skip') throw new RangeError(`outside must be 'error' or 'skip' (got ${String(outside)})`);
  if (!(toleranceM >= 0)) throw new RangeError(`borderToleranceM must be 0 or more (got ${toleranceM})`);
  if (!(addressToleranceM >= 0)) throw new RangeError(`addressToleranceM must be 0 or more (got ${addressToleranceM})`);
  const named = new NamedDistricts(region);
  const regionSido = new Set(region.codes.map((c) => c.slice(0, 2)));
  if (!(Number.isInteger(maxErrors) && maxErrors >= 0)) throw new RangeError(`maxErrors must be a whole number ≥ 0 (got ${maxErrors})`);
  const categoryByKey = new Map(Object.entries(categories).map(([ko, en]) => [ko.replace(/\s+/g, ''), { ko, en }]));

  const t0 = performance.now();
  const stats: ImportStats = {
    encoding: null,
    rows: 0,
    cameras: 0,
    blankRows: 0,
    skippedOutsideRegion: 0,
    snappedToBorder: 0,
    addressOverPoint: 0,
    agencyDistrictMismatch: 0,
    byDistrict: {},
    byCategory: {},
    ms: { decode: 0, parse: 0, validate: 0, total: 0 }
  };
  const errors: ImportError[] = [];
  let total = 0;
  const report = (row: number | null, column: string | null, code: ImportErrorCode, reason: string, value?: string) => {
    total++;
    if (errors.length < maxErrors) {
      errors.push(value === undefined ? { row, column, code, reason } : { row, column, code, reason, value: value.slice(0, 100) });
    }
  };
  const finish = (cameras: ImportedCamera[]): ImportResult => {
    stats.ms.total = performance.now() - t0;
    if (total > 0) return { ok: false, errors, total, stats };
    stats.cameras = cameras.length;
    return { ok: true, cameras, stats };
  };

  // Decode.
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    stats.encoding = null;
  } else {
    try {
      const decoded: { text: string; encoding: TextEncodingName } = decodeText(input);
      text = decoded.text;
      stats.encoding = decoded.encoding;
    } catch (error) {
      if (!(error instanceof EncodingError)) throw error;
      report(null, null, 'ERR_ENCODING', error.message);
      return finish([]);
    }
  }
  const t1 = performance.now();
  stats.ms.decode = t1 - t0;

  // Parse.
  const { records, errors: syntax } = parseCsv(text);
  const t2 = performance.now();
  stats.ms.parse = t2 - t1;
  for (const e of syntax) {
    const column = e.row > 1 ? (records[0]?.[e.field - 1]?.trim() ?? null) : null;
    report(e.row, column, e.code, `${e.field}번째 칸: ${e.reason}`);
  }
  if (syntax.length) return finish([]);
  const header = records[0];
  if (!header || (header.length === 1 && header[0]!.trim() === '')) {
    report(null, null, 'ERR_EMPTY_FILE', '빈 파일입니다 (the file is empty)');
    return finish([]);
  }

  // Header.
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.replace(/^\uFEFF/, '').trim();
    if (index.has(key)) report(1, key, 'ERR_DUPLICATE_COLUMN', `같은 열이 두 번 있습니다 (column appears twice: ${index.get(key)! + 1} and ${i + 1})`);
    else index.set(key, i);
  });
  // The older variant: its names stand for the current ones (unless the file has both).
  const written = new Map<string, string>();
  for (const [column, older] of Object.entries(OLDER_NAMES)) {
    if (!index.has(column) && index.has(older)) {
      index.set(column, index.get(older)!);
      written.set(column, older);
    }
  }
  for (const column of STANDARD_COLUMNS) {
    if (!index.has(column)) report(1, column, 'ERR_MISSING_COLUMN', `머리글에 '${column}' 열이 없습니다 (the header has no '${column}' column)`);
  }
  if (total > 0) return finish([]);

  // Rows.
  const cameras: ImportedCamera[] = [];
  const idRows = new Map<string, number>();
  const derivedIds = new Map<string, number>();
  const hasExtra = Object.fromEntries(EXTRA_COLUMNS.map((c) => [c, index.has(c)])) as Record<(typeof EXTRA_COLUMNS)[number], boolean>;

  const rd = new RowReader(index, written, report);
  // Cameras keep only their own copies of text (not slices pinning the whole file), and share
  // the values many cameras have in common (agency, dates, district).
  const intern = new Interner();
  const refs = new Map<string, DistrictRef>();
  const sharedRef = (d: District): DistrictRef => {
    let ref = refs.get(d.code);
    if (!ref) refs.set(d.code, (ref = Object.freeze({ code: d.code, name: d.name, nameEn: d.nameEn })));
    return ref;
  };
  for (let r = 1; r < records.length; r++) {
    const fields = records[r]!;
    const row = r + 1;
    stats.rows++;
    if (fields.length === 1 && fields[0]!.trim() === '') {
      stats.blankRows++;
      continue;
    }
    if (fields.length !== header.length) {
      report(row, null, 'ERR_FIELD_COUNT', `칸 수가 ${fields.length}개로 머리글(${header.length}개)과 다릅니다 (${fields.length} fields, the header has ${header.length})`);
      continue;
    }
    const before = total;
    rd.start(row, fields);

    // Location first: in skip mode it decides whether the rest of the row matters.
    const roadAddress = rd.cell('소재지도로명주소') || null;
    const lotAddress = rd.cell('소재지지번주소') || null;
    const coords = readCoordinates(rd.cell('WGS84위도'), rd.cell('WGS84경도'));
    let district: DistrictRef | null = null;
    if (coords.ok) {
      const found = region.nearest(coords.lat, coords.lon, toleranceM);
      const byAddress = named.of(roadAddress) ?? named.of(lotAddress);
      if (byAddress && byAddress.code !== found?.district.code && region.distanceTo(byAddress.code, coords.lat, coords.lon) <= addressToleranceM) {
        district = sharedRef(byAddress);
        stats.addressOverPoint++;
      } else if (found) {
        district = sharedRef(found.district);
        if (found.distanceM > 0) stats.snappedToBorder++;
      } else if (outside === 'skip') {
        stats.skippedOutsideRegion++;
        continue;
      } else {
        rd.fail('WGS84위도', 'ERR_OUTSIDE_REGION', `지역 밖의 위치입니다 (outside the region's ${region.codes.length} 시군구: ${coords.lat}, ${coords.lon})`, `${coords.lat}, ${coords.lon}`);
      }
    } else {
      const sido = sidoOfAddress(roadAddress ?? lotAddress ?? '');
      if (outside === 'skip' && !(sido && regionSido.has(sido.code))) {
        stats.skippedOutsideRegion++;
        continue;
      }
      rd.fail(coords.column, coords.code, coords.reason, coords.value);
    }

    const agency = rd.required('관리기관명', 'managing agency');
    if (!roadAddress && !lotAddress) {
      rd.fail('소재지도로명주소', 'ERR_REQUIRED', '소재지도로명주소와 소재지지번주소가 모두 비어 있습니다 (missing address: give the road or the lot address)');
    }

    const rawCategory = rd.required('설치목적구분', 'purpose');
    const category = rawCategory ? categoryByKey.get(rawCategory.replace(/\s+/g, '')) : undefined;
    if (rawCategory && !category) {
      rd.fail('설치목적구분', 'ERR_UNKNOWN_CATEGORY', `알 수 없는 설치목적구분입니다 (unknown purpose; expected one of ${Object.keys(categories).join(', ')})`, rawCategory);
    }

    const cameraCount = readInteger(rd.cell('카메라대수'), '카메라대수', 1, 10_000, true, rd);
    const pixels = readNumber(rd.cell('카메라화소수').replace(/\s*만?\s*화소$|\s*만$/, ''), '카메라화소수', 0, 100_000, rd);
    const retentionDays = readInteger(rd.cell('보관일수'), '보관일수', 0, 100_000, false, rd);
    const installed = readYearMonth(rd.cell('설치연월'), rd);
    const dataDate = readDate(rd.required('데이터기준일자', 'data reference date'), rd);

    let facingDeg: number | undefined;
    let fovDeg: number | undefined;
    if (hasExtra['방향각'] || hasExtra['화각']) {
      const facingRaw = rd.cell('방향각');
      const fovRaw = rd.cell('화각');
      if (!facingRaw !== !fovRaw) {
        rd.fail(facingRaw ? '화각' : '방향각', 'ERR_FACING_INCOMPLETE', '방향각과 화각은 함께 적어야 합니다 (facing direction and field of view go together: give both or neither)');
      } else if (facingRaw) {
        const facing = readNumber(facingRaw, '방향각', 0, 360, rd);
        const fov = readNumber(fovRaw, '화각', 0, 360, rd);
        if (fov === 0) rd.fail('화각', 'ERR_OUT_OF_RANGE', '화각은 0보다 커야 합니다 (field of view must be above 0°)', fovRaw);
        if (facing !== null && fov !== null && fov > 0) {
          facingDeg = facing === 360 ? 0 : facing;
          fovDeg = fov;
        }
      }
    }

    let id: string | null = null;
    if (hasExtra['카메라ID'] && rd.cell('카메라ID')) {
      id = detach(rd.cell('카메라ID'));
      if (!ID_PATTERN.test(id)) {
        rd.fail('카메라ID', 'ERR_BAD_ID', '카메라ID는 영문·숫자·._:- 로 64자 이내여야 합니다 (id must be 1–64 of A–Z a–z 0–9 . _ : -, starting with a letter or digit)', id);
      } else if (idRows.has(id)) {
        rd.fail('카메라ID', 'ERR_DUPLICATE_ID', `카메라ID가 ${idRows.get(id)}행과 겹칩니다 (duplicate id, first used in row ${idRows.get(id)})`, id);
      } else idRows.set(id, row);
    }

    if (total > before || !coords.ok || !district || !agency || !category || cameraCount === null || !dataDate) continue;

    if (!id) {
      const base = `cctv-${district.code}-${createHash('sha1')
        .update([agency, roadAddress ?? '', lotAddress ?? '', category.ko, coords.lat, coords.lon].join('\u001f'))
        .digest('hex')
        .slice(0, 10)}`;
      // Identical rows get -2, -3 …; never an id the file gives another camera.
      let seen = derivedIds.get(base) ?? 0;
      do {
        seen++;
        id = seen === 1 ? base : `${base}-${seen}`;
      } while (idRows.has(id));
      derivedIds.set(base, seen);
      idRows.set(id, row);
    }

    const road = roadAddress === null ? null : detach(roadAddress);
    const lot = lotAddress === null ? null : detach(lotAddress);
    const address = (road ?? lot)!;
    const camera: ImportedCamera = {
      id,
      name: detach(`${shortAddress(address)} (${category.ko})`),
      nameEn: detach(`${category.en} camera, ${district.nameEn} (${id})`),
      district,
      category: category.ko,
      categoryEn: category.en,
      location: { lat: coords.lat, lon: coords.lon },
      address,
      roadAddress: road,
      lotAddress: lot,
      cameraCount,
      megapixels: pixels === null ? null : pixels / 100,
      viewDescription: intern.maybe(rd.cell('촬영방면정보') || null),
      retentionDays,
      installed: intern.maybe(installed),
      agency: intern.get(agency),
      agencyPhone: intern.maybe(rd.cell('관리기관전화번호') || null),
      dataDate: intern.get(dataDate)
    };
    if (facingDeg !== undefined && fovDeg !== undefined) {
      camera.facingDeg = facingDeg;
      camera.fovDeg = fovDeg;
    }
    cameras.push(camera);
    stats.byDistrict[district.code] = (stats.byDistrict[district.code] ?? 0) + 1;
    stats.byCategory[category.ko] = (stats.byCategory[category.ko] ?? 0) + 1;
    const agencyDistrict = named.inAgency(agency, district.code.slice(0, 2));
    if (agencyDistrict && agencyDistrict.code !== district.code) stats.agencyDistrictMismatch++;
  }
  stats.ms.validate = performance.now() - t2;
  return finish(cameras);
}

/**
 * A flat copy of a string that does not keep its source alive. Cells are slices of the whole
 * file's text, and V8 keeps the parent of a slice (13+ characters) in memory, and a string built
 * with + or a template is a tree of its parts until flattened. A JSON round trip gives a plain
 * string (~0.3 µs each; cheaper in memory than the ` ${s}`.slice(1) trick, which is a slice too).
 */
function detach(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** Gives one shared, detached instance for each distinct value. */
class Interner {
  readonly #seen = new Map<string, string>();
  get(s: string): string {
    let known = this.#seen.get(s);
    if (known === undefined) this.#seen.set(s, (known = detach(s)));
    return known;
  }
  maybe(s: string | null): string | null {
    return s === null ? null : this.get(s);
  }
}

type Report = (row: number | null, column: string | null, code: ImportErrorCode, reason: string, value?: string) => void;

/** The row being validated: its cells by column name, and errors reported against it. */
class RowReader {
  #row = 0;
  #fields: readonly string[] = [];
  readonly #index: ReadonlyMap<string, number>;
  readonly #written: ReadonlyMap<string, string>;
  readonly #report: Report;

  /** `written`: the file's own name of a column, where it differs (the older variant's 위도 …). */
  constructor(index: ReadonlyMap<string, number>, written: ReadonlyMap<string, string>, report: Report) {
    this.#index = index;
    this.#written = written;
    this.#report = report;
  }

  start(row: number, fields: readonly string[]): void {
    this.#row = row;
    this.#fields = fields;
  }

  /** The cell, trimmed; '' when empty or when the file has no such column. */
  cell(column: Column): string {
    const i = this.#index.get(column);
    return i === undefined ? '' : this.#fields[i]!.trim();
  }

  fail(column: Column, code: ImportErrorCode, reason: string, value?: string): void {
    this.#report(this.#row, this.#written.get(column) ?? column, code, reason, value);
  }

  required(column: Column, what: string): string | null {
    const v = this.cell(column);
    if (!v) this.fail(column, 'ERR_REQUIRED', `${column}이(가) 비어 있습니다 (missing ${what})`);
    return v || null;
  }
}

type Coordinates =
  | { ok: true; lat: number; lon: number }
  | { ok: false; column: Column; code: ImportErrorCode; reason: string; value?: string };

function readCoordinates(latRaw: string, lonRaw: string): Coordinates {
  if (!latRaw) return { ok: false, column: 'WGS84위도', code: 'ERR_REQUIRED', reason: 'WGS84위도가 비어 있습니다 (missing latitude)' };
  if (!lonRaw) return { ok: false, column: 'WGS84경도', code: 'ERR_REQUIRED', reason: 'WGS84경도가 비어 있습니다 (missing longitude)' };
  if (!DECIMAL.test(latRaw)) return { ok: false, column: 'WGS84위도', code: 'ERR_NOT_A_NUMBER', reason: '위도가 숫자가 아닙니다 (latitude is not a decimal number)', value: latRaw };
  if (!DECIMAL.test(lonRaw)) return { ok: false, column: 'WGS84경도', code: 'ERR_NOT_A_NUMBER', reason: '경도가 숫자가 아닙니다 (longitude is not a decimal number)', value: lonRaw };
  const lat = Number(latRaw);
  const lon = Number(lonRaw);
  const inKorea = (la: number, lo: number) => la >= KOREA.minLat && la <= KOREA.maxLat && lo >= KOREA.minLon && lo <= KOREA.maxLon;
  if (inKorea(lat, lon)) return { ok: true, lat, lon };
  if (inKorea(lon, lat)) {
    return { ok: false, column: 'WGS84위도', code: 'ERR_COORDINATES_SWAPPED', reason: `위도와 경도가 바뀐 것 같습니다 (latitude and longitude look swapped: ${lat}, ${lon})`, value: latRaw };
  }
  if (lat < -90 || lat > 90) return { ok: false, column: 'WGS84위도', code: 'ERR_OUT_OF_RANGE', reason: '위도는 -90~90 사이여야 합니다 (latitude out of range)', value: latRaw };
  if (lon < -180 || lon > 180) return { ok: false, column: 'WGS84경도', code: 'ERR_OUT_OF_RANGE', reason: '경도는 -180~180 사이여야 합니다 (longitude out of range)', value: lonRaw };
  const column: Column = lat < KOREA.minLat || lat > KOREA.maxLat ? 'WGS84위도' : 'WGS84경도';
  return {
    ok: false,
    column,
    code: 'ERR_OUT_OF_RANGE',
    reason: `대한민국 밖의 좌표입니다 (coordinates outside Korea, 33–39°N 124–132°E: ${lat}, ${lon})`,
    value: column === 'WGS84위도' ? latRaw : lonRaw
  };
}

function readNumber(raw: string, column: Column, min: number, max: number, rd: RowReader): number | null {
  if (!raw) return null;
  const text = raw.replace(/,/g, '');
  if (!DECIMAL.test(text)) {
    rd.fail(column, 'ERR_NOT_A_NUMBER', `${column}이(가) 숫자가 아닙니다 (not a number)`, raw);
    return null;
  }
  const value = Number(text);
  if (value < min || value > max) {
    rd.fail(column, 'ERR_OUT_OF_RANGE', `${column}은(는) ${min}~${max} 사이여야 합니다 (out of range ${min}–${max})`, raw);
    return null;
  }
  return value;
}

function readInteger(raw: string, column: Column, min: number, max: number, isRequired: boolean, rd: RowReader): number | null {
  if (!raw) {
    if (isRequired) rd.fail(column, 'ERR_REQUIRED', `${column}이(가) 비어 있습니다 (missing value)`);
    return null;
  }
  const value = readNumber(raw, column, min, max, rd);
  if (value !== null && !Number.isInteger(value)) {
    rd.fail(column, 'ERR_NOT_A_NUMBER', `${column}은(는) 정수여야 합니다 (must be a whole number)`, raw);
    return null;
  }
  return value;
}

/** 데이터기준일자 → YYYY-MM-DD; accepts 2025-06-30, 20250630, 2025.06.30, 2025/6/30. */
function readDate(raw: string | null, rd: RowReader): string | null {
  if (!raw) return null;
  const m = /^(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})\.?$/.exec(raw);
  const date = m ? validDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (!date) rd.fail('데이터기준일자', 'ERR_BAD_DATE', '날짜 형식이 아닙니다 (not a date; expected YYYY-MM-DD)', raw);
  return date;
}

/** 설치연월 → YYYY-MM (or YYYY); accepts 2019-03, 201903, 2019.03, 2019/3, 2019-03-15, 2019년 3월, 2019. */
function readYearMonth(raw: string, rd: RowReader): string | null {
  if (!raw) return null;
  const m =
    /^(\d{4})[-./]?(\d{1,2})(?:[-./]\d{1,2})?\.?$/.exec(raw) ?? /^(\d{4})\s*년\s*(\d{1,2})\s*월$/.exec(raw) ?? /^(\d{4})(?:\s*년)?$/.exec(raw);
  if (m) {
    const year = Number(m[1]);
    const month = m[2] === undefined ? null : Number(m[2]);
    if (year >= 1950 && year <= 2100 && (month === null || (month >= 1 && month <= 12))) {
      return month === null ? String(year) : `${year}-${String(month).padStart(2, '0')}`;
    }
  }
  rd.fail('설치연월', 'ERR_BAD_DATE', '설치연월 형식이 아닙니다 (not a year and month; expected YYYY-MM)', raw);
  return null;
}

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1950 || y > 2100 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "서울특별시 강남구 테헤란로 152" → "강남구 테헤란로 152" */
function shortAddress(address: string): string {
  return sidoOfAddress(address) ? address.trimStart().replace(/^\S+\s+/, '') : address;
}

/**
 * The region's 시군구 by the words an address names them with: "광주광역시 서구 …" is 29140 and
 * "부산광역시 서구 …" 26140, so the 시도 comes first; "경기도 성남시 수정구 …" is found by 수정구.
 */
class NamedDistricts {
  readonly #byKey = new Map<string, District>();

  constructor(region: DistrictSet) {
    for (const d of region.districts) this.#byKey.set(`${d.code.slice(0, 2)}:${sigunguKey(d.name)}`, d);
  }

  /** The 시군구 the address names (its 시도, then one of the next two words), or null. */
  of(address: string | null): District | null {
    if (!address) return null;
    const sido = sidoOfAddress(address);
    if (!sido) return null;
    const words = address.trim().split(/\s+/);
    for (const word of words.slice(1, 3)) {
      const d = this.#byKey.get(`${sido.code}:${word}`);
      if (d) return d;
    }
    return null;
  }

  /** The 시군구 a 관리기관명 of that 시도 names ("서울특별시 강남구청" → 강남구), or null. */
  inAgency(agency: string, sidoCode: string): District | null {
    const sido = SIDO.get(sidoCode);
    if (!sido || !sido.aliases.some((a) => agency.startsWith(a))) return null;
    for (const word of agency.split(/\s+/).slice(1)) {
      const d = this.#byKey.get(`${sidoCode}:${word.replace(/청$/, '')}`);
      if (d) return d;
    }
    return null;
  }
}
