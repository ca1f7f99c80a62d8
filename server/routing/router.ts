/**
 * Fastest-route search on a RoadGraph, with live congestion.
 *
 * - A* over free-flow travel time × the edge's congestion multiplier. The heuristic is the
 *   straight-line (chord) distance to the target divided by the fastest free-flow speed in the
 *   graph; multipliers are never below 1, so it stays admissible and consistent and the result
 *   is the optimal route (tests compare it with a plain Dijkstra).
 * - Congestion lives here, not in the graph: one Float64Array of multipliers indexed by edge id
 *   (1 = free flow, 2 = twice as slow, Infinity = blocked). Changing a segment changes the next
 *   route immediately, without rebuilding anything.
 * - One-way streets are simply edges that exist in one direction only (see road-network.ts).
 * - `detour()` re-plans a route with some segments treated as blocked for that one query.
 *
 * A Router owns scratch arrays sized to the graph and reuses them between queries: searches are
 * synchronous, so one Router serves one event loop without locking. Routes carry the graph's
 * attribution (© OpenStreetMap contributors) for whatever displays them.
 */
import { RouteError } from './errors.ts';
import { DEG_TO_RAD, EARTH_RADIUS_M, isValidLatLon, type LatLon, type LonLat } from './geo.ts';
import { MinHeap } from './min-heap.ts';
import type { RoadGraph } from './road-graph.ts';

export interface RouterOptions {
  /** A start/end point farther than this from any road node is refused (default 2000 m). */
  maxSnapDistanceM?: number;
  /**
   * Snap only to nodes of the graph's largest strongly connected component (default true), so
   * that a point next to an isolated car park still gets a route on the main road network.
   */
  snapToMainComponent?: boolean;
}

export interface SnappedPoint {
  node: number;
  /** The snapped node's position. */
  lat: number;
  lon: number;
  /** Distance from the requested point to the node, metres. */
  distanceM: number;
}

export interface RouteResult {
  fromNode: number;
  toNode: number;
  /** Nodes in travel order, fromNode … toNode. */
  nodeIds: number[];
  /** Edges in travel order (nodeIds.length - 1 of them). */
  edgeIds: number[];
  /** The road geometry, [lon, lat] positions. */
  polyline: LonLat[];
  lengthM: number;
  /** Travel time with the congestion at query time, seconds. */
  etaS: number;
  /** Travel time at free-flow speeds, seconds. */
  freeFlowEtaS: number;
  /** Set when the route was asked for by lat/lon. */
  snapped?: { from: SnappedPoint; to: SnappedPoint };
  /** Credit for the map data the route is drawn from. */
  attribution: string;
}

export type DetourResult =
  | {
      status: 'detour';
      route: RouteResult;
      /** The original route's ETA with the current congestion (not the stored figure). */
      originalEtaS: number;
      detourEtaS: number;
      /** detourEtaS − originalEtaS (≥ 0 unless congestion eased since). */
      extraS: number;
      /** The flagged edges the original route used. */
      flaggedOnRoute: number[];
    }
  | {
      status: 'no-detour';
      originalEtaS: number;
      flaggedOnRoute: number[];
      /** For the operator: why there is no alternative. */
      message: string;
    };

/** Edge flags during a detour query (0 = usable). */
const FLAGGED = 1;

export class Router {
  readonly graph: RoadGraph;
  private readonly maxSnapDistanceM: number;
  private readonly snapToMainComponent: boolean;
  private readonly multiplier: Float64Array;
  /** Edges with a multiplier ≠ 1, for listing. */
  private readonly congested = new Map<number, number>();
  /** Node positions as points on the unit sphere (chord distance heuristic). */
  private readonly unitXYZ: Float64Array;
  /** 1 / (fastest speed in m/s × Earth radius): chord length on the unit sphere → seconds. */
  private readonly heuristicScale: number;
  // Scratch state of the search, reused across queries.
  private readonly g: Float64Array;
  private readonly prevEdge: Int32Array;
  private readonly seen: Uint32Array;
  private readonly closed: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly heap = new MinHeap(4096);
  private epoch = 0;

  constructor(graph: RoadGraph, options: RouterOptions = {}) {
    this.graph = graph;
    this.maxSnapDistanceM = options.maxSnapDistanceM ?? 2000;
    this.snapToMainComponent = options.snapToMainComponent ?? true;
    if (!(this.maxSnapDistanceM > 0)) throw new RangeError('maxSnapDistanceM must be > 0');
    this.multiplier = new Float64Array(graph.edgeCount).fill(1);
    const n = graph.nodeCount;
    this.unitXYZ = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const lat = graph.nodeLat[i]! * DEG_TO_RAD;
      const lon = graph.nodeLon[i]! * DEG_TO_RAD;
      const c = Math.cos(lat);
      this.unitXYZ[3 * i] = c * Math.cos(lon);
      this.unitXYZ[3 * i + 1] = c * Math.sin(lon);
      this.unitXYZ[3 * i + 2] = Math.sin(lat);
    }
    // Chord ≤ arc ≤ edge length, so chord / vmax never overestimates. The 1e-9 margin absorbs
    // rounding so that the heuristic stays strictly consistent.
    this.heuristicScale = (EARTH_RADIUS_M / graph.maxSpeedMps) * (1 - 1e-9);
    this.g = new Float64Array(n);
    this.prevEdge = new Int32Array(n);
    this.seen = new Uint32Array(n);
    this.closed = new Uint32Array(n);
    this.flags = new Uint8Array(graph.edgeCount);
  }

  // ——— congestion ———

  /** Current multiplier of an edge (1 = free flow, Infinity = blocked). */
  costMultiplier(edgeId: number): number {
    this.checkEdge(edgeId);
    return this.multiplier[edgeId]!;
  }

  /** Slows an edge down by `factor` (≥ 1); Infinity blocks it. Takes effect on the next query. */
  setCongestion(edgeId: number, factor: number): void {
    this.checkEdge(edgeId);
    if (typeof factor !== 'number' || Number.isNaN(factor) || factor < 1) {
      throw new RouteError('ROUTE_INVALID_CONGESTION', `Congestion factor for edge ${edgeId} must be ≥ 1 (Infinity blocks); got ${String(factor)}`, {
        edgeId,
        factor
      });
    }
    this.multiplier[edgeId] = factor;
    if (factor === 1) this.congested.delete(edgeId);
    else this.congested.set(edgeId, factor);
  }

  clearCongestion(edgeId: number): void {
    this.checkEdge(edgeId);
    this.multiplier[edgeId] = 1;
    this.congested.delete(edgeId);
  }

  clearAllCongestion(): void {
    for (const e of this.congested.keys()) this.multiplier[e] = 1;
    this.congested.clear();
  }

  /** Edges with a multiplier other than 1, as [edgeId, factor]. */
  congestedEdges(): [edgeId: number, factor: number][] {
    return [...this.congested];
  }

  // ——— queries ———

  /** The fastest route between two points, each snapped to the nearest road node. */
  route(from: LatLon, to: LatLon): RouteResult {
    const a = this.snap(from, 'start');
    const b = this.snap(to, 'end');
    const result = this.routeNodes(a.node, b.node);
    result.snapped = { from: a, to: b };
    return result;
  }

  /** The fastest route between two node ids. */
  routeNodes(fromNode: number, toNode: number): RouteResult {
    this.checkNode(fromNode);
    this.checkNode(toNode);
    if (!this.search(fromNode, toNode)) throw this.unreachable(fromNode, toNode, 0);
    return this.buildResult(fromNode, toNode);
  }

  /**
   * The fastest route between the same end nodes as `route` that uses none of `flaggedEdgeIds`
   * (they are blocked for this query only; stored congestion still applies). Edge ids are
   * directed: flag `graph.edgeTwin[e]` too to close both directions of a segment.
   */
  detour(route: Pick<RouteResult, 'fromNode' | 'toNode' | 'edgeIds'>, flaggedEdgeIds: Iterable<number>): DetourResult {
    this.checkNode(route.fromNode);
    this.checkNode(route.toNode);
    const flagged = [...new Set(flaggedEdgeIds)];
    for (const e of flagged) this.checkEdge(e);
    const onRoute = new Set(route.edgeIds);
    const flaggedOnRoute = flagged.filter((e) => onRoute.has(e));
    const originalEtaS = this.etaOf(route.edgeIds).etaS;

    for (const e of flagged) this.flags[e] = FLAGGED;
    let found: boolean;
    try {
      found = this.search(route.fromNode, route.toNode);
    } finally {
      for (const e of flagged) this.flags[e] = 0;
    }
    if (!found) {
      const err = this.unreachable(route.fromNode, route.toNode, flagged.length);
      return {
        status: 'no-detour',
        originalEtaS,
        flaggedOnRoute,
        message: `No detour: ${err.message}`
      };
    }
    const detour = this.buildResult(route.fromNode, route.toNode);
    return { status: 'detour', route: detour, originalEtaS, detourEtaS: detour.etaS, extraS: detour.etaS - originalEtaS, flaggedOnRoute };
  }

  /** Length and travel times of a sequence of edges under the current congestion. */
  etaOf(edgeIds: readonly number[]): { lengthM: number; etaS: number; freeFlowEtaS: number } {
    const { edgeLengthM, edgeFreeFlowS } = this.graph;
    let lengthM = 0;
    let etaS = 0;
    let freeFlowEtaS = 0;
    for (const e of edgeIds) {
      this.checkEdge(e);
      const t = edgeFreeFlowS[e]!;
      lengthM += edgeLengthM[e]!;
      freeFlowEtaS += t;
      etaS += t * this.multiplier[e]!;
    }
    return { lengthM, etaS, freeFlowEtaS };
  }

  // ——— internals ———

  private snap(point: LatLon, which: 'start' | 'end'): SnappedPoint {
    if (typeof point !== 'object' || point === null || !isValidLatLon(point.lat, point.lon)) {
      throw new RouteError('ROUTE_INVALID_POINT', `The ${which} point must have a finite lat in [-90, 90] and lon in [-180, 180]`, { which, point });
    }
    const hit = this.graph.nearestNode(point.lat, point.lon, { mainComponentOnly: this.snapToMainComponent });
    if (hit === null || hit.distanceM > this.maxSnapDistanceM) {
      throw new RouteError(
        'ROUTE_NO_NEARBY_ROAD',
        `No road within ${this.maxSnapDistanceM} m of the ${which} point (${point.lat.toFixed(5)}, ${point.lon.toFixed(5)})` +
          (hit ? `; the nearest road node is ${Math.round(hit.distanceM)} m away` : ''),
        { which, point, nearestM: hit?.distanceM ?? null }
      );
    }
    return { node: hit.node, lat: this.graph.nodeLat[hit.node]!, lon: this.graph.nodeLon[hit.node]!, distanceM: hit.distanceM };
  }

  /** A*; leaves g/prevEdge filled along the best path. True when the target was reached. */
  private search(source: number, target: number): boolean {
    if (++this.epoch === 0xffffffff) {
      this.seen.fill(0);
      this.closed.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const { firstOut, edgeTo, edgeFreeFlowS } = this.graph;
    const { g, prevEdge, seen, closed, flags, multiplier, unitXYZ, heap } = this;
    const scale = this.heuristicScale;
    const tx = unitXYZ[3 * target]!;
    const ty = unitXYZ[3 * target + 1]!;
    const tz = unitXYZ[3 * target + 2]!;

    heap.clear();
    g[source] = 0;
    prevEdge[source] = -1;
    seen[source] = epoch;
    heap.push(0, source);
    while (heap.size > 0) {
      const u = heap.pop();
      if (closed[u] === epoch) continue; // stale entry
      closed[u] = epoch;
      if (u === target) return true;
      const gu = g[u]!;
      const end = firstOut[u + 1]!;
      for (let e = firstOut[u]!; e < end; e++) {
        const m = multiplier[e]!;
        if (m === Infinity || flags[e] !== 0) continue;
        const v = edgeTo[e]!;
        if (closed[v] === epoch) continue;
        const cost = gu + edgeFreeFlowS[e]! * m;
        if (seen[v] === epoch && cost >= g[v]!) continue;
        seen[v] = epoch;
        g[v] = cost;
        prevEdge[v] = e;
        const dx = unitXYZ[3 * v]! - tx;
        const dy = unitXYZ[3 * v + 1]! - ty;
        const dz = unitXYZ[3 * v + 2]! - tz;
        heap.push(cost + Math.sqrt(dx * dx + dy * dy + dz * dz) * scale, v);
      }
    }
    return false;
  }

  private buildResult(source: number, target: number): RouteResult {
    const { edgeFrom, edgeLengthM, edgeFreeFlowS } = this.graph;
    const edgeIds: number[] = [];
    for (let v = target; v !== source; ) {
      const e = this.prevEdge[v]!;
      edgeIds.push(e);
      v = edgeFrom[e]!;
    }
    edgeIds.reverse();
    const nodeIds = [source];
    const polyline: LonLat[] = [[this.graph.nodeLon[source]!, this.graph.nodeLat[source]!]];
    let lengthM = 0;
    let etaS = 0;
    let freeFlowEtaS = 0;
    for (const e of edgeIds) {
      nodeIds.push(this.graph.edgeTo[e]!);
      this.graph.appendGeometry(e, polyline, true);
      lengthM += edgeLengthM[e]!;
      freeFlowEtaS += edgeFreeFlowS[e]!;
      etaS += edgeFreeFlowS[e]! * this.multiplier[e]!;
    }
    return { fromNode: source, toNode: target, nodeIds, edgeIds, polyline, lengthM, etaS, freeFlowEtaS, attribution: this.graph.attribution };
  }

  private unreachable(from: number, to: number, flaggedCount: number): RouteError {
    const { nodeLat, nodeLon } = this.graph;
    const at = (n: number) => `node ${n} (${nodeLat[n]!.toFixed(5)}, ${nodeLon[n]!.toFixed(5)})`;
    let blocked = 0;
    for (const f of this.congested.values()) if (f === Infinity) blocked++;
    const causes = [
      blocked > 0 ? `${blocked} segment(s) blocked` : '',
      flaggedCount > 0 ? `${flaggedCount} segment(s) flagged for this query` : '',
      'one-way streets or roads that do not connect'
    ].filter(Boolean);
    return new RouteError('ROUTE_UNREACHABLE', `No drivable route from ${at(from)} to ${at(to)}: every path is cut (${causes.join(', ')})`, {
      fromNode: from,
      toNode: to,
      blockedSegments: blocked,
      flaggedSegments: flaggedCount
    });
  }

  private checkEdge(edgeId: number): void {
    if (!Number.isInteger(edgeId) || edgeId < 0 || edgeId >= this.graph.edgeCount) {
      throw new RouteError('ROUTE_UNKNOWN_EDGE', `No edge ${String(edgeId)} in the road graph (it has ${this.graph.edgeCount})`, { edgeId });
    }
  }

  private checkNode(node: number): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.graph.nodeCount) throw new RangeError(`No node ${String(node)} in the road graph`);
  }
}
