/**
 * The vehicle simulator (development and tests): drives a car along the hub's road network from
 * A to B at road-class speeds and, at the moment it passes each plate-reading camera (교통단속,
 * within `passRadiusM` of its path), POSTs a read signed by the development LPR system to the
 * hub's `/api/lpr/reads` — the same way in as a real LPR system's.
 *
 * `planVehicle` is the pure part (route, passes and when); `startVehicle` owns the timers that
 * send them, cleared by `stop()`.
 */
import { pointsAlongRoute } from '../../routing/corridor.ts';
import { bearingDeg } from '../../geo/geometry.ts';
import type { LatLon, LonLat } from '../../routing/geo.ts';
import type { Router, RouteResult } from '../../routing/router.ts';
import type { RegistryCamera } from '../../cameras/registry.ts';
import type { LprIngestResponse, LprReadInput } from '../../protocol/lpr.ts';
import type { WireError } from '../../protocol/errors.ts';
import type { LprSigner } from './dev-system.ts';

/** What the simulator drives on and past: the hub's road network, its plate-reading cameras, and the key it signs with. */
export interface VehicleWorld {
  router: Router;
  cameras: readonly RegistryCamera[];
  signer: LprSigner;
}

/** The category of cameras that read plates. */
export const LPR_CATEGORY = '교통단속';
/** A camera reads the plate of a car passing within this distance. */
export const DEFAULT_PASS_RADIUS_M = 25;

export interface VehiclePass {
  camera: RegistryCamera;
  /** Distance along the route, metres. */
  alongM: number;
  /** Seconds after the start at road-class speeds (before `speedFactor`). */
  offsetS: number;
  /** The car's heading there, degrees clockwise from north. */
  headingDeg: number;
}

export interface VehiclePlan {
  route: RouteResult;
  passes: VehiclePass[];
}

/** The fastest route from `from` to `to` and the plate-reading cameras it passes, in order. */
export function planVehicle(world: Pick<VehicleWorld, 'router' | 'cameras'>, from: LatLon, to: LatLon, passRadiusM = DEFAULT_PASS_RADIUS_M): VehiclePlan {
  const route = world.router.route(from, to);
  const points = world.cameras.filter((c) => c.category === LPR_CATEGORY).map((camera) => ({ id: camera.id, lat: camera.location.lat, lon: camera.location.lon, camera }));
  const timeAt = travelClock(world.router, route);
  const passes = pointsAlongRoute(route.polyline, points, { halfWidthM: passRadiusM }).map((hit) => ({
    camera: hit.point.camera,
    alongM: hit.alongM,
    offsetS: timeAt(hit.alongM),
    headingDeg: heading(route.polyline, hit.segmentIndex)
  }));
  return { route, passes };
}

export interface VehicleOptions {
  hubUrl: string;
  plate: string;
  from: LatLon;
  to: LatLon;
  /** 1: road-class speeds; 10: ten times faster (tests). Default 1. */
  speedFactor?: number;
  passRadiusM?: number;
  /** After each read is posted: what the hub answered. */
  onRead?: (read: SentRead) => void;
}

export interface SentRead {
  pass: VehiclePass;
  read: LprReadInput;
  status: number;
  answer: LprIngestResponse | { error: WireError };
}

export interface Vehicle extends VehiclePlan {
  /** Resolves when the last read was answered (or at stop()). */
  done: Promise<void>;
  stop(): void;
}

/** Starts driving now: each pass's read is sent when the car gets there. */
export function startVehicle(world: VehicleWorld, options: VehicleOptions): Vehicle {
  const plan = planVehicle(world, options.from, options.to, options.passRadiusM);
  const speedFactor = options.speedFactor ?? 1;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const timers = new Set<NodeJS.Timeout>();
  let pending = plan.passes.length;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  if (pending === 0) finish();
  const settled = () => {
    if (--pending === 0) finish();
  };
  plan.passes.forEach((pass, i) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const read: LprReadInput = {
        readId: `sim-${run}-${i}`,
        plate: options.plate,
        cameraId: pass.camera.id,
        at: Date.now(),
        direction: Math.round(pass.headingDeg),
        confidence: 0.97
      };
      void post(options.hubUrl, world.signer, read).then(
        ({ status, answer }) => options.onRead?.({ pass, read, status, answer }),
        (error: Error) => options.onRead?.({ pass, read, status: 0, answer: { error: { code: 'INTERNAL', message: error.message } } })
      ).finally(settled);
    }, (pass.offsetS * 1000) / speedFactor);
    timers.add(timer);
  });
  return {
    ...plan,
    done,
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      finish();
    }
  };
}

async function post(hubUrl: string, signer: LprSigner, read: LprReadInput): Promise<{ status: number; answer: SentRead['answer'] }> {
  const response = await fetch(`${hubUrl}/api/lpr/reads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await signer.sign()}`, 'content-type': 'application/json' },
    body: JSON.stringify(read)
  });
  return { status: response.status, answer: (await response.json()) as SentRead['answer'] };
}

/** The direction of travel on segment i of the polyline (0 for a zero-length one). */
function heading(polyline: readonly LonLat[], i: number): number {
  const [lon1, lat1] = polyline[i]!;
  const [lon2, lat2] = polyline[Math.min(i + 1, polyline.length - 1)]!;
  const deg = bearingDeg(lat1, lon1, lat2, lon2);
  return Number.isNaN(deg) ? 0 : deg;
}

/** Seconds from the start of the route to a distance along it, at each edge's free-flow speed. */
function travelClock(router: Router, route: RouteResult): (alongM: number) => number {
  const { graph } = router;
  const lengths = route.edgeIds.map((e) => graph.edgeLengthM[e]!);
  const total = lengths.reduce((s, l) => s + l, 0);
  // The polyline's length and the edges' may differ by rounding: scale one onto the other.
  const scale = route.lengthM > 0 && total > 0 ? total / route.lengthM : 1;
  return (alongM) => {
    let left = alongM * scale;
    let seconds = 0;
    for (const [i, edge] of route.edgeIds.entries()) {
      const length = lengths[i]!;
      const time = graph.edgeFreeFlowS[edge]!;
      if (left <= length) return seconds + (length > 0 ? (left / length) * time : 0);
      left -= length;
      seconds += time;
    }
    return seconds;
  };
}
