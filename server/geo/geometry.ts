/**
 * Plane geometry at city scale, on [lon, lat] positions (GeoJSON order). Pure functions, no
 * state: distances, bearings, point-in-polygon, bounding boxes, areas.
 *
 * Distances use the equirectangular approximation at the pair's mean latitude. Within a city
 * it agrees with the haversine distance to better than 0.01 % (tested up to 50 km), is several
 * times cheaper, and — the property the spatial index relies on — gives an exact lower bound
 * for a box when evaluated at the box's latitude farthest from the equator (see `boxLowerBoundM`).
 */

/** A position as GeoJSON writes it: longitude first. */
export type Position = readonly [lon: number, lat: number];
/** A closed ring: first position equals the last. */
export type Ring = readonly Position[];
/** [minLon, minLat, maxLon, maxLat] */
export type BBox = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator). */
export const M_PER_DEG = EARTH_RADIUS_M * RAD;

/** Distance in metres between two points (equirectangular at the mean latitude). */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dy = (lat2 - lat1) * M_PER_DEG;
  const dx = (lon2 - lon1) * M_PER_DEG * Math.cos(((lat1 + lat2) / 2) * RAD);
  return Math.sqrt(dx * dx + dy * dy);
}

/** Great-circle distance in metres (haversine); the reference `distanceM` is tested against. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Bearing in degrees clockwise from north, [0, 360), of the line from point 1 to point 2 on the
 * same local plane as `distanceM`. NaN when the points coincide.
 */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dy = lat2 - lat1;
  const dx = (lon2 - lon1) * Math.cos(((lat1 + lat2) / 2) * RAD);
  if (dx === 0 && dy === 0) return Number.NaN;
  const deg = Math.atan2(dx, dy) / RAD;
  return deg < 0 ? deg + 360 : deg;
}

/** The smaller angle between two directions, in degrees [0, 180]. */
export function angleBetweenDeg(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return d > 180 ? 360 - d : d;
}

/**
 * Lower bound of `distanceM` from a point to any point of a lon/lat box. Exact as a bound: the
 * latitude gap is measured on the meridian, the longitude gap with the cosine of the box or
 * point latitude farthest from the equator (the smallest cosine any pair can have).
 */
export function boxLowerBoundM(lat: number, lon: number, minLon: number, minLat: number, maxLon: number, maxLat: number): number {
  const dLat = lat < minLat ? minLat - lat : lat > maxLat ? lat - maxLat : 0;
  const dLon = lon < minLon ? minLon - lon : lon > maxLon ? lon - maxLon : 0;
  if (dLat === 0 && dLon === 0) return 0;
  const farLat = Math.max(Math.abs(lat), Math.abs(minLat), Math.abs(maxLat));
  const dy = dLat * M_PER_DEG;
  const dx = dLon * M_PER_DEG * Math.cos(farLat * RAD);
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * Even-odd point-in-polygon over every ring given (ray casting). With an outer ring and its
 * holes this is the polygon; with the rings of several disjoint polygons it is their union, so
 * a MultiPolygon's rings can be passed flattened. Points exactly on an edge fall on one side
 * deterministically (half-open rule), so neighbouring polygons sharing that edge never both
 * claim them.
 */
export function pointInRings(lon: number, lat: number, rings: readonly Ring[]): boolean {
  let inside = false;
  for (const ring of rings) {
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const pi = ring[i]!;
      const pj = ring[j]!;
      const yi = pi[1];
      const yj = pj[1];
      if (yi > lat !== yj > lat) {
        const xi = pi[0];
        const x = ((pj[0] - xi) * (lat - yi)) / (yj - yi) + xi;
        if (lon < x) inside = !inside;
      }
    }
  }
  return inside;
}

export function ringsBBox(rings: readonly Ring[]): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const ring of rings) {
    for (const [lon, lat] of ring) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}

export function inBBox(lon: number, lat: number, b: BBox): boolean {
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

/**
 * Signed area (m², counter-clockwise positive) and area centroid of one closed ring, on a local
 * plane through latitude `lat0`. A polygon's centroid is the area-weighted mean over its rings,
 * holes (wound the other way) counting negative.
 */
export function ringAreaCentroid(ring: Ring, lat0: number): { areaM2: number; lon: number; lat: number } {
  const kx = M_PER_DEG * Math.cos(lat0 * RAD);
  const ky = M_PER_DEG;
  const o = ring[0]!;
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const p = ring[i]!;
    const q = ring[i + 1]!;
    const x1 = (p[0] - o[0]) * kx;
    const y1 = (p[1] - o[1]) * ky;
    const x2 = (q[0] - o[0]) * kx;
    const y2 = (q[1] - o[1]) * ky;
    const cross = x1 * y2 - x2 * y1;
    a2 += cross;
    cx += (x1 + x2) * cross;
    cy += (y1 + y2) * cross;
  }
  if (a2 === 0) return { areaM2: 0, lon: o[0], lat: o[1] };
  return { areaM2: a2 / 2, lon: o[0] + cx / (3 * a2) / kx, lat: o[1] + cy / (3 * a2) / ky };
}

/** Distance in metres from a point to the nearest edge of any ring (0 only on an edge). */
export function distanceToRingsM(lat: number, lon: number, rings: readonly Ring[]): number {
  const kx = M_PER_DEG * Math.cos(lat * RAD);
  const ky = M_PER_DEG;
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0; i < ring.length - 1; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      const ax = (a[0] - lon) * kx;
      const ay = (a[1] - lat) * ky;
      const bx = (b[0] - lon) * kx;
      const by = (b[1] - lat) * ky;
      const d = pointSegmentDistance(0, 0, ax, ay, bx, by);
      if (d < best) best = d;
    }
  }
  return best;
}

/** Euclidean distance from (px, py) to the segment (ax, ay)–(bx, by). */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}
