/**
 * Pursuit prediction: from the last sighting of a target (a vehicle or a person on foot), where
 * it may be now and which cameras it is likely to pass next, each with an arrival window.
 * Pure and synchronous; no HTTP, no state between calls beyond scratch arrays.
 *
 * How (see movement-model.ts for the model itself):
 * - The sighting is snapped to the roads within a few metres of the nearest one; each direction
 *   of each is a start, weighted by the heading (unknown heading: even).
 * - Probability mass then flows from the starts along the graph in order of travel cost, split
 *   at every junction by the turn model. Mass reaching a state it already holds merges with it
 *   (so the work is bounded by the roads, not by the number of paths), and a share below
 *   `minMass` is dropped. The flow stops at the horizon at the fastest speed.
 * - Cameras are attached once, in the constructor, to every road within `attachRadiusM` of them
 *   (cameras on one pole share one attachment point). Passing that point is passing the camera.
 * - Each camera gets `probability`: the mass passing it, each share weighted by the fraction of
 *   the speed range that puts its arrival inside (elapsed, elapsed + horizon].
 * - The ranking asks instead "is this the camera it passes next?": the speed range is cut into
 *   bins; per bin, mass passing a camera after "now" scores it and is then multiplied by
 *   `nextCameraDecay` for the cameras behind it. A camera first on its branch ranks above those
 *   behind it even when they share the same road; the second and later cameras of one pole rank
 *   at a quarter of the one before (eight tiles of one pole would show one spot).
 * - `reach`: the pieces of road where the target may be now, weighted by the chance it is there.
 */
import type { RoadGraph } from '../routing/road-graph.ts';
import type { LonLat } from '../routing/geo.ts';
import { MinHeap } from '../routing/min-heap.ts';
import { angleBetweenDeg, bearingDeg, distanceM } from '../geo/geometry.ts';
import { EdgeGeometry, type EdgeProjection } from './edge-geometry.ts';
import { MAX_BRANCHES, MovementModel, START_SLACK_M, startRoadWeight, type TargetKind } from './movement-model.ts';

export type { TargetKind } from './movement-model.ts';

export interface PursuitAnchor {
  lat: number;
  lon: number;
  /** ms epoch */
  at: number;
  /** direction of travel, 0 = north, clockwise; null = unknown */
  headingDeg: number | null;
  target: TargetKind;
}

export interface PredictedCamera {
  cameraId: string;
  /** 구 code of the camera (e.g. '11650') */
  district: string;
  /** 0..1, chance the target passes it within the horizon */
  probability: number;
  /** arrival window, seconds after the anchor's `at` */
  etaMinS: number;
  etaMaxS: number;
  /** along the road, metres */
  distanceM: number;
}

export interface Prediction {
  anchor: PursuitAnchor;
  /** now - anchor.at, seconds */
  elapsedS: number;
  /** where the target may be now: road polylines reached by elapsedS, for the map */
  reach: Array<{ path: Array<[lon: number, lat: number]>; weight: number }>;
  /** ranked, best first */
  cameras: PredictedCamera[];
  /** Where the anchor met the road (null: no road within `maxSnapM`, so nothing is predicted). */
  snapped: { lat: number; lon: number; distanceM: number } | null;
  /** The look-ahead used, seconds after now. */
  horizonS: number;
}

/** What the predictor needs of a camera; the hub's `RegistryCamera` qualifies. */
export interface PredictableCamera {
  id: string;
  location: { lat: number; lon: number };
  district: { code: string };
  /** Degrees clockwise from north; absent when unknown. */
  facingDeg?: number;
}

export interface PredictorOptions {
  /** A camera within this distance of a road is on it, metres. Default 30. */
  attachRadiusM?: number;
  /** A sighting farther than this from any road predicts nothing, metres. Default 500. */
  maxSnapM?: number;
  /** Look-ahead when the caller gives none, seconds after now. Default vehicle 180, foot 600. */
  horizonS?: Partial<Record<TargetKind, number>>;
  /** Mass below this is dropped (bounds the work). Default 1e-4. */
  minMass?: number;
  /** The ranking's weight of a camera behind one already passed (0: only the next ones). Default 0.25. */
  nextCameraDecay?: number;
  /** Hard cap on the states expanded per prediction (a guard for the event loop). Default 60,000. */
  maxSteps?: number;
}

const DEFAULT_HORIZON_S: Readonly<Record<TargetKind, number>> = { vehicle: 180, foot: 600 };
const DEFAULT_LIMIT = 16;
/** Speed bins of the "next camera" ranking. */
const BINS = 8;
/** A camera must be this far ahead of the sighting on the road to count as passed, metres. */
const PASS_EPSILON_M = 1;
/** How much nearer than at the sighting a road must pass a camera for it to count as passed there, metres. */
const NEARER_EPSILON_M = 0.01;
/** Cameras below this probability are not listed. */
const MIN_PROBABILITY = 0.005;
/** Rank of a pole's next camera relative to the one before it (eight tiles of one pole show one spot). */
const POLE_MATE_RANK = 0.05;
const MAX_REACH_PIECES = 300;
const MIN_REACH_WEIGHT = 1e-3;

interface Start {
  state: number;
  alongM: number;
  mass: number;
}

/** Per-call accumulators, reused (the predictor is synchronous). */
interface Scratch {
  epoch: number;
  // Pending mass per state, waiting in the heap.
  stamp: Uint32Array;
  mass: Float64Array;
  cost: Float64Array;
  dist: Float64Array;
  last: Int32Array;
  rem: Float64Array;
  heap: MinHeap;
  // Per pole.
  poleStamp: Uint32Array;
  poleProb: Float64Array;
  poleScore: Float64Array;
  poleCost: Float64Array;
  poleDist: Float64Array;
  touched: number[];
  /** Poles by the sighting: their distance to where the target was seen (epoch in `nearStamp`). */
  nearStamp: Uint32Array;
  nearStart: Float64Array;
  // Branches of one junction; the current chunk's per-bin remainder.
  outState: Int32Array;
  outP: Float64Array;
  cur: Float64Array;
  // Chunks processed, for `reach`: state, start along, start cost, mass (4 numbers each).
  chunks: Float64Array;
  chunkCount: number;
  // The current flow: the horizon in cost units, per speed bin where "now" and the horizon are.
  elapsedS: number;
  horizonS: number;
  maxCost: number;
  binNow: Float64Array;
  binEnd: Float64Array;
}

export class PursuitPredictor {
  readonly #graph: RoadGraph;
  readonly #geometry: EdgeGeometry;
  readonly #models: Record<TargetKind, MovementModel>;
  readonly #cameras: readonly PredictableCamera[];
  // Poles: cameras at one position. Cameras of pole p: poleCams[poleCamStart[p] .. poleCamStart[p + 1]), best facing first.
  readonly #poleCamStart: Int32Array;
  readonly #poleCams: Int32Array;
  // Attachments of edge e: attPole/attAlong[attStart[e] .. attStart[e + 1]), by distance along e.
  readonly #attStart: Int32Array;
  readonly #attAlong: Float64Array;
  readonly #attPole: Int32Array;
  /** From the pole to its attachment point, metres. */
  readonly #attDist: Float32Array;
  readonly #poleLat: Float64Array;
  readonly #poleLon: Float64Array;
  readonly #attachRadiusM: number;
  readonly #maxSnapM: number;
  readonly #horizonS: Record<TargetKind, number>;
  readonly #minMass: number;
  readonly #decay: number;
  readonly #maxSteps: number;
  readonly #scratch: Scratch;
  /** What building the predictor cost, ms (for the start-up log and the benchmark). */
  readonly buildMs: number;

  constructor(graph: RoadGraph, cameras: readonly PredictableCamera[], options: PredictorOptions = {}) {
    const started = performance.now();
    this.#attachRadiusM = positive(options.attachRadiusM ?? 30, 'attachRadiusM');
    this.#maxSnapM = positive(options.maxSnapM ?? 500, 'maxSnapM');
    this.#horizonS = {
      vehicle: positive(options.horizonS?.vehicle ?? DEFAULT_HORIZON_S.vehicle, 'horizonS.vehicle'),
      foot: positive(options.horizonS?.foot ?? DEFAULT_HORIZON_S.foot, 'horizonS.foot')
    };
    this.#minMass = positive(options.minMass ?? 1e-4, 'minMass');
    this.#decay = options.nextCameraDecay ?? 0.25;
    if (!(this.#decay >= 0 && this.#decay <= 1)) throw new RangeError('nextCameraDecay must be in [0, 1]');
    this.#maxSteps = positive(options.maxSteps ?? 60_000, 'maxSteps');
    this.#graph = graph;
    this.#cameras = cameras;
    this.#geometry = new EdgeGeometry(graph);
    this.#models = { vehicle: new MovementModel(graph, this.#geometry, 'vehicle'), foot: new MovementModel(graph, this.#geometry, 'foot') };

    // Poles: group cameras by position.
    const poleOf = new Map<string, number>();
    const poleOfCamera = new Int32Array(cameras.length);
    const poleLat: number[] = [];
    const poleLon: number[] = [];
    for (let i = 0; i < cameras.length; i++) {
      const { lat, lon } = cameras[i]!.location;
      const key = `${lat},${lon}`;
      let p = poleOf.get(key);
      if (p === undefined) {
        p = poleLat.length;
        poleOf.set(key, p);
        poleLat.push(lat);
        poleLon.push(lon);
      }
      poleOfCamera[i] = p;
    }
    const poles = poleLat.length;

    // Attach each pole to the roads near it (both directions of a two-way road).
    const attEdge: number[] = [];
    const attAlong: number[] = [];
    const attPole: number[] = [];
    const attDist: number[] = [];
    const poleRoadBearing = new Float64Array(poles).fill(Number.NaN);
    for (let p = 0; p < poles; p++) {
      const near = this.#geometry.near(poleLat[p]!, poleLon[p]!, this.#attachRadiusM);
      for (const hit of near) {
        for (const h of [hit, this.#geometry.twinProjection(hit)]) {
          if (!h) continue;
          attEdge.push(h.edge);
          attAlong.push(h.alongM);
          attPole.push(p);
          attDist.push(h.distanceM);
        }
      }
      const nearest = near[0];
      if (nearest) {
        // Which way a camera should look to see the road: at the road, or along it when on it.
        const at = this.#geometry.pointAt(nearest.edge, nearest.alongM);
        poleRoadBearing[p] = nearest.distanceM >= 3 ? bearingDeg(poleLat[p]!, poleLon[p]!, at.lat, at.lon) : at.bearingDeg;
      }
    }
    const order = attEdge.map((_, i) => i).sort((a, b) => attEdge[a]! - attEdge[b]! || attAlong[a]! - attAlong[b]!);
    this.#attStart = new Int32Array(graph.edgeCount + 1);
    this.#attAlong = new Float64Array(order.length);
    this.#attPole = new Int32Array(order.length);
    this.#attDist = new Float32Array(order.length);
    order.forEach((i, k) => {
      this.#attStart[attEdge[i]! + 1]!++;
      this.#attAlong[k] = attAlong[i]!;
      this.#attPole[k] = attPole[i]!;
      this.#attDist[k] = attDist[i]!;
    });
    this.#poleLat = Float64Array.from(poleLat);
    this.#poleLon = Float64Array.from(poleLon);
    for (let e = 0; e < graph.edgeCount; e++) this.#attStart[e + 1]! += this.#attStart[e]!;

    // Cameras per pole, the one looking best at its road first.
    const facingKey = (i: number) => {
      const facing = cameras[i]!.facingDeg;
      const road = poleRoadBearing[poleOfCamera[i]!]!;
      return facing === undefined || Number.isNaN(road) ? 360 : angleBetweenDeg(facing, road);
    };
    this.#poleCamStart = new Int32Array(poles + 1);
    for (let i = 0; i < cameras.length; i++) this.#poleCamStart[poleOfCamera[i]! + 1]!++;
    for (let p = 0; p < poles; p++) this.#poleCamStart[p + 1]! += this.#poleCamStart[p]!;
    const byPole = [...cameras.keys()].sort((a, b) => poleOfCamera[a]! - poleOfCamera[b]! || facingKey(a) - facingKey(b) || a - b);
    this.#poleCams = Int32Array.from(byPole);

    const states = 2 * graph.edgeCount;
    this.#scratch = {
      epoch: 0,
      stamp: new Uint32Array(states),
      mass: new Float64Array(states),
      cost: new Float64Array(states),
      dist: new Float64Array(states),
      last: new Int32Array(states),
      rem: new Float64Array(states * BINS),
      heap: new MinHeap(4096),
      poleStamp: new Uint32Array(poles),
      poleProb: new Float64Array(poles),
      poleScore: new Float64Array(poles),
      poleCost: new Float64Array(poles),
      poleDist: new Float64Array(poles),
      touched: [],
      nearStamp: new Uint32Array(poles),
      nearStart: new Float64Array(poles),
      outState: new Int32Array(MAX_BRANCHES),
      outP: new Float64Array(MAX_BRANCHES),
      cur: new Float64Array(BINS),
      chunks: new Float64Array(4096),
      chunkCount: 0,
      elapsedS: 0,
      horizonS: 0,
      maxCost: 0,
      binNow: new Float64Array(BINS),
      binEnd: new Float64Array(BINS)
    };
    this.buildMs = performance.now() - started;
  }

  /** Cameras attached to at least one road. */
  get attachedCameras(): number {
    let count = 0;
    const attached = new Uint8Array(this.#poleCamStart.length - 1);
    for (const p of this.#attPole) attached[p] = 1;
    for (let p = 0; p < attached.length; p++) if (attached[p]) count += this.#poleCamStart[p + 1]! - this.#poleCamStart[p]!;
    return count;
  }

  predict(anchor: PursuitAnchor, now: number, options: { limit?: number; horizonS?: number } = {}): Prediction {
    checkAnchor(anchor);
    const limit = options.limit ?? DEFAULT_LIMIT;
    const horizonS = options.horizonS ?? this.#horizonS[anchor.target];
    if (!(Number.isInteger(limit) && limit >= 0)) throw new RangeError('limit must be an integer ≥ 0');
    if (!(horizonS > 0 && Number.isFinite(horizonS))) throw new RangeError('horizonS must be a positive number');
    const elapsedS = Math.max(0, (now - anchor.at) / 1000);
    const model = this.#models[anchor.target];
    const snap = this.#geometry.nearest(anchor.lat, anchor.lon, this.#maxSnapM);
    const empty: Prediction = { anchor, elapsedS, reach: [], cameras: [], snapped: null, horizonS };
    if (!snap) return empty;
    const starts = this.#starts(anchor, snap, model);
    const at = this.#geometry.pointAt(snap.edge, snap.alongM);
    const snapped = { lat: at.lat, lon: at.lon, distanceM: Math.round(snap.distanceM * 10) / 10 };
    if (starts.length === 0) return { ...empty, snapped };
    this.#flow(starts, model, elapsedS, horizonS);
    return {
      anchor,
      elapsedS,
      reach: this.#reach(starts, model, elapsedS),
      cameras: this.#ranked(model, limit),
      snapped,
      horizonS
    };
  }

  /** The roads leaving a point, each direction of each (one-way streets: `wrongWay` against them), nearest first. */
  roadsLeaving(lat: number, lon: number): Array<{ headingDeg: number; name: string | null; wrongWay: boolean }> {
    const nearest = this.#geometry.nearest(lat, lon, this.#maxSnapM);
    if (!nearest) return [];
    const out: Array<{ headingDeg: number; name: string | null; wrongWay: boolean }> = [];
    for (const hit of this.#geometry.near(lat, lon, nearest.distanceM + START_SLACK_M)) {
      const info = this.#graph.edge(hit.edge);
      const forward = this.#geometry.pointAt(hit.edge, hit.alongM).bearingDeg;
      // At an end of the road (a junction) only the way out of it leaves.
      const directions = [];
      if (hit.alongM < this.#geometry.lengthM(hit.edge) - 1) directions.push({ headingDeg: forward, wrongWay: false });
      if (hit.alongM > 1) directions.push({ headingDeg: (forward + 180) % 360, wrongWay: info.twin === -1 });
      for (const d of directions) {
        if (out.some((o) => angleBetweenDeg(o.headingDeg, d.headingDeg) < 20)) continue;
        out.push({ headingDeg: Math.round(d.headingDeg), name: info.name, wrongWay: d.wrongWay });
      }
    }
    return out;
  }

  /** The start states: each direction of each road near the anchor, weighted by distance and heading. */
  #starts(anchor: PursuitAnchor, nearest: EdgeProjection, model: MovementModel): Start[] {
    const starts: Start[] = [];
    let total = 0;
    for (const hit of this.#geometry.near(anchor.lat, anchor.lon, nearest.distanceM + START_SLACK_M)) {
      const near = startRoadWeight(hit.distanceM, nearest.distanceM);
      const len = this.#geometry.lengthM(hit.edge);
      const forward = this.#geometry.pointAt(hit.edge, hit.alongM).bearingDeg;
      const twin = this.#graph.edgeTwin[hit.edge]!;
      const candidates: Array<[state: number, alongM: number, bearing: number]> = [
        [2 * hit.edge, hit.alongM, forward],
        twin === -1 ? [2 * hit.edge + 1, len - hit.alongM, (forward + 180) % 360] : [2 * twin, this.#geometry.lengthM(twin) - hit.alongM, (forward + 180) % 360]
      ];
      for (const [state, alongM, bearing] of candidates) {
        if (!model.allowed(state)) continue;
        const mass = near * headingWeight(anchor.headingDeg, bearing);
        starts.push({ state, alongM, mass });
        total += mass;
      }
    }
    for (const s of starts) s.mass /= total;
    return starts;
  }

  /** Pushes the starts' mass through the graph, filling the pole accumulators and the chunk list. */
  #flow(starts: readonly Start[], model: MovementModel, elapsedS: number, horizonS: number): void {
    const s = this.#scratch;
    s.epoch++;
    s.touched.length = 0;
    s.chunkCount = 0;
    s.heap.clear();
    const { min: fMin, max: fMax } = model.speed;
    s.elapsedS = elapsedS;
    s.horizonS = horizonS;
    s.maxCost = (elapsedS + horizonS) * fMax;
    for (let k = 0; k < BINS; k++) {
      const f = fMin + ((k + 0.5) * (fMax - fMin)) / BINS;
      s.binNow[k] = elapsedS * f;
      s.binEnd[k] = (elapsedS + horizonS) * f;
    }
    this.#markPolesAtSighting(starts);
    for (const start of starts) {
      s.cur.fill(start.mass / BINS);
      this.#chunk(model, start.state, start.alongM, 0, 0, start.mass, -1);
    }
    let steps = 0;
    while (s.heap.size > 0 && steps++ < this.#maxSteps) {
      const state = s.heap.pop();
      const mass = s.mass[state]!;
      if (mass === 0) continue;
      s.mass[state] = 0;
      for (let b = 0; b < BINS; b++) s.cur[b] = s.rem[state * BINS + b]!;
      this.#chunk(model, state, 0, s.cost[state]!, s.dist[state]!, mass, s.last[state]!);
    }
  }

  /**
   * One share of mass along one state from `a0` metres (cost `t0`, road distance `d0`): scores
   * the cameras it passes, then splits at the junction into the pending shares of the next states.
   * `scratch.cur` holds its per-bin remainder; `last` is the pole it passed last (not counted twice).
   */
  #chunk(model: MovementModel, state: number, a0: number, t0: number, d0: number, mass: number, last: number): void {
    const s = this.#scratch;
    const cur = s.cur;
    const edge = state >> 1;
    const reversed = (state & 1) === 1;
    const len = this.#geometry.lengthM(edge);
    const costPerM = len > 0 ? model.cost(state) / len : 0;
    const maxCost = s.maxCost;
    this.#recordChunk(state, a0, t0, mass);
    const first = this.#attStart[edge]!;
    const end = this.#attStart[edge + 1]!;
    for (let k = 0; k < end - first; k++) {
      const i = reversed ? end - 1 - k : first + k;
      const along = reversed ? len - this.#attAlong[i]! : this.#attAlong[i]!;
      if (along <= a0 + PASS_EPSILON_M) continue;
      const c = t0 + (along - a0) * costPerM;
      if (c > maxCost) break;
      const pole = this.#attPole[i]!;
      if (pole === last) continue;
      // A camera no nearer to this road than to the sighting was passed there, not here.
      if (s.nearStamp[pole] === s.epoch && this.#attDist[i]! >= s.nearStart[pole]! - NEARER_EPSILON_M) continue;
      last = pole;
      if (s.poleStamp[pole] !== s.epoch) {
        s.poleStamp[pole] = s.epoch;
        s.poleProb[pole] = 0;
        s.poleScore[pole] = 0;
        s.poleCost[pole] = Infinity;
        s.touched.push(pole);
      }
      s.poleProb[pole]! += mass * inWindow(c, model.speed.min, model.speed.max, s.elapsedS, s.horizonS);
      if (c < s.poleCost[pole]!) {
        s.poleCost[pole] = c;
        s.poleDist[pole] = d0 + along - a0;
      }
      for (let b = 0; b < BINS; b++) {
        if (c > s.binNow[b]! && c <= s.binEnd[b]!) {
          s.poleScore[pole]! += cur[b]!;
          cur[b]! *= this.#decay;
        }
      }
    }
    const tEnd = t0 + (len - a0) * costPerM;
    if (tEnd > maxCost) return;
    const dEnd = d0 + len - a0;
    const n = model.next(state, s.outState, s.outP);
    for (let j = 0; j < n; j++) {
      const p = s.outP[j]!;
      const m = mass * p;
      if (m < this.#minMass) continue;
      const next = s.outState[j]!;
      const r = next * BINS;
      if (s.stamp[next] !== s.epoch || s.mass[next] === 0) {
        s.stamp[next] = s.epoch;
        s.mass[next] = m;
        s.cost[next] = tEnd;
        s.dist[next] = dEnd;
        s.last[next] = last;
        for (let b = 0; b < BINS; b++) s.rem[r + b] = cur[b]! * p;
        s.heap.push(tEnd, next);
      } else {
        if (m > s.mass[next]!) s.last[next] = last;
        s.mass[next]! += m;
        if (tEnd < s.cost[next]!) {
          s.cost[next] = tEnd;
          s.dist[next] = dEnd;
        }
        for (let b = 0; b < BINS; b++) s.rem[r + b]! += cur[b]! * p;
      }
    }
  }

  /** Poles within reach of the sighting's start points, with their distance to the nearest one. */
  #markPolesAtSighting(starts: readonly Start[]): void {
    const s = this.#scratch;
    for (const start of starts) {
      const edge = start.state >> 1;
      const at = this.#geometry.directedPointAt(edge, (start.state & 1) === 1, start.alongM);
      for (let i = this.#attStart[edge]!; i < this.#attStart[edge + 1]!; i++) {
        const pole = this.#attPole[i]!;
        const d = distanceM(at.lat, at.lon, this.#poleLat[pole]!, this.#poleLon[pole]!);
        if (s.nearStamp[pole] !== s.epoch || d < s.nearStart[pole]!) {
          s.nearStamp[pole] = s.epoch;
          s.nearStart[pole] = d;
        }
      }
    }
  }

  #recordChunk(state: number, a0: number, t0: number, mass: number): void {
    const s = this.#scratch;
    if (4 * (s.chunkCount + 1) > s.chunks.length) {
      const grown = new Float64Array(s.chunks.length * 2);
      grown.set(s.chunks);
      s.chunks = grown;
    }
    const at = 4 * s.chunkCount++;
    s.chunks[at] = state;
    s.chunks[at + 1] = a0;
    s.chunks[at + 2] = t0;
    s.chunks[at + 3] = mass;
  }

  /** The cameras of the touched poles, ranked (see the header), best `limit`. */
  #ranked(model: MovementModel, limit: number): PredictedCamera[] {
    const s = this.#scratch;
    const { min: fMin, max: fMax } = model.speed;
    const candidates: Array<{ camera: number; rank: number; probability: number; pole: number }> = [];
    for (const pole of s.touched) {
      const probability = Math.min(1, s.poleProb[pole]!);
      if (probability < MIN_PROBABILITY) continue;
      let rank = s.poleScore[pole]!;
      for (let k = this.#poleCamStart[pole]!; k < this.#poleCamStart[pole + 1]!; k++) {
        candidates.push({ camera: this.#poleCams[k]!, rank, probability, pole });
        rank *= POLE_MATE_RANK;
      }
    }
    candidates.sort((a, b) => b.rank - a.rank || b.probability - a.probability || s.poleCost[a.pole]! - s.poleCost[b.pole]! || a.camera - b.camera);
    return candidates.slice(0, limit).map(({ camera, probability, pole }) => {
      const c = this.#cameras[camera]!;
      const cost = s.poleCost[pole]!;
      return {
        cameraId: c.id,
        district: c.district.code,
        probability: Math.round(probability * 1000) / 1000,
        etaMinS: Math.round(cost / fMax),
        etaMaxS: Math.round(cost / fMin),
        distanceM: Math.round(s.poleDist[pole]!)
      };
    });
  }

  /** Where the target may be now: the parts of the chunks' roads between the slowest and fastest positions. */
  #reach(starts: readonly Start[], model: MovementModel, elapsedS: number): Prediction['reach'] {
    const round = ([lon, lat]: LonLat): [number, number] => [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
    if (elapsedS === 0) {
      return starts.map((start) => {
        const p = this.#geometry.directedPointAt(start.state >> 1, (start.state & 1) === 1, start.alongM);
        return { path: [round([p.lon, p.lat])], weight: Math.round(start.mass * 1000) / 1000 };
      });
    }
    const { min: fMin, max: fMax } = model.speed;
    const lo = elapsedS * fMin;
    const hi = elapsedS * fMax;
    // Per state: the union of its pieces' intervals (along, metres) and their summed weight.
    const pieces = new Map<number, { from: number; to: number; weight: number }>();
    const { chunks, chunkCount } = this.#scratch;
    for (let i = 0; i < 4 * chunkCount; i += 4) {
      const state = chunks[i]!;
      const a0 = chunks[i + 1]!;
      const t0 = chunks[i + 2]!;
      const mass = chunks[i + 3]!;
      const len = this.#geometry.lengthM(state >> 1);
      const cost = model.cost(state) * (len > 0 ? (len - a0) / len : 0);
      const from = Math.max(lo, t0);
      const to = Math.min(hi, t0 + cost);
      if (!(to > from) || cost <= 0) continue;
      const weight = (mass * (to - from)) / (hi - lo);
      const perCost = (len - a0) / cost;
      const piece = { from: a0 + (from - t0) * perCost, to: a0 + (to - t0) * perCost, weight };
      const known = pieces.get(state);
      if (known) {
        known.from = Math.min(known.from, piece.from);
        known.to = Math.max(known.to, piece.to);
        known.weight += weight;
      } else pieces.set(state, piece);
    }
    return [...pieces.entries()]
      .filter(([, p]) => p.weight >= MIN_REACH_WEIGHT)
      .sort((a, b) => b[1].weight - a[1].weight)
      .slice(0, MAX_REACH_PIECES)
      .map(([state, p]) => ({ path: this.#geometry.directedSlice(state >> 1, (state & 1) === 1, p.from, p.to).map(round), weight: Math.round(Math.min(1, p.weight) * 1000) / 1000 }));
  }
}

/** Fraction of the speed range [fMin, fMax] that brings the target to cost c within (elapsed, elapsed + horizon]. */
function inWindow(c: number, fMin: number, fMax: number, elapsedS: number, horizonS: number): number {
  const lo = Math.max(fMin, c / (elapsedS + horizonS));
  const hi = elapsedS > 0 ? Math.min(fMax, c / elapsedS) : fMax;
  return hi > lo ? (hi - lo) / (fMax - fMin) : 0;
}

/** How much a start's direction agrees with the reported heading (unknown heading: all alike). */
function headingWeight(headingDeg: number | null, bearing: number): number {
  if (headingDeg === null) return 1;
  const off = angleBetweenDeg(headingDeg, bearing);
  return 0.03 + Math.exp(-((off / 35) ** 2));
}

function checkAnchor(anchor: PursuitAnchor): void {
  const { lat, lon, at, headingDeg, target } = anchor;
  if (!(Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new RangeError('anchor: invalid position');
  if (!Number.isFinite(at)) throw new RangeError('anchor: invalid time');
  if (headingDeg !== null && !Number.isFinite(headingDeg)) throw new RangeError('anchor: invalid heading');
  if (target !== 'vehicle' && target !== 'foot') throw new RangeError('anchor: unknown target kind');
}

function positive(value: number, name: string): number {
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a positive number`);
  return value;
}
