/**
 * A uniform lat/lon grid over a fixed set of points (the graph's nodes), stored as two typed
 * arrays in CSR form: `cellStart[c] .. cellStart[c + 1]` index into `cellItems`. `nearest()`
 * searches rings of cells outwards from the query's cell and stops once no unvisited cell can
 * hold anything closer — a handful of cells instead of a scan of every node.
 */
import { DEG_TO_RAD, METRES_PER_DEGREE, haversineM } from './geo.ts';

/** Upper bound on the number of cells; the cell size grows for very large extents. */
const MAX_CELLS = 1 << 22;

export interface NearestHit {
  index: number;
  distanceM: number;
}

export class GridIndex {
  readonly cellSizeM: number;
  private readonly lats: Float64Array;
  private readonly lons: Float64Array;
  private readonly minLat: number;
  private readonly minLon: number;
  private readonly cellLat: number;
  private readonly cellLon: number;
  private readonly cols: number;
  private readonly rows: number;
  /** The narrowest cell side anywhere in the grid, metres (for the stopping rule). */
  private readonly minCellSideM: number;
  private readonly cellStart: Int32Array;
  private readonly cellItems: Int32Array;

  constructor(lats: Float64Array, lons: Float64Array, cellSizeM = 250) {
    if (lats.length !== lons.length) throw new RangeError('GridIndex: lats and lons differ in length');
    if (!(cellSizeM > 0)) throw new RangeError('GridIndex: cellSizeM must be > 0');
    this.lats = lats;
    this.lons = lons;
    const n = lats.length;
    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (let i = 0; i < n; i++) {
      const lat = lats[i]!;
      const lon = lons[i]!;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
    }
    if (n === 0) minLat = maxLat = minLon = maxLon = 0;
    const maxAbsLat = Math.min(89, Math.max(Math.abs(minLat), Math.abs(maxLat)));
    const cosMax = Math.cos(maxAbsLat * DEG_TO_RAD);
    const cosMid = Math.cos(((minLat + maxLat) / 2) * DEG_TO_RAD);
    let size = cellSizeM;
    let cellLat = 0;
    let cellLon = 0;
    let cols = 1;
    let rows = 1;
    for (;;) {
      cellLat = size / METRES_PER_DEGREE;
      cellLon = size / (METRES_PER_DEGREE * Math.max(cosMid, 1e-6));
      cols = Math.max(1, Math.floor((maxLon - minLon) / cellLon) + 1);
      rows = Math.max(1, Math.floor((maxLat - minLat) / cellLat) + 1);
      if (cols * rows <= MAX_CELLS) break;
      size *= 2;
    }
    this.cellSizeM = size;
    this.minLat = minLat;
    this.minLon = minLon;
    this.cellLat = cellLat;
    this.cellLon = cellLon;
    this.cols = cols;
    this.rows = rows;
    this.minCellSideM = Math.min(cellLat * METRES_PER_DEGREE, cellLon * METRES_PER_DEGREE * cosMax);

    const cellOf = new Int32Array(n);
    const cellStart = new Int32Array(cols * rows + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cellIndex(this.col(lons[i]!), this.row(lats[i]!));
      cellOf[i] = c;
      cellStart[c + 1]!++;
    }
    for (let c = 0; c < cols * rows; c++) cellStart[c + 1]! += cellStart[c]!;
    const fill = cellStart.slice(0, cols * rows);
    const cellItems = new Int32Array(n);
    for (let i = 0; i < n; i++) cellItems[fill[cellOf[i]!]!++] = i;
    this.cellStart = cellStart;
    this.cellItems = cellItems;
  }

  /** Bytes held by the index's own arrays. */
  get byteLength(): number {
    return this.cellStart.byteLength + this.cellItems.byteLength;
  }

  /**
   * The closest point to (lat, lon) that `accept` allows (all when omitted), by great-circle
   * distance; null when there is none.
   */
  nearest(lat: number, lon: number, accept?: (index: number) => boolean): NearestHit | null {
    const cx = this.col(lon);
    const cy = this.row(lat);
    const maxRing = Math.max(this.cols, this.rows);
    let best = -1;
    let bestD = Infinity;
    for (let r = 0; r <= maxRing; r++) {
      // Anything in ring r is at least (r - 1) cell sides away.
      if (best !== -1 && bestD <= (r - 1) * this.minCellSideM) break;
      const y0 = cy - r;
      const y1 = cy + r;
      for (let y = y0; y <= y1; y++) {
        if (y < 0 || y >= this.rows) continue;
        const edgeRow = y === y0 || y === y1;
        const step = edgeRow ? 1 : 2 * r;
        for (let x = cx - r; x <= cx + r; x += step || 1) {
          if (x < 0 || x >= this.cols) continue;
          const c = y * this.cols + x;
          const end = this.cellStart[c + 1]!;
          for (let k = this.cellStart[c]!; k < end; k++) {
            const i = this.cellItems[k]!;
            if (accept !== undefined && !accept(i)) continue;
            const d = haversineM(lat, lon, this.lats[i]!, this.lons[i]!);
            if (d < bestD || (d === bestD && i < best)) {
              bestD = d;
              best = i;
            }
          }
        }
      }
    }
    return best === -1 ? null : { index: best, distanceM: bestD };
  }

  private col(lon: number): number {
    const x = Math.floor((lon - this.minLon) / this.cellLon);
    return x < 0 ? 0 : x >= this.cols ? this.cols - 1 : x;
  }

  private row(lat: number): number {
    const y = Math.floor((lat - this.minLat) / this.cellLat);
    return y < 0 ? 0 : y >= this.rows ? this.rows - 1 : y;
  }

  private cellIndex(x: number, y: number): number {
    return y * this.cols + x;
  }
}
