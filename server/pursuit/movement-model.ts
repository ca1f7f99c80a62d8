/**
 * How a pursued target moves on the road graph — one model for the predictor and for the
 * brute-force driver simulation it is tested against:
 *
 * - A *state* is a directed way along one edge: `2 × edge` follows the edge, `2 × edge + 1` walks
 *   it backwards (only a person on foot does that, on one-way streets: a two-way street's other
 *   direction is its twin edge).
 * - At a junction the target picks the next state at random with weights by turn angle (straight
 *   on most likely, bends, turns, sharp turns, U-turns least) times a road-class preference for
 *   vehicles (a fleeing car favours the big roads). A dead end leaves only the U-turn.
 * - The sighting: on the nearest road most likely, on another a few metres farther less so.
 * - Speed: one factor per target for the whole trip, uniform in a range. A vehicle drives each
 *   road at its class (or signed) speed × 0.6–1.2; a person walks at 1.0–1.8 m/s on any road, both
 *   ways. So travel time = cost / speed with `cost` in free-flow seconds (vehicle) or metres (foot).
 */
import { angleBetweenDeg } from '../geo/geometry.ts';
import type { HighwayClass, RoadGraph } from '../routing/road-graph.ts';
import type { EdgeGeometry } from './edge-geometry.ts';

export type TargetKind = 'vehicle' | 'foot';

/** Speed range: a factor on the road's speed (vehicle) or metres per second (foot). */
export const SPEED_RANGE: Readonly<Record<TargetKind, { min: number; max: number }>> = {
  vehicle: { min: 0.6, max: 1.2 },
  foot: { min: 1.0, max: 1.8 }
};

/** Weights by turn angle: ≤ 30° straight, ≤ 60° bend, ≤ 135° turn, sharper, U-turn (back the same road). */
export const TURN_WEIGHTS: Readonly<Record<TargetKind, { straight: number; bend: number; turn: number; sharp: number; uTurn: number }>> = {
  vehicle: { straight: 1, bend: 0.6, turn: 0.3, sharp: 0.08, uTurn: 0.02 },
  foot: { straight: 1, bend: 0.8, turn: 0.5, sharp: 0.3, uTurn: 0.1 }
};

/** A vehicle's preference for the class of the road it turns into. */
const VEHICLE_CLASS_WEIGHT: Readonly<Record<HighwayClass, number>> = {
  motorway: 1.5,
  trunk: 1.5,
  primary: 1.4,
  secondary: 1.2,
  tertiary: 1.1,
  unclassified: 1,
  residential: 1,
  living_street: 0.4,
  service: 0.4,
  motorway_link: 1,
  trunk_link: 1,
  primary_link: 1,
  secondary_link: 1,
  tertiary_link: 1
};

/** Roads up to this much farther from a sighting than the nearest one may be the one it was on (a junction, a dual carriageway). */
export const START_SLACK_M = 15;

/**
 * How likely the target was on a road `distanceM` from the sighting when the nearest road is
 * `nearestM` away: falling off over ~10 m, none beyond the slack.
 */
export function startRoadWeight(distanceM: number, nearestM: number): number {
  const extra = distanceM - nearestM;
  return extra > START_SLACK_M ? 0 : Math.exp(-((extra / 10) ** 2));
}

/** At most this many states follow one (a junction's roads, both ways for a walker). */
export const MAX_BRANCHES = 64;

export class MovementModel {
  readonly target: TargetKind;
  readonly speed: { min: number; max: number };
  readonly stateCount: number;
  readonly #graph: RoadGraph;
  readonly #geometry: EdgeGeometry;
  readonly #classWeight: Float64Array;
  readonly #cost: Float64Array;
  // In-edges per node (for walking one-way streets backwards).
  readonly #firstIn: Int32Array;
  readonly #inEdges: Int32Array;
  readonly #weights: (typeof TURN_WEIGHTS)[TargetKind];

  constructor(graph: RoadGraph, geometry: EdgeGeometry, target: TargetKind) {
    this.target = target;
    this.speed = SPEED_RANGE[target];
    this.#weights = TURN_WEIGHTS[target];
    this.#graph = graph;
    this.#geometry = geometry;
    const n = graph.edgeCount;
    this.stateCount = 2 * n;
    this.#classWeight = new Float64Array(n);
    for (let e = 0; e < n; e++) this.#classWeight[e] = target === 'vehicle' ? VEHICLE_CLASS_WEIGHT[graph.edge(e).highway] : 1;
    this.#cost = target === 'vehicle' ? graph.edgeFreeFlowS : graph.edgeLengthM;
    const firstIn = new Int32Array(graph.nodeCount + 1);
    for (let e = 0; e < n; e++) firstIn[graph.edgeTo[e]! + 1]!++;
    for (let v = 0; v < graph.nodeCount; v++) firstIn[v + 1]! += firstIn[v]!;
    const fill = firstIn.slice(0, graph.nodeCount);
    const inEdges = new Int32Array(n);
    for (let e = 0; e < n; e++) inEdges[fill[graph.edgeTo[e]!]!++] = e;
    this.#firstIn = firstIn;
    this.#inEdges = inEdges;
  }

  /** Whether this target may use the state (vehicles never drive against a one-way street). */
  allowed(state: number): boolean {
    return (state & 1) === 0 || (this.target === 'foot' && this.#graph.edgeTwin[state >> 1] === -1);
  }

  /** Cost of the whole state: free-flow seconds (vehicle) or metres (foot). */
  cost(state: number): number {
    return this.#cost[state >> 1]!;
  }

  /** The state's travel bearing where it ends, degrees. */
  endBearing(state: number): number {
    const e = state >> 1;
    return state & 1 ? (this.#geometry.startBearing[e]! + 180) % 360 : this.#geometry.endBearing[e]!;
  }

  /** The state's travel bearing where it starts, degrees. */
  startBearing(state: number): number {
    const e = state >> 1;
    return state & 1 ? (this.#geometry.endBearing[e]! + 180) % 360 : this.#geometry.startBearing[e]!;
  }

  /** The node the state ends at. */
  endNode(state: number): number {
    const e = state >> 1;
    return state & 1 ? this.#graph.edgeFrom[e]! : this.#graph.edgeTo[e]!;
  }

  /** The same road the other way, or -1 when the target cannot go back along it. */
  reverse(state: number): number {
    const e = state >> 1;
    if (state & 1) return 2 * e;
    const twin = this.#graph.edgeTwin[e]!;
    if (twin !== -1) return 2 * twin;
    return this.target === 'foot' ? 2 * e + 1 : -1;
  }

  /**
   * The states that may follow `state` at its end node, with their probabilities (summing to 1),
   * written into `outState`/`outP`; returns how many (0 only where nothing leaves the node).
   */
  next(state: number, outState: Int32Array, outP: Float64Array): number {
    const g = this.#graph;
    const node = this.endNode(state);
    const arriving = this.endBearing(state);
    const back = this.reverse(state);
    let count = 0;
    let sum = 0;
    // Out-edges, then (on foot) one-way streets walked backwards from their end. No closure: hot loop.
    const walker = this.target === 'foot';
    const outEnd = g.firstOut[node + 1]!;
    const inFrom = walker ? this.#firstIn[node]! : 0;
    const inEnd = walker ? this.#firstIn[node + 1]! : 0;
    const total = outEnd - g.firstOut[node]! + inEnd - inFrom;
    for (let k = 0; k < total && count < MAX_BRANCHES; k++) {
      const outIndex = g.firstOut[node]! + k;
      let s: number;
      if (outIndex < outEnd) s = 2 * outIndex;
      else {
        const e = this.#inEdges[inFrom + outIndex - outEnd]!;
        if (g.edgeTwin[e] !== -1) continue;
        s = 2 * e + 1;
      }
      const w = this.#turnWeight(arriving, s, s === back) * this.#classWeight[s >> 1]!;
      outState[count] = s;
      outP[count++] = w;
      sum += w;
    }
    for (let i = 0; i < count; i++) outP[i] = outP[i]! / sum;
    return count;
  }

  #turnWeight(arrivingDeg: number, state: number, isBack: boolean): number {
    const w = this.#weights;
    if (isBack) return w.uTurn;
    const angle = angleBetweenDeg(arrivingDeg, this.startBearing(state));
    if (angle <= 30) return w.straight;
    if (angle <= 60) return w.bend;
    if (angle <= 135) return w.turn;
    return angle < 170 ? w.sharp : w.uTurn;
  }
}
