/**
 * The Han (한강) as the synthetic road network sees it: a band of water that roads may cross only
 * on bridges.
 *
 * The district boundaries cover the river — Seoul's 구 borders run through the water — so the
 * river is derived from them: the north bank's 구 (종로 … 마포, codes below 11470) and the south
 * bank's (양천 … 강동) meet in the river, and where the south bank faces another city (강서 → 고양,
 * 강동 → 구리) the Seoul boundary itself is the river. For each meridian the centerline is the
 * northernmost point of a south-bank 구; the line is smoothed and extended past the city on both
 * ends, and the band is every point within `halfWidthM` of it. It is an approximation of the real
 * river (the administrative border is not exactly mid-stream), good enough for a demo: the bridges
 * below are at their real longitudes.
 */
import { districtAt, seoulDistricts } from '../districts.ts';
import { segmentDistance, toLonLat, toXY, type XY } from './plane.ts';

/** The real Han bridges (road), west → east, with the longitude where each crosses. */
export const HAN_BRIDGES: readonly { name: string; lon: number }[] = [
  { name: '가양대교', lon: 126.862 },
  { name: '성산대교', lon: 126.894 },
  { name: '양화대교', lon: 126.903 },
  { name: '서강대교', lon: 126.926 },
  { name: '마포대교', lon: 126.936 },
  { name: '원효대교', lon: 126.946 },
  { name: '한강대교', lon: 126.959 },
  { name: '동작대교', lon: 126.98 },
  { name: '반포대교', lon: 126.996 },
  { name: '한남대교', lon: 127.013 },
  { name: '동호대교', lon: 127.021 },
  { name: '성수대교', lon: 127.035 },
  { name: '영동대교', lon: 127.058 },
  { name: '청담대교', lon: 127.066 },
  { name: '잠실대교', lon: 127.092 },
  { name: '올림픽대교', lon: 127.104 },
  { name: '천호대교', lon: 127.113 }
];

/** 구 codes from this one on lie south of the Han (양천구 11470 … 강동구 11740). */
const FIRST_SOUTH_CODE = '11470';

export function isSouthBankDistrict(code: string): boolean {
  return code >= FIRST_SOUTH_CODE;
}

export type RiverSide = 'north' | 'south' | 'river';

export interface BridgeCrossing {
  name: string;
  /** Where the bridge meets each bank (just outside the band), on the plane. */
  south: XY;
  north: XY;
}

export class HanRiver {
  /** Half the band's width, metres. */
  readonly halfWidthM: number;
  /** Centerline on the plane, west → east. */
  private readonly line: XY[];

  constructor(line: XY[], halfWidthM: number) {
    this.line = line;
    this.halfWidthM = halfWidthM;
  }

  /** Centerline as [lon, lat], west → east (extends past the city on both ends). */
  centerline(): [lon: number, lat: number][] {
    return this.line.map((p) => toLonLat(p.x, p.y));
  }

  /** The band as one polygon ring [lon, lat] (the water layer of the map): the centerline offset to both banks. */
  polygon(): [lon: number, lat: number][] {
    const l = this.line;
    const north: [number, number][] = [];
    const south: [number, number][] = [];
    for (let i = 0; i < l.length; i++) {
      const p = l[Math.max(0, i - 1)]!;
      const q = l[Math.min(l.length - 1, i + 1)]!;
      const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      const nx = -(q.y - p.y) / len;
      const ny = (q.x - p.x) / len;
      const c = l[i]!;
      north.push(toLonLat(c.x + nx * this.halfWidthM, c.y + ny * this.halfWidthM));
      south.push(toLonLat(c.x - nx * this.halfWidthM, c.y - ny * this.halfWidthM));
    }
    return [...north, ...south.reverse(), north[0]!];
  }

  /** Distance to the centerline (metres) and on which side the point is (+1 north, −1 south). */
  measure(x: number, y: number): { distanceM: number; sign: 1 | -1 } {
    let best = Infinity;
    let sign: 1 | -1 = 1;
    const l = this.line;
    for (let i = 1; i < l.length; i++) {
      const a = l[i - 1]!;
      const b = l[i]!;
      // Cheap reject: the segment's box is farther than the best so far.
      if (x < Math.min(a.x, b.x) - best || x > Math.max(a.x, b.x) + best || y < Math.min(a.y, b.y) - best || y > Math.max(a.y, b.y) + best) continue;
      const { d } = segmentDistance(x, y, a.x, a.y, b.x, b.y);
      if (d < best) {
        best = d;
        sign = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0 ? 1 : -1;
      }
    }
    return { distanceM: best, sign };
  }

  sideAt(lat: number, lon: number): RiverSide {
    const { x, y } = toXY(lat, lon);
    const m = this.measure(x, y);
    return m.distanceM <= this.halfWidthM ? 'river' : m.sign > 0 ? 'north' : 'south';
  }

  /** Each bridge of HAN_BRIDGES: straight across the band, perpendicular to the centerline. */
  bridges(overhangM = 100): BridgeCrossing[] {
    const out: BridgeCrossing[] = [];
    for (const bridge of HAN_BRIDGES) {
      const bx = toXY(PLANE_MID_LAT, bridge.lon).x;
      const i = this.line.findIndex((p, k) => k > 0 && this.line[k - 1]!.x <= bx && p.x >= bx);
      if (i < 1) continue;
      const a = this.line[i - 1]!;
      const b = this.line[i]!;
      const t = (bx - a.x) / (b.x - a.x || 1);
      const c = { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
      // Tangent over a few hundred metres either way (the line is sampled every ~350 m).
      const p = this.line[Math.max(0, i - 2)]!;
      const q = this.line[Math.min(this.line.length - 1, i + 1)]!;
      const len = Math.hypot(q.x - p.x, q.y - p.y);
      const nx = -(q.y - p.y) / len;
      const ny = (q.x - p.x) / len;
      const r = this.halfWidthM + overhangM;
      out.push({ name: bridge.name, north: { x: c.x + nx * r, y: c.y + ny * r }, south: { x: c.x - nx * r, y: c.y - ny * r } });
    }
    return out;
  }
}

const PLANE_MID_LAT = 37.55;

/** Half-width of the band; the Han is about 1 km wide through Seoul. */
export const HAN_HALF_WIDTH_M = 380;

let cached: HanRiver | null = null;

/** The Han derived from the district boundaries (computed once, ~100 ms, then cached). */
export function hanRiver(): HanRiver {
  cached ??= deriveHanRiver();
  return cached;
}

function deriveHanRiver(): HanRiver {
  const districts = seoulDistricts();
  const minLon = Math.min(...districts.map((d) => d.bbox[0]));
  const maxLon = Math.max(...districts.map((d) => d.bbox[2]));
  const samples: XY[] = [];
  const STEP_LON = 0.004; // ≈ 350 m
  const STEP_LAT = 0.0005; // ≈ 55 m
  for (let lon = minLon + STEP_LON / 2; lon < maxLon; lon += STEP_LON) {
    // From the north down: the first south-bank 구 met is the river's middle (or Seoul's edge on it).
    for (let lat = 37.63; lat > 37.47; lat -= STEP_LAT) {
      const d = districtAt(lat, lon);
      if (d !== null && isSouthBankDistrict(d.code)) {
        samples.push(toXY(lat + STEP_LAT / 2, lon));
        break;
      }
    }
  }
  // Median of 5 then mean of 3 on y: removes the jags of the boundary, keeps its course.
  const ys = samples.map((p) => p.y);
  const median = ys.map((_, i) => {
    const w = ys.slice(Math.max(0, i - 2), i + 3).sort((a, b) => a - b);
    return w[w.length >> 1]!;
  });
  const smooth = median.map((_, i) => {
    const w = median.slice(Math.max(0, i - 1), i + 2);
    return w.reduce((s, v) => s + v, 0) / w.length;
  });
  const line = samples.map((p, i) => ({ x: p.x, y: smooth[i]! }));
  const first = line[0]!;
  const last = line[line.length - 1]!;
  // Past the city on both ends, so that no road can go round the river's end inside Seoul.
  line.unshift({ x: first.x - 5000, y: first.y });
  line.push({ x: last.x + 5000, y: last.y });
  return new HanRiver(line, HAN_HALF_WIDTH_M);
}
