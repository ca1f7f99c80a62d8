/**
 * A static spatial index over cameras: a uniform grid of ~200 m cells (lon/lat aligned), with
 * the cameras counting-sorted by cell into flat typed arrays — built once in O(n), no pointers to
 * chase, a few MB for Seoul's ~68,000 cameras. Rebuild it when the registry changes.
 *
 * Queries:
 * - `nearest(lat, lon, n)` — the n best cameras for a spot. The rank is
 *     score = distance × (camera faces the spot ? 1 : notFacingPenalty)   (penalty 1.5 by default)
 *   where a camera faces the spot when the bearing from the camera to the spot lies within its
 *   field of view (facing ± fov/2). A camera whose direction is unknown never faces. So a camera
 *   looking at the spot from 150 m outranks one looking away at 101 m, but not one looking away
 *   at 99 m. Ties go to the nearer camera, then the smaller id. The search widens ring by ring of
 *   cells and stops once no unvisited cell can hold a better score (score ≥ distance), so the
 *   result is exactly the brute-force ranking.
 * - `withinRadius(lat, lon, m)` — every camera within m metres, nearest first.
 * - `withinPolygon(rings)` — every camera inside (even-odd over the rings: outer rings and holes,
 *   or a MultiPolygon's rings flattened), in the order the cameras were given.
 *
 * Every query takes an optional `filter(camera)`: the caller's scope (the viewer's districts,
 * categories, grants). A camera the filter rejects is never returned and never displaces one it
 * accepts.
 *
 * Distances are `distanceM` (equirectangular at the mean latitude; see geometry.ts).
 */
import {
  angleBetweenDeg,
  bearingDeg,
  boxLowerBoundM,
  distanceM,
  M_PER_DEG,
  pointInRings,
  ringsBBox,
  type Ring
} from './geometry.ts';

/** What the index needs of a camera; `RegistryCamera` and `ImportedCamera` both qualify. */
export interface IndexableCamera {
  id: string;
  location: { lat: number; lon: number };
  /** Degrees clockwise from north. */
  facingDeg?: number;
  /** Horizontal field of view, degrees. */
  fovDeg?: number;
}

export type CameraFilter<C> = (camera: C) => boolean;

export interface NearestHit<C> {
  camera: C;
  distanceM: number;
  /** From the camera to the spot, degrees clockwise from north (NaN if they coincide). */
  bearingDeg: number;
  facing: boolean;
  /** distanceM × (facing ? 1 : notFacingPenalty): what the result is ranked by. */
  score: number;
}

export interface RadiusHit<C> {
  camera: C;
  distanceM: number;
}

export interface CameraIndexOptions {
  /** Grid cell size, metres. Default 200; grown when that would make more than max(4096, 2 × cameras) cells. */
  cellM?: number;
  /** Score multiplier for a camera that does not face the spot; ≥ 1. Default 1.5. */
  notFacingPenalty?: number;
}

export const DEFAULT_NOT_FACING_PENALTY = 1.5;
const RAD = Math.PI / 180;
/** Slack on pruning bounds, against rounding in cell edges; far below any real distance difference. */
const EPSILON_M = 1e-6;

interface Query<C> {
  lat: number;
  lon: number;
  n: number;
  hits: NearestHit<C>[];
  filter: CameraFilter<C> | undefined;
}

/** Whether a camera faces a spot, and its score there — the ranking rule, on its own. */
export function rankCamera<C extends IndexableCamera>(camera: C, lat: number, lon: number, penalty = DEFAULT_NOT_FACING_PENALTY): NearestHit<C> {
  const { lat: cLat, lon: cLon } = camera.location;
  const d = distanceM(cLat, cLon, lat, lon);
  const bearing = bearingDeg(cLat, cLon, lat, lon);
  const facing =
    camera.facingDeg !== undefined && camera.fovDeg !== undefined && !Number.isNaN(bearing) && angleBetweenDeg(bearing, camera.facingDeg) <= camera.fovDeg / 2;
  return { camera, distanceM: d, bearingDeg: bearing, facing, score: facing ? d : d * penalty };
}

/** The ranking order: score, then distance, then id. */
export function compareHits<C extends IndexableCamera>(a: NearestHit<C>, b: NearestHit<C>): number {
  return a.score - b.score || a.distanceM - b.distanceM || (a.camera.id < b.camera.id ? -1 : a.camera.id > b.camera.id ? 1 : 0);
}

export class CameraIndex<C extends IndexableCamera> {
  readonly #cameras: C[]; // in cell order
  readonly #inputIndex: Uint32Array; // cell order → position in the input
  readonly #lat: Float64Array;
  readonly #lon: Float64Array;
  readonly #facing: Float64Array; // NaN when unknown (doubles, so the rule matches rankCamera exactly)
  readonly #halfFov: Float64Array;
  readonly #cellStart: Uint32Array; // cameras of cell k: [cellStart[k], cellStart[k + 1])
  readonly #minLat: number;
  readonly #minLon: number;
  readonly #dLat: number;
  readonly #dLon: number;
  readonly #rows: number;
  readonly #cols: number;
  /** cos of the grid latitude farthest from the equator: the smallest any camera has. */
  readonly #cosFar: number;
  readonly #penalty: number;

  constructor(cameras: readonly C[], options: CameraIndexOptions = {}) {
    let cellM = options.cellM ?? 200;
    this.#penalty = options.notFacingPenalty ?? DEFAULT_NOT_FACING_PENALTY;
    if (!(cellM > 0)) throw new RangeError(`cellM must be positive (got ${cellM})`);
    if (!(this.#penalty >= 1)) throw new RangeError(`notFacingPenalty must be at least 1 (got ${this.#penalty})`);

    const n = cameras.length;
    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (const c of cameras) {
      const { lat, lon } = c.location;
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        throw new RangeError(`camera ${c.id} has no usable location (${lat}, ${lon})`);
      }
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
    }
    if (n === 0) minLat = maxLat = minLon = maxLon = 0;
    const midLat = (minLat + maxLat) / 2;
    const cosMid = Math.max(0.01, Math.cos(midLat * RAD));
    // Few cameras over a wide area (a country, or a handful across a city) would make mostly
    // empty cells: grow the cells until there are at most max(4096, 2n) of them.
    const maxCells = Math.max(4096, 2 * n);
    const cellsFor = (m: number) => (Math.floor(((maxLat - minLat) * M_PER_DEG) / m) + 1) * (Math.floor(((maxLon - minLon) * M_PER_DEG * cosMid) / m) + 1);
    while (cellsFor(cellM) > maxCells) cellM *= 1.25;
    this.#minLat = minLat;
    this.#minLon = minLon;
    this.#dLat = cellM / M_PER_DEG;
    this.#dLon = cellM / (M_PER_DEG * cosMid);
    this.#rows = Math.max(1, Math.floor((maxLat - minLat) / this.#dLat) + 1);
    this.#cols = Math.max(1, Math.floor((maxLon - minLon) / this.#dLon) + 1);
    this.#cosFar = Math.cos(Math.max(Math.abs(minLat), Math.abs(maxLat)) * RAD);

    // Counting sort by cell.
    const cellOf = new Uint32Array(n);
    const cells = this.#rows * this.#cols;
    const start = new Uint32Array(cells + 1);
    for (let i = 0; i < n; i++) {
      const { lat, lon } = cameras[i]!.location;
      const k = this.#cell(this.#row(lat), this.#col(lon));
      cellOf[i] = k;
      start[k + 1]!++;
    }
    for (let k = 0; k < cells; k++) start[k + 1]! += start[k]!;
    const next = start.slice(0, cells);
    this.#cameras = new Array<C>(n);
    this.#inputIndex = new Uint32Array(n);
    this.#lat = new Float64Array(n);
    this.#lon = new Float64Array(n);
    this.#facing = new Float64Array(n);
    this.#halfFov = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = cameras[i]!;
      const at = next[cellOf[i]!]!++;
      this.#cameras[at] = c;
      this.#inputIndex[at] = i;
      this.#lat[at] = c.location.lat;
      this.#lon[at] = c.location.lon;
      const known = c.facingDeg !== undefined && c.fovDeg !== undefined;
      this.#facing[at] = known ? c.facingDeg! : Number.NaN;
      this.#halfFov[at] = known ? c.fovDeg! / 2 : 0;
    }
    this.#cellStart = start;
  }

  get size(): number {
    return this.#cameras.length;
  }

  /** The n best cameras for the spot, best first (see the ranking rule above). */
  nearest(lat: number, lon: number, n: number, filter?: CameraFilter<C>): NearestHit<C>[] {
    const hits: NearestHit<C>[] = [];
    if (!(n >= 1) || this.size === 0) return hits;
    const qr = this.#rowUnclamped(lat);
    const qc = this.#colUnclamped(lon);
    const kx = M_PER_DEG * Math.min(this.#cosFar, Math.cos(lat * RAD));
    const query: Query<C> = { lat, lon, n, hits, filter };
    // Rings closer than this hold no grid cell (the spot may be outside the grid).
    const first = Math.max(0, -qr, qr - (this.#rows - 1), -qc, qc - (this.#cols - 1));
    const last = Math.max(qr, this.#rows - 1 - qr, qc, this.#cols - 1 - qc);

    for (let r = first; r <= last; r++) {
      if (r > 0 && hits.length === n) {
        // Every cell of ring r lies outside the (2r-1)² block around the spot's cell.
        const west = lon - (this.#minLon + (qc - r + 1) * this.#dLon);
        const east = this.#minLon + (qc + r) * this.#dLon - lon;
        const south = lat - (this.#minLat + (qr - r + 1) * this.#dLat);
        const north = this.#minLat + (qr + r) * this.#dLat - lat;
        const bound = Math.min(Math.min(west, east) * kx, Math.min(south, north) * M_PER_DEG);
        if (bound > hits[n - 1]!.score + EPSILON_M) break;
      }
      if (r === 0) {
        this.#scanCell(qr, qc, query);
        continue;
      }
      const c0 = Math.max(0, qc - r);
      const c1 = Math.min(this.#cols - 1, qc + r);
      for (let col = c0; col <= c1; col++) {
        this.#scanCell(qr - r, col, query);
        this.#scanCell(qr + r, col, query);
      }
      const r0 = Math.max(0, qr - r + 1);
      const r1 = Math.min(this.#rows - 1, qr + r - 1);
      for (let row = r0; row <= r1; row++) {
        this.#scanCell(row, qc - r, query);
        this.#scanCell(row, qc + r, query);
      }
    }
    return hits;
  }

  /** Offers the cameras of one cell (if it is on the grid and could improve the result) to a nearest query. */
  #scanCell(row: number, col: number, q: Query<C>): void {
    if (row < 0 || row >= this.#rows || col < 0 || col >= this.#cols) return;
    const { lat, lon, n, hits, filter } = q;
    if (hits.length === n && this.#cellLowerBound(lat, lon, row, col) > hits[n - 1]!.score + EPSILON_M) return;
    const k = this.#cell(row, col);
    for (let i = this.#cellStart[k]!, end = this.#cellStart[k + 1]!; i < end; i++) {
      const cLat = this.#lat[i]!;
      const cLon = this.#lon[i]!;
      const d = distanceM(cLat, cLon, lat, lon);
      if (hits.length === n && d > hits[n - 1]!.score) continue; // score ≥ distance
      const camera = this.#cameras[i]!;
      if (filter && !filter(camera)) continue;
      const bearing = bearingDeg(cLat, cLon, lat, lon);
      const facingDeg = this.#facing[i]!;
      const facing = !Number.isNaN(facingDeg) && !Number.isNaN(bearing) && angleBetweenDeg(bearing, facingDeg) <= this.#halfFov[i]!;
      const hit: NearestHit<C> = { camera, distanceM: d, bearingDeg: bearing, facing, score: facing ? d : d * this.#penalty };
      if (hits.length === n && compareHits(hit, hits[n - 1]!) >= 0) continue;
      insertSorted(hits, hit, n);
    }
  }

  /** Every camera within `radiusM` metres of the spot, nearest first (then by id). */
  withinRadius(lat: number, lon: number, radiusM: number, filter?: CameraFilter<C>): RadiusHit<C>[] {
    const hits: RadiusHit<C>[] = [];
    if (!(radiusM >= 0) || this.size === 0) return hits;
    const dLat = radiusM / M_PER_DEG;
    const farLat = Math.max(Math.abs(lat - dLat), Math.abs(lat + dLat));
    const dLon = radiusM / (M_PER_DEG * Math.max(1e-6, Math.cos(Math.min(90, farLat) * RAD)));
    const r0 = Math.max(0, this.#rowUnclamped(lat - dLat));
    const r1 = Math.min(this.#rows - 1, this.#rowUnclamped(lat + dLat));
    const c0 = Math.max(0, this.#colUnclamped(lon - dLon));
    const c1 = Math.min(this.#cols - 1, this.#colUnclamped(lon + dLon));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        if (this.#cellLowerBound(lat, lon, row, col) > radiusM + EPSILON_M) continue;
        const k = this.#cell(row, col);
        for (let i = this.#cellStart[k]!, end = this.#cellStart[k + 1]!; i < end; i++) {
          const d = distanceM(this.#lat[i]!, this.#lon[i]!, lat, lon);
          if (d > radiusM) continue;
          const camera = this.#cameras[i]!;
          if (filter && !filter(camera)) continue;
          hits.push({ camera, distanceM: d });
        }
      }
    }
    return hits.sort((a, b) => a.distanceM - b.distanceM || (a.camera.id < b.camera.id ? -1 : a.camera.id > b.camera.id ? 1 : 0));
  }

  /** Every camera inside the rings ([lon, lat], even-odd), in the order the cameras were given. */
  withinPolygon(rings: readonly Ring[], filter?: CameraFilter<C>): C[] {
    if (this.size === 0 || rings.length === 0) return [];
    const [minLon, minLat, maxLon, maxLat] = ringsBBox(rings);
    if (!(minLon <= maxLon && minLat <= maxLat)) return [];
    const r0 = Math.max(0, this.#rowUnclamped(minLat));
    const r1 = Math.min(this.#rows - 1, this.#rowUnclamped(maxLat));
    const c0 = Math.max(0, this.#colUnclamped(minLon));
    const c1 = Math.min(this.#cols - 1, this.#colUnclamped(maxLon));
    const found: number[] = [];
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const k = this.#cell(row, col);
        for (let i = this.#cellStart[k]!, end = this.#cellStart[k + 1]!; i < end; i++) {
          const cLat = this.#lat[i]!;
          const cLon = this.#lon[i]!;
          if (cLat < minLat || cLat > maxLat || cLon < minLon || cLon > maxLon) continue;
          if (!pointInRings(cLon, cLat, rings)) continue;
          if (filter && !filter(this.#cameras[i]!)) continue;
          found.push(i);
        }
      }
    }
    found.sort((a, b) => this.#inputIndex[a]! - this.#inputIndex[b]!);
    return found.map((i) => this.#cameras[i]!);
  }

  #rowUnclamped(lat: number): number {
    return Math.floor((lat - this.#minLat) / this.#dLat);
  }

  #colUnclamped(lon: number): number {
    return Math.floor((lon - this.#minLon) / this.#dLon);
  }

  #row(lat: number): number {
    return Math.min(this.#rows - 1, Math.max(0, this.#rowUnclamped(lat)));
  }

  #col(lon: number): number {
    return Math.min(this.#cols - 1, Math.max(0, this.#colUnclamped(lon)));
  }

  #cell(row: number, col: number): number {
    return row * this.#cols + col;
  }

  #cellLowerBound(lat: number, lon: number, row: number, col: number): number {
    const south = this.#minLat + row * this.#dLat;
    const west = this.#minLon + col * this.#dLon;
    return boxLowerBoundM(lat, lon, west, south, west + this.#dLon, south + this.#dLat);
  }
}

/** Inserts into a list kept sorted by `compareHits`, keeping at most `limit`. */
function insertSorted<C extends IndexableCamera>(list: NearestHit<C>[], hit: NearestHit<C>, limit: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareHits(list[mid]!, hit) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, hit);
  if (list.length > limit) list.pop();
}
