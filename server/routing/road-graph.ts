/**
 * The road graph produced by road-network.ts: immutable, typed arrays, CSR adjacency (out-edges
 * of node n are the ids `firstOut[n] .. firstOut[n + 1] - 1`), a grid index for nearest-node
 * look-ups and the strongly connected components (for snapping to the routable network).
 *
 * Built from OpenStreetMap data it is © OpenStreetMap contributors (ODbL): `attribution` carries
 * the credit for whatever displays it.
 */
import type { LonLat } from './geo.ts';
import { GridIndex, type NearestHit } from './spatial-index.ts';

/** The highway classes a car (fire engine) can drive; the importer keeps only these. */
export const DRIVABLE_CLASSES = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'motorway_link',
  'trunk_link',
  'primary_link',
  'secondary_link',
  'tertiary_link'
] as const;
export type HighwayClass = (typeof DRIVABLE_CLASSES)[number];

export interface ImportStats {
  features: number;
  drivableWays: number;
  oneWayWays: number;
  skipped: {
    /** highway=footway, cycleway, construction, … */
    nonDrivableClass: number;
    /** Polygons (areas), points, null geometry. */
    nonLinear: number;
    /** oneway=reversible/alternating: direction depends on time, not routable safely. */
    timeDependentOneway: number;
    /** Lines whose positions are all identical. */
    degenerate: number;
    /** Segments starting and ending at the same node (never on a shortest path). */
    selfLoops: number;
  };
  maxspeedParsed: number;
  maxspeedDefaulted: number;
  nodes: number;
  /** Directed edges. */
  edges: number;
  /** Undirected segments (a two-way segment is two edges). */
  segments: number;
  /** Road length, km, each segment counted once. */
  roadKm: number;
  /** Nodes in the largest strongly connected component (mutually reachable). */
  mainComponentNodes: number;
  importMs: number;
}

/** A readable view of one directed edge. */
export interface EdgeInfo {
  id: number;
  key: string;
  from: number;
  to: number;
  lengthM: number;
  speedKmh: number;
  freeFlowS: number;
  name: string | null;
  highway: HighwayClass;
  wayId: string;
  /** The edge in the opposite direction on the same segment, or -1 (one-way). */
  twin: number;
}

/** @internal what the importer hands over. */
export interface GraphArrays {
  nodeLat: Float64Array;
  nodeLon: Float64Array;
  firstOut: Int32Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeLengthM: Float64Array;
  edgeFreeFlowS: Float64Array;
  edgeSpeedKmh: Float32Array;
  edgeWay: Int32Array;
  edgeSegment: Int32Array;
  edgeReversed: Uint8Array;
  edgeTwin: Int32Array;
  geomStart: Int32Array;
  geomCoords: Float64Array;
  segmentIndexInWay: Int32Array;
  wayIds: string[];
  wayNames: (string | null)[];
  wayClass: Uint8Array;
}

/**
 * The imported road graph. Immutable; the typed arrays are public for the router's hot loop and
 * must not be written to. Out-edges of node n are the ids `firstOut[n] .. firstOut[n + 1] - 1`.
 */
export class RoadGraph {
  readonly attribution: string;
  readonly stats: ImportStats;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node coordinates, degrees. */
  readonly nodeLat: Float64Array;
  readonly nodeLon: Float64Array;
  /** CSR offsets, length nodeCount + 1: edges are sorted by origin node. */
  readonly firstOut: Int32Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeLengthM: Float64Array;
  /** Free-flow travel time, seconds. */
  readonly edgeFreeFlowS: Float64Array;
  readonly edgeSpeedKmh: Float32Array;
  readonly edgeTwin: Int32Array;
  /** Strongly connected component of each node; `mainComponent` is the largest. */
  readonly component: Int32Array;
  readonly mainComponent: number;
  /** Highest free-flow speed of any edge, m/s (for the router's heuristic). */
  readonly maxSpeedMps: number;

  private readonly edgeWay: Int32Array;
  private readonly edgeSegment: Int32Array;
  private readonly edgeReversed: Uint8Array;
  private readonly geomStart: Int32Array;
  private readonly geomCoords: Float64Array;
  private readonly segmentIndexInWay: Int32Array;
  private readonly wayIds: string[];
  private readonly wayNames: (string | null)[];
  private readonly wayClass: Uint8Array;
  private readonly grid: GridIndex;
  private keyIndex: Map<string, number> | null = null;

  /** @internal use importRoadNetwork(). */
  constructor(arrays: GraphArrays, stats: Omit<ImportStats, 'mainComponentNodes' | 'importMs'>, options: { attribution: string; gridCellM: number; startedAt: number }) {
    this.attribution = options.attribution;
    this.nodeLat = arrays.nodeLat;
    this.nodeLon = arrays.nodeLon;
    this.firstOut = arrays.firstOut;
    this.edgeFrom = arrays.edgeFrom;
    this.edgeTo = arrays.edgeTo;
    this.edgeLengthM = arrays.edgeLengthM;
    this.edgeFreeFlowS = arrays.edgeFreeFlowS;
    this.edgeSpeedKmh = arrays.edgeSpeedKmh;
    this.edgeTwin = arrays.edgeTwin;
    this.edgeWay = arrays.edgeWay;
    this.edgeSegment = arrays.edgeSegment;
    this.edgeReversed = arrays.edgeReversed;
    this.geomStart = arrays.geomStart;
    this.geomCoords = arrays.geomCoords;
    this.segmentIndexInWay = arrays.segmentIndexInWay;
    this.wayIds = arrays.wayIds;
    this.wayNames = arrays.wayNames;
    this.wayClass = arrays.wayClass;
    this.nodeCount = arrays.nodeLat.length;
    this.edgeCount = arrays.edgeTo.length;

    let maxSpeed = 0;
    for (let e = 0; e < this.edgeCount; e++) {
      const v = this.edgeLengthM[e]! / this.edgeFreeFlowS[e]!;
      if (v > maxSpeed) maxSpeed = v;
    }
    this.maxSpeedMps = maxSpeed;
    const { component, main, mainSize } = stronglyConnectedComponents(this.nodeCount, this.firstOut, this.edgeTo);
    this.component = component;
    this.mainComponent = main;
    this.grid = new GridIndex(this.nodeLat, this.nodeLon, options.gridCellM);
    this.stats = { ...stats, mainComponentNodes: mainSize, importMs: performance.now() - options.startedAt };
  }

  /**
   * The node closest to (lat, lon), with its great-circle distance. `mainComponentOnly` restricts
   * to the largest strongly connected component — the nodes from which every other such node can
   * be reached (a snapped start in a car park island would otherwise have no route anywhere).
   */
  nearestNode(lat: number, lon: number, options: { mainComponentOnly?: boolean } = {}): { node: number; distanceM: number } | null {
    let hit: NearestHit | null;
    if (options.mainComponentOnly) {
      const component = this.component;
      const main = this.mainComponent;
      hit = this.grid.nearest(lat, lon, (i) => component[i] === main);
    } else hit = this.grid.nearest(lat, lon);
    return hit === null ? null : { node: hit.index, distanceM: hit.distanceM };
  }

  /** Out-edge ids of a node. */
  outEdges(node: number): number[] {
    this.checkNode(node);
    const out: number[] = [];
    for (let e = this.firstOut[node]!; e < this.firstOut[node + 1]!; e++) out.push(e);
    return out;
  }

  /** Stable key of an edge: `<way id>:<segment index>:f|b`. */
  edgeKey(edge: number): string {
    this.checkEdge(edge);
    const segment = this.edgeSegment[edge]!;
    return `${this.wayIds[this.edgeWay[edge]!]}:${this.segmentIndexInWay[segment]}:${this.edgeReversed[edge] ? 'b' : 'f'}`;
  }

  /** The edge id of a stable key, or -1. */
  edgeIdByKey(key: string): number {
    if (this.keyIndex === null) {
      const index = new Map<string, number>();
      for (let e = 0; e < this.edgeCount; e++) index.set(this.edgeKey(e), e);
      this.keyIndex = index;
    }
    return this.keyIndex.get(key) ?? -1;
  }

  edge(edge: number): EdgeInfo {
    this.checkEdge(edge);
    const way = this.edgeWay[edge]!;
    return {
      id: edge,
      key: this.edgeKey(edge),
      from: this.edgeFrom[edge]!,
      to: this.edgeTo[edge]!,
      lengthM: this.edgeLengthM[edge]!,
      speedKmh: this.edgeSpeedKmh[edge]!,
      freeFlowS: this.edgeFreeFlowS[edge]!,
      name: this.wayNames[way] ?? null,
      highway: DRIVABLE_CLASSES[this.wayClass[way]!]!,
      wayId: this.wayIds[way]!,
      twin: this.edgeTwin[edge]!
    };
  }

  /** Edge ids of one way (both directions), in segment order. */
  edgesOfWay(wayId: string): number[] {
    const way = this.wayIds.indexOf(wayId);
    if (way === -1) return [];
    const out: number[] = [];
    for (let e = 0; e < this.edgeCount; e++) if (this.edgeWay[e] === way) out.push(e);
    return out.sort((a, b) => this.segmentIndexInWay[this.edgeSegment[a]!]! - this.segmentIndexInWay[this.edgeSegment[b]!]! || this.edgeReversed[a]! - this.edgeReversed[b]!);
  }

  /** Geometry of an edge in travel direction, [lon, lat] positions, both end nodes included. */
  edgeGeometry(edge: number): LonLat[] {
    const out: LonLat[] = [];
    this.appendGeometry(edge, out, false);
    return out;
  }

  /** Appends an edge's positions to `out`; `skipFirst` drops the start (already there). */
  appendGeometry(edge: number, out: LonLat[], skipFirst: boolean): void {
    this.checkEdge(edge);
    const segment = this.edgeSegment[edge]!;
    const start = this.geomStart[segment]!;
    const end = this.geomStart[segment + 1]!;
    const c = this.geomCoords;
    if (this.edgeReversed[edge]) {
      for (let i = end - 1 - (skipFirst ? 1 : 0); i >= start; i--) out.push([c[2 * i]!, c[2 * i + 1]!]);
    } else {
      for (let i = start + (skipFirst ? 1 : 0); i < end; i++) out.push([c[2 * i]!, c[2 * i + 1]!]);
    }
  }

  /** Bytes held by the graph's typed arrays (strings and the key map not counted). */
  get byteLength(): number {
    const arrays = [
      this.nodeLat,
      this.nodeLon,
      this.firstOut,
      this.edgeFrom,
      this.edgeTo,
      this.edgeLengthM,
      this.edgeFreeFlowS,
      this.edgeSpeedKmh,
      this.edgeTwin,
      this.edgeWay,
      this.edgeSegment,
      this.edgeReversed,
      this.geomStart,
      this.geomCoords,
      this.segmentIndexInWay,
      this.wayClass,
      this.component
    ];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0) + this.grid.byteLength;
  }

  private checkEdge(edge: number): void {
    if (!Number.isInteger(edge) || edge < 0 || edge >= this.edgeCount) throw new RangeError(`no edge ${edge} (the graph has ${this.edgeCount})`);
  }

  private checkNode(node: number): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.nodeCount) throw new RangeError(`no node ${node} (the graph has ${this.nodeCount})`);
  }
}

/** Tarjan's algorithm, iterative (no recursion limit on long roads). */
function stronglyConnectedComponents(n: number, firstOut: Int32Array, edgeTo: Int32Array): { component: Int32Array; main: number; mainSize: number } {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callStack = new Int32Array(n);
  const nextEdge = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  let sp = 0;
  let counter = 0;
  let components = 0;
  let main = -1;
  let mainSize = 0;
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    let csp = 0;
    callStack[csp++] = s;
    index[s] = low[s] = counter++;
    stack[sp++] = s;
    onStack[s] = 1;
    nextEdge[s] = firstOut[s]!;
    while (csp > 0) {
      const v = callStack[csp - 1]!;
      if (nextEdge[v]! < firstOut[v + 1]!) {
        const w = edgeTo[nextEdge[v]!++]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          nextEdge[w] = firstOut[w]!;
          callStack[csp++] = w;
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      csp--;
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          component[w] = components;
          size++;
        } while (w !== v);
        if (size > mainSize) {
          mainSize = size;
          main = components;
        }
        components++;
      }
      if (csp > 0) {
        const u = callStack[csp - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
    }
  }
  return { component, main, mainSize };
}
