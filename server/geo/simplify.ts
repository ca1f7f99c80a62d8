/**
 * Douglas–Peucker simplification that keeps shared borders shared.
 *
 * Simplifying each polygon on its own would cut the border between two neighbours in two
 * different ways, opening slivers that belong to neither district and overlaps that belong to
 * both. Instead the rings are cut into arcs (as TopoJSON does): an arc is a maximal run of edges
 * shared by the same set of rings, so it ends where a third district meets, where a shared border
 * meets the outer boundary, or where two rings merely touch at a point. Each distinct arc is
 * simplified once, with its ends fixed, and every ring that uses it gets the same result.
 *
 * Only exact coordinate equality is treated as shared; that is how the source data is built
 * (neighbouring 자치구 polygons repeat each other's border vertices bit for bit).
 */
import { M_PER_DEG, type Position } from './geometry.ts';

/** A MultiPolygon's coordinates: polygons → rings (outer first) → closed positions. */
export type MultiPolygonCoords = Position[][][];

export interface SimplifyStats {
  verticesBefore: number;
  verticesAfter: number;
  arcs: number;
  /** Arcs used by two rings (a border between neighbours). */
  sharedArcs: number;
  /** Rings that would have collapsed below a triangle and were kept as they were. */
  ringsKept: number;
}

const keyOf = (p: Position): string => `${p[0]},${p[1]}`;

/**
 * Simplifies every feature (each a MultiPolygon) with a tolerance in metres, measured on a local
 * plane through latitude `lat0`. Ring orientation and closure are kept.
 */
export function simplifySharedBorders(
  features: readonly MultiPolygonCoords[],
  toleranceM: number,
  lat0: number
): { features: MultiPolygonCoords[]; stats: SimplifyStats } {
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const ky = M_PER_DEG;

  // Every ring as its distinct vertices (closing position and repeated vertices dropped).
  const rings: Position[][] = [];
  for (const feature of features) {
    for (const polygon of feature) {
      for (const ring of polygon) {
        const open: Position[] = [];
        for (let i = 0; i < ring.length - 1; i++) {
          const p = ring[i]!;
          const last = open[open.length - 1];
          if (!last || last[0] !== p[0] || last[1] !== p[1]) open.push(p);
        }
        const first = open[0];
        const last = open[open.length - 1];
        if (open.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) open.pop();
        rings.push(open);
      }
    }
  }

  // Which rings use each edge, and each vertex.
  const edgeRings = new Map<string, number[]>();
  const vertexRings = new Map<string, number[]>();
  const edgeKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const addOnce = (map: Map<string, number[]>, key: string, r: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [r]);
    else if (list[list.length - 1] !== r) list.push(r);
  };
  const ringKeys = rings.map((ring) => ring.map(keyOf));
  ringKeys.forEach((keys, r) => {
    const n = keys.length;
    for (let i = 0; i < n; i++) {
      addOnce(vertexRings, keys[i]!, r);
      addOnce(edgeRings, edgeKey(keys[i]!, keys[(i + 1) % n]!), r);
    }
  });

  const cache = new Map<string, Position[]>();
  const stats: SimplifyStats = { verticesBefore: 0, verticesAfter: 0, arcs: 0, sharedArcs: 0, ringsKept: 0 };

  const simplifyArc = (arc: Position[], keys: string[]): Position[] => {
    const forward = keys.join(';');
    const hit = cache.get(forward);
    if (hit) return hit;
    const reversed = cache.get([...keys].reverse().join(';'));
    if (reversed) return [...reversed].reverse();
    const out = douglasPeucker(arc, toleranceM, kx, ky);
    cache.set(forward, out);
    stats.arcs++;
    const sharing = edgeRings.get(edgeKey(keys[0]!, keys[1]!))?.length ?? 1;
    if (sharing > 1) stats.sharedArcs++;
    return out;
  };

  const simplifiedRings: Position[][] = rings.map((ring, r) => {
    const keys = ringKeys[r]!;
    const n = ring.length;
    stats.verticesBefore += n + 1;
    if (n < 4) {
      stats.verticesAfter += n + 1;
      return closeRing(ring);
    }
    const signature = (i: number) => edgeRings.get(edgeKey(keys[i]!, keys[(i + 1) % n]!))!;
    const junctions: number[] = [];
    for (let i = 0; i < n; i++) {
      const before = signature((i - 1 + n) % n);
      const after = signature(i);
      const touching = vertexRings.get(keys[i]!)!.length;
      if (!sameList(before, after) || touching > after.length) junctions.push(i);
    }
    if (junctions.length === 0) junctions.push(0, farthestFrom(ring, 0, kx, ky));
    if (junctions.length === 1) junctions.push(farthestFrom(ring, junctions[0]!, kx, ky));
    junctions.sort((a, b) => a - b);

    const out: Position[] = [];
    for (let j = 0; j < junctions.length; j++) {
      const from = junctions[j]!;
      const to = j + 1 < junctions.length ? junctions[j + 1]! : junctions[0]! + n;
      const arc: Position[] = [];
      const arcKeys: string[] = [];
      for (let i = from; i <= to; i++) {
        arc.push(ring[i % n]!);
        arcKeys.push(keys[i % n]!);
      }
      const simplified = simplifyArc(arc, arcKeys);
      for (let i = out.length === 0 ? 0 : 1; i < simplified.length; i++) out.push(simplified[i]!);
    }
    // `out` ends where it started (the last arc returns to the first junction): a closed ring.
    if (out.length < 4) {
      stats.ringsKept++;
      stats.verticesAfter += n + 1;
      return closeRing(ring);
    }
    stats.verticesAfter += out.length;
    return out;
  });

  let r = 0;
  const result = features.map((feature) => feature.map((polygon) => polygon.map(() => simplifiedRings[r++]!)));
  return { features: result, stats };
}

function closeRing(open: Position[]): Position[] {
  return open.length ? [...open, open[0]!] : [];
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function farthestFrom(ring: readonly Position[], from: number, kx: number, ky: number): number {
  const o = ring[from]!;
  let best = from;
  let bestD = -1;
  ring.forEach((p, i) => {
    const d = ((p[0] - o[0]) * kx) ** 2 + ((p[1] - o[1]) * ky) ** 2;
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** Classic Douglas–Peucker on an open polyline; both ends are always kept. */
export function douglasPeucker(points: readonly Position[], toleranceM: number, kx: number, ky: number): Position[] {
  const n = points.length;
  if (n <= 2) return [...points];
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack: Array<[number, number]> = [[0, n - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const pa = points[a]!;
    const pb = points[b]!;
    const bx = (pb[0] - pa[0]) * kx;
    const by = (pb[1] - pa[1]) * ky;
    const len2 = bx * bx + by * by;
    let maxD = -1;
    let maxI = -1;
    for (let i = a + 1; i < b; i++) {
      const p = points[i]!;
      const px = (p[0] - pa[0]) * kx;
      const py = (p[1] - pa[1]) * ky;
      let d: number;
      if (len2 === 0) d = Math.hypot(px, py);
      else {
        const t = Math.max(0, Math.min(1, (px * bx + py * by) / len2));
        d = Math.hypot(px - t * bx, py - t * by);
      }
      if (d > maxD) {
        maxD = d;
        maxI = i;
      }
    }
    if (maxD > toleranceM) {
      keep[maxI] = 1;
      stack.push([a, maxI], [maxI, b]);
    }
  }
  const out: Position[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[i]!);
  return out;
}
