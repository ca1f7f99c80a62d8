/**
 * Points along a route: which of a set of points (cameras) lie within a corridor around a route
 * polyline, ordered by how far along the route they are. Feeds the "cameras along the engine's
 * route" strip. Pure: no graph, no state.
 *
 * How: one pass over the points against the route's bounding box (grown by the half-width)
 * throws out most of a city's cameras; the route's segments go into a small grid over that box,
 * so each remaining point is measured only against the segments near it. Distances are planar
 * in a local frame at each segment's mid-latitude (equirectangular): at corridor scale (tens of
 * metres) the error against the great circle is far below GPS error.
 */
import { DEG_TO_RAD, METRES_PER_DEGREE, haversineM, type LonLat } from './geo.ts';

export interface CorridorPoint {
  id: string;
  lat: number;
  lon: number;
}

export interface CorridorHit<P extends CorridorPoint = CorridorPoint> {
  point: P;
  /** Distance along the route from its start to the point's projection, metres. */
  alongM: number;
  /** Distance from the point to the route, metres. */
  offsetM: number;
  /** Index of the polyline segment (positions i → i + 1) the point projects onto. */
  segmentIndex: number;
}

export interface CorridorOptions {
  /** Largest distance from the route, metres, on either side (the corridor is twice as wide). */
  halfWidthM: number;
}

/** Upper bound on the segment grid's cells. */
const MAX_CELLS = 1 << 18;

/** Precomputed route segments in local metric frames. */
interface Segments {
  count: number;
  lon0: Float64Array;
  lat0: Float64Array;
  /** Metres per degree of longitude at the segment's mid-latitude. */
  kx: Float64Array;
  /** Segment vector, metres. */
  bx: Float64Array;
  by: Float64Array;
  len2: Float64Array;
  /** Route distance at the segment start, and the segment's length, metres. */
  along0: Float64Array;
  length: Float64Array;
}

/**
 * The points within `halfWidthM` of the route, ordered by distance along the route (ties: nearer
 * to the route first, then input order). A point near two parts of the route (a route that
 * passes the same street twice) is reported once, at its nearest part (earliest on a tie).
 */
export function pointsAlongRoute<P extends CorridorPoint>(polyline: readonly LonLat[], points: readonly P[], options: CorridorOptions): CorridorHit<P>[] {
  const halfWidthM = options.halfWidthM;
  if (!(Number.isFinite(halfWidthM) && halfWidthM >= 0)) throw new RangeError('halfWidthM must be a finite number ≥ 0');
  if (polyline.length === 0 || points.length === 0) return [];
  const seg = prepareSegments(polyline);

  // Bounding box of the route, grown by the half-width (longitude margin at the widest point).
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  for (const [lon, lat] of polyline) {
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
  }
  const reach = halfWidthM * (1 + 1e-9) + 1e-6;
  const marginLat = reach / METRES_PER_DEGREE;
  const cosMin = Math.max(Math.cos(Math.min(89.9, Math.max(Math.abs(minLat), Math.abs(maxLat)) + marginLat) * DEG_TO_RAD), 1e-6);
  const marginLon = reach / (METRES_PER_DEGREE * cosMin);
  minLat -= marginLat;
  maxLat += marginLat;
  minLon -= marginLon;
  maxLon += marginLon;

  const grid = buildSegmentGrid(polyline, seg, halfWidthM, minLat, minLon, maxLat, maxLon);
  const hits: { hit: CorridorHit<P>; order: number }[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const { lat, lon } = p;
    if (!(lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon)) continue;
    const cx = Math.min(grid.cols - 1, Math.floor((lon - minLon) / grid.cellLon));
    const cy = Math.min(grid.rows - 1, Math.floor((lat - minLat) / grid.cellLat));
    const c = cy * grid.cols + cx;
    let bestD = Infinity;
    let bestS = -1;
    let bestT = 0;
    for (let k = grid.start[c]!; k < grid.start[c + 1]!; k++) {
      const s = grid.items[k]!;
      const px = (lon - seg.lon0[s]!) * seg.kx[s]!;
      const py = (lat - seg.lat0[s]!) * METRES_PER_DEGREE;
      const bx = seg.bx[s]!;
      const by = seg.by[s]!;
      const len2 = seg.len2[s]!;
      let t = len2 > 0 ? (px * bx + py * by) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const dx = px - t * bx;
      const dy = py - t * by;
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d < bestD || (d === bestD && s < bestS)) {
        bestD = d;
        bestS = s;
        bestT = t;
      }
    }
    if (bestS === -1 || bestD > halfWidthM) continue;
    hits.push({ hit: { point: p, alongM: seg.along0[bestS]! + bestT * seg.length[bestS]!, offsetM: bestD, segmentIndex: bestS }, order: i });
  }
  hits.sort((a, b) => a.hit.alongM - b.hit.alongM || a.hit.offsetM - b.hit.offsetM || a.order - b.order);
  return hits.map((h) => h.hit);
}

/** Route segments in local frames; a one-position route is one zero-length segment. */
function prepareSegments(polyline: readonly LonLat[]): Segments {
  const count = Math.max(1, polyline.length - 1);
  const seg: Segments = {
    count,
    lon0: new Float64Array(count),
    lat0: new Float64Array(count),
    kx: new Float64Array(count),
    bx: new Float64Array(count),
    by: new Float64Array(count),
    len2: new Float64Array(count),
    along0: new Float64Array(count),
    length: new Float64Array(count)
  };
  let along = 0;
  for (let s = 0; s < count; s++) {
    const [lon1, lat1] = polyline[s]!;
    const [lon2, lat2] = polyline[Math.min(s + 1, polyline.length - 1)]!;
    const kx = METRES_PER_DEGREE * Math.cos(((lat1 + lat2) / 2) * DEG_TO_RAD);
    const bx = (lon2 - lon1) * kx;
    const by = (lat2 - lat1) * METRES_PER_DEGREE;
    const length = haversineM(lat1, lon1, lat2, lon2);
    seg.lon0[s] = lon1;
    seg.lat0[s] = lat1;
    seg.kx[s] = kx;
    seg.bx[s] = bx;
    seg.by[s] = by;
    seg.len2[s] = bx * bx + by * by;
    seg.along0[s] = along;
    seg.length[s] = length;
    along += length;
  }
  return seg;
}

/**
 * A grid over the grown box in which every cell lists the segments that may lie within the
 * half-width of some point of the cell (the segment's box grown by the half-width in its own
 * frame). Cells are about 2 × half-width (at least 100 m), fewer for very long routes.
 */
function buildSegmentGrid(polyline: readonly LonLat[], seg: Segments, halfWidthM: number, minLat: number, minLon: number, maxLat: number, maxLon: number) {
  const midCos = Math.max(Math.cos(((minLat + maxLat) / 2) * DEG_TO_RAD), 1e-6);
  let sizeM = Math.max(2 * halfWidthM, 100);
  let cellLat = 0;
  let cellLon = 0;
  let cols = 1;
  let rows = 1;
  for (;;) {
    cellLat = sizeM / METRES_PER_DEGREE;
    cellLon = sizeM / (METRES_PER_DEGREE * midCos);
    cols = Math.max(1, Math.ceil((maxLon - minLon) / cellLon));
    rows = Math.max(1, Math.ceil((maxLat - minLat) / cellLat));
    if (cols * rows <= MAX_CELLS) break;
    sizeM *= 2;
  }
  const cells = cols * rows;
  // Each segment's cell range, computed once and used for counting and filling.
  const range = new Int32Array(4 * seg.count);
  const start = new Int32Array(cells + 1);
  const clampX = (x: number) => (x < 0 ? 0 : x >= cols ? cols - 1 : x);
  const clampY = (y: number) => (y < 0 ? 0 : y >= rows ? rows - 1 : y);
  for (let s = 0; s < seg.count; s++) {
    const [lon1, lat1] = polyline[s]!;
    const [lon2, lat2] = polyline[Math.min(s + 1, polyline.length - 1)]!;
    // Points within the half-width differ by at most halfWidth/k per axis in this frame (plus a
    // hair, so that rounding cannot drop a point exactly on the edge).
    const reach = halfWidthM * (1 + 1e-9) + 1e-6;
    const mLon = reach / seg.kx[s]!;
    const mLat = reach / METRES_PER_DEGREE;
    const x0 = clampX(Math.floor((Math.min(lon1, lon2) - mLon - minLon) / cellLon));
    const x1 = clampX(Math.floor((Math.max(lon1, lon2) + mLon - minLon) / cellLon));
    const y0 = clampY(Math.floor((Math.min(lat1, lat2) - mLat - minLat) / cellLat));
    const y1 = clampY(Math.floor((Math.max(lat1, lat2) + mLat - minLat) / cellLat));
    range[4 * s] = x0;
    range[4 * s + 1] = x1;
    range[4 * s + 2] = y0;
    range[4 * s + 3] = y1;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) start[y * cols + x + 1]!++;
  }
  for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, cells);
  const items = new Int32Array(start[cells]!);
  for (let s = 0; s < seg.count; s++) {
    const x0 = range[4 * s]!;
    const x1 = range[4 * s + 1]!;
    const y0 = range[4 * s + 2]!;
    const y1 = range[4 * s + 3]!;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) items[fill[y * cols + x]!++] = s;
  }
  return { cols, rows, cellLat, cellLon, start, items };
}
