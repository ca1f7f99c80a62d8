/**
 * The road graph's edge shapes, flattened once for the pursuit predictor: per directed edge its
 * positions, the distance along it at each position, its bearing where it starts and ends, and a
 * grid over the segments so that a point finds the roads near it (snapping a sighting, attaching
 * a camera to the roads it stands by).
 *
 * Distances are planar in a local frame at the query's latitude (equirectangular): at tens of
 * metres the error is far below GPS error. Along-edge distances are this module's own (sum of
 * the shape's pieces); callers scale them to the graph's length or travel time by fraction.
 */
import { bearingDeg, distanceM, M_PER_DEG } from '../geo/geometry.ts';
import type { LonLat } from '../routing/geo.ts';
import type { RoadGraph } from '../routing/road-graph.ts';

const RAD = Math.PI / 180;
/** Grid cell side, metres: a point's neighbourhood of a few tens of metres touches ≤ 4 cells. */
const CELL_M = 100;

/** The point of an edge nearest to a query point. */
export interface EdgeProjection {
  edge: number;
  /** Distance along the edge (in its direction) to the projection, metres. */
  alongM: number;
  /** From the query point to the projection, metres. */
  distanceM: number;
}

export class EdgeGeometry {
  readonly edgeCount: number;
  /** Positions of edge e: indices `start[e] .. start[e + 1] - 1` of lon/lat/along. */
  readonly start: Int32Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** Distance from the edge's first position, metres. */
  readonly along: Float64Array;
  /** Bearing of the first and of the last piece, degrees clockwise from north. */
  readonly startBearing: Float64Array;
  readonly endBearing: Float64Array;
  readonly #twin: Int32Array;
  // The segment grid: cells of CELL_M over the graph's box, listing (edge, piece) pairs of one
  // edge per road segment (the lower id of a two-way pair), CSR like the graph.
  readonly #minLat: number;
  readonly #minLon: number;
  readonly #dLat: number;
  readonly #dLon: number;
  readonly #rows: number;
  readonly #cols: number;
  readonly #cellStart: Int32Array;
  readonly #cellEdge: Int32Array;
  readonly #cellPiece: Int32Array;

  constructor(graph: RoadGraph) {
    const n = graph.edgeCount;
    this.edgeCount = n;
    this.#twin = graph.edgeTwin;
    const shapes: LonLat[][] = new Array(n);
    let total = 0;
    for (let e = 0; e < n; e++) {
      shapes[e] = graph.edgeGeometry(e);
      total += shapes[e]!.length;
    }
    this.start = new Int32Array(n + 1);
    this.lon = new Float64Array(total);
    this.lat = new Float64Array(total);
    this.along = new Float64Array(total);
    this.startBearing = new Float64Array(n);
    this.endBearing = new Float64Array(n);
    let k = 0;
    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (let e = 0; e < n; e++) {
      this.start[e] = k;
      const shape = shapes[e]!;
      let along = 0;
      for (let i = 0; i < shape.length; i++) {
        const [lon, lat] = shape[i]!;
        if (i > 0) along += distanceM(this.lat[k - 1]!, this.lon[k - 1]!, lat, lon);
        this.lon[k] = lon;
        this.lat[k] = lat;
        this.along[k] = along;
        k++;
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
      }
      this.startBearing[e] = pieceBearing(this, this.start[e]!, k, true);
      this.endBearing[e] = pieceBearing(this, this.start[e]!, k, false);
    }
    this.start[n] = k;
    if (n === 0) minLat = maxLat = minLon = maxLon = 0;

    const cosMid = Math.max(0.01, Math.cos(((minLat + maxLat) / 2) * RAD));
    this.#minLat = minLat;
    this.#minLon = minLon;
    this.#dLat = CELL_M / M_PER_DEG;
    this.#dLon = CELL_M / (M_PER_DEG * cosMid);
    this.#rows = Math.floor((maxLat - minLat) / this.#dLat) + 1;
    this.#cols = Math.floor((maxLon - minLon) / this.#dLon) + 1;
    // The pieces of one edge per segment with their cell ranges; then count per cell, then fill.
    const cells = this.#rows * this.#cols;
    const cellStart = new Int32Array(cells + 1);
    const pieceEdge: number[] = [];
    const pieceIndex: number[] = [];
    const range: number[] = [];
    for (let e = 0; e < n; e++) {
      const twin = this.#twin[e]!;
      if (twin !== -1 && twin < e) continue;
      for (let i = this.start[e]!; i < this.start[e + 1]! - 1; i++) {
        const r0 = this.#row(Math.min(this.lat[i]!, this.lat[i + 1]!));
        const r1 = this.#row(Math.max(this.lat[i]!, this.lat[i + 1]!));
        const c0 = this.#col(Math.min(this.lon[i]!, this.lon[i + 1]!));
        const c1 = this.#col(Math.max(this.lon[i]!, this.lon[i + 1]!));
        pieceEdge.push(e);
        pieceIndex.push(i);
        range.push(r0, r1, c0, c1);
        for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) cellStart[r * this.#cols + c + 1]!++;
      }
    }
    for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
    const fill = cellStart.slice(0, cells);
    this.#cellEdge = new Int32Array(cellStart[cells]!);
    this.#cellPiece = new Int32Array(cellStart[cells]!);
    for (let k = 0; k < pieceEdge.length; k++) {
      for (let r = range[4 * k]!; r <= range[4 * k + 1]!; r++) {
        for (let c = range[4 * k + 2]!; c <= range[4 * k + 3]!; c++) {
          const at = fill[r * this.#cols + c]!++;
          this.#cellEdge[at] = pieceEdge[k]!;
          this.#cellPiece[at] = pieceIndex[k]!;
        }
      }
    }
    this.#cellStart = cellStart;
  }

  lengthM(edge: number): number {
    return this.along[this.start[edge + 1]! - 1]!;
  }

  /**
   * Every road segment within `radiusM` of the point, as its nearest projection on one of its
   * edges (the lower id of a two-way pair; `twinProjection` gives the other direction), nearest first.
   */
  near(lat: number, lon: number, radiusM: number): EdgeProjection[] {
    const kx = M_PER_DEG * Math.cos(lat * RAD);
    const dLat = radiusM / M_PER_DEG;
    const dLon = radiusM / kx;
    const r0 = this.#row(lat - dLat);
    const r1 = this.#row(lat + dLat);
    const c0 = this.#col(lon - dLon);
    const c1 = this.#col(lon + dLon);
    const best = new Map<number, EdgeProjection>();
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.#cols + c;
        for (let k = this.#cellStart[cell]!; k < this.#cellStart[cell + 1]!; k++) {
          const edge = this.#cellEdge[k]!;
          const i = this.#cellPiece[k]!;
          const ax = (this.lon[i]! - lon) * kx;
          const ay = (this.lat[i]! - lat) * M_PER_DEG;
          const bx = (this.lon[i + 1]! - lon) * kx - ax;
          const by = (this.lat[i + 1]! - lat) * M_PER_DEG - ay;
          const len2 = bx * bx + by * by;
          let t = len2 > 0 ? -(ax * bx + ay * by) / len2 : 0;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const dx = ax + t * bx;
          const dy = ay + t * by;
          const d = Math.sqrt(dx * dx + dy * dy);
          if (d > radiusM) continue;
          const known = best.get(edge);
          if (known && known.distanceM <= d) continue;
          const alongM = this.along[i]! + t * (this.along[i + 1]! - this.along[i]!);
          best.set(edge, { edge, alongM, distanceM: d });
        }
      }
    }
    return [...best.values()].sort((a, b) => a.distanceM - b.distanceM || a.edge - b.edge);
  }

  /** The nearest road segment within `maxM` (searching outwards), or null. */
  nearest(lat: number, lon: number, maxM: number): EdgeProjection | null {
    for (let r = 50; ; r *= 4) {
      const hit = this.near(lat, lon, Math.min(r, maxM))[0];
      if (hit) return hit;
      if (r >= maxM) return null;
    }
  }

  /** The same point seen from the other direction of a two-way segment (null for one-way). */
  twinProjection(p: EdgeProjection): EdgeProjection | null {
    const twin = this.#twin[p.edge]!;
    return twin === -1 ? null : { edge: twin, alongM: this.lengthM(twin) - p.alongM, distanceM: p.distanceM };
  }

  /** Position and travel bearing at a distance along an edge. */
  pointAt(edge: number, alongM: number): { lat: number; lon: number; bearingDeg: number } {
    const i = this.#piece(edge, alongM);
    const a0 = this.along[i]!;
    const a1 = this.along[i + 1] ?? a0;
    const t = a1 > a0 ? Math.min(1, Math.max(0, (alongM - a0) / (a1 - a0))) : 0;
    const lat = this.lat[i]! + t * ((this.lat[i + 1] ?? this.lat[i]!) - this.lat[i]!);
    const lon = this.lon[i]! + t * ((this.lon[i + 1] ?? this.lon[i]!) - this.lon[i]!);
    const bearing = bearingDeg(this.lat[i]!, this.lon[i]!, this.lat[i + 1] ?? this.lat[i]!, this.lon[i + 1] ?? this.lon[i]!);
    return { lat, lon, bearingDeg: Number.isNaN(bearing) ? this.startBearing[edge]! : bearing };
  }

  /** The part of an edge between two distances along it, in travel direction (reversed: against it). */
  slice(edge: number, fromM: number, toM: number, reversed = false): LonLat[] {
    const len = this.lengthM(edge);
    const a = Math.max(0, Math.min(len, fromM));
    const b = Math.max(a, Math.min(len, toM));
    const out: LonLat[] = [];
    const first = this.pointAt(edge, a);
    out.push([first.lon, first.lat]);
    for (let i = this.start[edge]!; i < this.start[edge + 1]!; i++) {
      const along = this.along[i]!;
      if (along > a && along < b) out.push([this.lon[i]!, this.lat[i]!]);
    }
    const last = this.pointAt(edge, b);
    if (b > a) out.push([last.lon, last.lat]);
    return reversed ? out.reverse() : out;
  }

  /** Position and travel bearing at a distance along an edge driven forwards or (`reversed`) backwards from its end. */
  directedPointAt(edge: number, reversed: boolean, alongM: number): { lat: number; lon: number; bearingDeg: number } {
    if (!reversed) return this.pointAt(edge, alongM);
    const p = this.pointAt(edge, this.lengthM(edge) - alongM);
    return { ...p, bearingDeg: (p.bearingDeg + 180) % 360 };
  }

  /** `slice` for an edge driven forwards or (`reversed`) backwards, distances from where the drive starts. */
  directedSlice(edge: number, reversed: boolean, fromM: number, toM: number): LonLat[] {
    if (!reversed) return this.slice(edge, fromM, toM);
    const len = this.lengthM(edge);
    return this.slice(edge, len - toM, len - fromM, true);
  }

  /** Index of the position that starts the piece holding `alongM`. */
  #piece(edge: number, alongM: number): number {
    const end = this.start[edge + 1]! - 1;
    let i = this.start[edge]!;
    while (i < end - 1 && this.along[i + 1]! < alongM) i++;
    return i;
  }

  #row(lat: number): number {
    const r = Math.floor((lat - this.#minLat) / this.#dLat);
    return r < 0 ? 0 : r >= this.#rows ? this.#rows - 1 : r;
  }

  #col(lon: number): number {
    const c = Math.floor((lon - this.#minLon) / this.#dLon);
    return c < 0 ? 0 : c >= this.#cols ? this.#cols - 1 : c;
  }
}

/** Bearing of an edge's first (or last) piece of non-zero length. */
function pieceBearing(g: EdgeGeometry, from: number, to: number, first: boolean): number {
  for (let k = 0; k < to - from - 1; k++) {
    const i = first ? from + k : to - 2 - k;
    const b = bearingDeg(g.lat[i]!, g.lon[i]!, g.lat[i + 1]!, g.lon[i + 1]!);
    if (!Number.isNaN(b)) return b;
  }
  return 0;
}

