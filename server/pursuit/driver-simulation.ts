/**
 * Brute-force ground truth for the pursuit predictor (tests and benchmark, not the hub): one
 * simulated driver (or walker) at a time, drawn from the same movement model — a random speed in
 * the range, a random turn at every junction — driving from a camera; the cameras it then passes
 * are found independently of the predictor, with the corridor search over the path it drove
 * (`pointsAlongRoute`, the same width the predictor attaches cameras with).
 *
 * Also cameras for a city that has none in the registry (Göteborg): poles scattered along its
 * roads and around them.
 */
import { distanceM, M_PER_DEG } from '../geo/geometry.ts';
import { pointsAlongRoute } from '../routing/corridor.ts';
import type { LonLat } from '../routing/geo.ts';
import type { RoadGraph } from '../routing/road-graph.ts';
import { EdgeGeometry } from './edge-geometry.ts';
import { MAX_BRANCHES, MovementModel, startRoadWeight, type TargetKind } from './movement-model.ts';
import type { PredictableCamera, PursuitAnchor } from './prediction.ts';

export interface DriverWorld<C extends PredictableCamera> {
  graph: RoadGraph;
  geometry: EdgeGeometry;
  models: Record<TargetKind, MovementModel>;
  cameras: readonly C[];
  /** Corridor points of the cameras (built once). */
  points: Array<{ id: string; lat: number; lon: number; index: number }>;
  attachRadiusM: number;
}

export function driverWorld<C extends PredictableCamera>(graph: RoadGraph, cameras: readonly C[], attachRadiusM = 30): DriverWorld<C> {
  const geometry = new EdgeGeometry(graph);
  return {
    graph,
    geometry,
    models: { vehicle: new MovementModel(graph, geometry, 'vehicle'), foot: new MovementModel(graph, geometry, 'foot') },
    cameras,
    points: cameras.map((c, index) => ({ id: c.id, lat: c.location.lat, lon: c.location.lon, index })),
    attachRadiusM
  };
}

export interface DriverRun {
  /** The sighting: the starting camera's position, the true direction of travel, time 0. */
  anchor: PursuitAnchor;
  /** The camera the run started from. */
  startCameraId: string;
  speed: number;
  /** Cameras passed after the start, in order: all cameras of one position together. */
  passes: Array<{ cameraIds: string[]; atS: number; alongM: number }>;
}

/**
 * One run: a random camera standing by a road, a road beside it (drawn with the model's start
 * weights; `startRoad: 'any'`: any road within the attachment radius, a harder test than the
 * model's), a random direction on it, a random speed, random turns; driven for `durationS` seconds.
 */
export function simulateDriver<C extends PredictableCamera>(
  world: DriverWorld<C>,
  random: () => number,
  target: TargetKind,
  durationS: number,
  options: { startRoad?: 'model' | 'any' } = {}
): DriverRun {
  const { geometry, cameras } = world;
  const model = world.models[target];
  let start: { camera: C; state: number; alongM: number } | null = null;
  while (!start) {
    const camera = cameras[Math.floor(random() * cameras.length)]!;
    const near = geometry.near(camera.location.lat, camera.location.lon, world.attachRadiusM);
    if (near.length === 0) continue;
    const hit = options.startRoad === 'any' ? near[Math.floor(random() * near.length)]! : pick(near, (h) => startRoadWeight(h.distanceM, near[0]!.distanceM), random);
    const ways: Array<[number, number]> = [[2 * hit.edge, hit.alongM]];
    const back = model.reverse(2 * hit.edge);
    if (back !== -1) ways.push([back, geometry.lengthM(hit.edge) - hit.alongM]);
    const [state, alongM] = ways[Math.floor(random() * ways.length)]!;
    if (model.allowed(state)) start = { camera, state, alongM };
  }
  const speed = model.speed.min + random() * (model.speed.max - model.speed.min);
  const startPoint = geometry.directedPointAt(start.state >> 1, (start.state & 1) === 1, start.alongM);

  // Drive: the path's positions with the time each is reached.
  const path: LonLat[] = [];
  const pathAlong: number[] = [];
  const pathTime: number[] = [];
  const outState = new Int32Array(MAX_BRANCHES);
  const outP = new Float64Array(MAX_BRANCHES);
  let state = start.state;
  let from = start.alongM;
  let along = 0;
  let time = 0;
  while (time < durationS) {
    const len = geometry.lengthM(state >> 1);
    const piece = geometry.directedSlice(state >> 1, (state & 1) === 1, from, len);
    const secondsPerM = len > 0 ? model.cost(state) / len / speed : 0;
    for (let i = 0; i < piece.length; i++) {
      if (i > 0 || path.length === 0) {
        const prev = path.at(-1);
        const step = prev ? distanceM(prev[1], prev[0], piece[i]![1], piece[i]![0]) : 0;
        along += step;
        time += step * secondsPerM;
        path.push(piece[i]!);
        pathAlong.push(along);
        pathTime.push(time);
      }
    }
    const n = model.next(state, outState, outP);
    if (n === 0) break;
    let u = random();
    let j = 0;
    while (j < n - 1 && u >= outP[j]!) u -= outP[j++]!;
    state = outState[j]!;
    from = 0;
  }

  const passes: DriverRun['passes'] = [];
  const { lat, lon } = start.camera.location;
  for (const hit of pointsAlongRoute(path, world.points, { halfWidthM: world.attachRadiusM })) {
    // The cameras where it was seen are not "next", even when a later road passes nearer to them.
    if (hit.alongM <= 1 || (hit.point.lat === lat && hit.point.lon === lon)) continue;
    const atS = timeAt(pathAlong, pathTime, hit.alongM);
    if (atS > durationS) break;
    const last = passes.at(-1);
    const cameraId = cameras[hit.point.index]!.id;
    if (last && Math.abs(last.alongM - hit.alongM) < 0.5) last.cameraIds.push(cameraId);
    else passes.push({ cameraIds: [cameraId], atS, alongM: hit.alongM });
  }
  return {
    anchor: { lat, lon, at: 0, headingDeg: startPoint.bearingDeg, target },
    startCameraId: start.camera.id,
    speed,
    passes
  };
}

/** Poles of 1–3 cameras: most beside the roads (within 25 m), the rest anywhere in the roads' box. */
export function scatterCameras(graph: RoadGraph, random: () => number, poles: number, district = 'synthetic'): PredictableCamera[] {
  const geometry = new EdgeGeometry(graph);
  const cumulative = new Float64Array(graph.edgeCount);
  let total = 0;
  for (let e = 0; e < graph.edgeCount; e++) cumulative[e] = total += geometry.lengthM(e);
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  for (let n = 0; n < graph.nodeCount; n++) {
    minLat = Math.min(minLat, graph.nodeLat[n]!);
    maxLat = Math.max(maxLat, graph.nodeLat[n]!);
    minLon = Math.min(minLon, graph.nodeLon[n]!);
    maxLon = Math.max(maxLon, graph.nodeLon[n]!);
  }
  const cameras: PredictableCamera[] = [];
  for (let p = 0; p < poles; p++) {
    let lat: number;
    let lon: number;
    if (random() < 0.8) {
      const target = random() * total;
      let lo = 0;
      let hi = graph.edgeCount - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      const at = geometry.pointAt(lo, random() * geometry.lengthM(lo));
      const side = (random() * 2 - 1) * 25;
      const across = ((at.bearingDeg + 90) * Math.PI) / 180;
      lat = at.lat + (side * Math.cos(across)) / M_PER_DEG;
      lon = at.lon + (side * Math.sin(across)) / (M_PER_DEG * Math.cos((at.lat * Math.PI) / 180));
    } else {
      lat = minLat + random() * (maxLat - minLat);
      lon = minLon + random() * (maxLon - minLon);
    }
    const count = 1 + Math.floor(random() * 3);
    for (let k = 0; k < count; k++) cameras.push({ id: `${district}-${p}-${k}`, location: { lat, lon }, district: { code: district }, facingDeg: Math.floor(random() * 360) });
  }
  return cameras;
}

/** One item, drawn with probability proportional to its weight. */
function pick<T>(items: readonly T[], weight: (item: T) => number, random: () => number): T {
  const weights = items.map(weight);
  let u = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length - 1; i++) {
    if (u < weights[i]!) return items[i]!;
    u -= weights[i]!;
  }
  return items.at(-1)!;
}

/** Time at a distance along the path (linear between positions). */
function timeAt(along: readonly number[], time: readonly number[], at: number): number {
  let lo = 0;
  let hi = along.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (along[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  const next = Math.min(lo + 1, along.length - 1);
  const span = along[next]! - along[lo]!;
  return span > 0 ? time[lo]! + ((at - along[lo]!) / span) * (time[next]! - time[lo]!) : time[lo]!;
}
