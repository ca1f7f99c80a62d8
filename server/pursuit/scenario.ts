/**
 * The pursuit scenario (development only): a simulated vehicle with a freshly watchlisted plate
 * drives from 강남구 across the district border into 서초구; the LPR reads it
 * passes are signed and POSTed like a real LPR system's, so its hits anchor a pursuit for
 * 강남경찰서 and move the corridor grant into 서초 — no request to 서초. The one owner of the
 * vehicle it starts; close() stops it. Never composed in production (the hub has no dev LPR
 * system there), so its route answers 404.
 */
import { json, parse } from '../api.ts';
import { principalFromClaims } from '../auth/principal.ts';
import type { ApiRoute } from '../http.ts';
import type { Lpr } from '../lpr/lpr.ts';
import { startVehicle, type Vehicle, type VehicleWorld } from '../lpr/sim/vehicle.ts';
import type { Logger } from '../log.ts';
import { HubError } from '../protocol/errors.ts';
import { pursuitScenarioRequestSchema, type PursuitScenarioState } from '../protocol/pursuit.ts';
import type { Pursuits } from './pursuits.ts';

/**
 * From 강남구 near 신사역 across 강남대로 into 서초구 toward 반포: on the demo's synthetic Seoul
 * registry (seed 20240112, 68,000 cameras) the fastest route passes 4 plate-reading cameras in
 * 강남 in its first minute and 6 in 서초 after (≈190 s at road speeds). Another registry may pass
 * fewer: the state's `passes` says how many.
 */
export const SCENARIO_FROM = { lat: 37.516044, lon: 127.025222 };
export const SCENARIO_TO = { lat: 37.502363, lon: 127.013158 };
/** The agency whose supervisor the scenario lists the plate as (the 강남 police, who pursue it). */
const SCENARIO_AGENCY = 'gangnam-police';
/** 강남구: where the first hits must fall for 강남경찰서 to pursue. */
const SCENARIO_DISTRICT = '11680';
const WATCH_MS = 3600_000;

export interface PursuitScenarioDeps {
  world: VehicleWorld;
  /** The hub's own URL (known once it listens): the vehicle's reads come in the front door. */
  hubUrl: () => string;
  lpr: Pick<Lpr, 'addWatch'>;
  pursuits: Pick<Pursuits, 'pursuing'>;
  log: Logger;
}

export class PursuitScenario {
  readonly #deps: PursuitScenarioDeps;
  #run: { vehicle: Vehicle; plate: string; startedAt: number; speedFactor: number; done: boolean } | undefined;
  #closed = false;

  constructor(deps: PursuitScenarioDeps) {
    this.#deps = deps;
  }

  state(): PursuitScenarioState {
    const run = this.#run;
    if (!run) return { running: false, plate: null, pursuitId: null, startedAt: null, route: null, etaS: null, passes: null };
    return {
      running: !run.done,
      plate: run.plate,
      pursuitId: this.#deps.pursuits.pursuing(run.plate)[0] ?? null,
      startedAt: run.startedAt,
      route: run.vehicle.route.polyline.map(([lon, lat]) => [lon, lat]),
      etaS: run.vehicle.route.etaS / run.speedFactor,
      passes: run.vehicle.passes.map((pass) => ({ cameraId: pass.camera.id, district: pass.camera.district.code, atS: pass.offsetS / run.speedFactor }))
    };
  }

  /** Starts a new run (a new plate, a new pursuit); a run still driving is answered as it is. */
  async start(speedFactor = 1): Promise<PursuitScenarioState> {
    if (this.#closed) throw new HubError('SHUTTING_DOWN', '허브가 종료 중입니다 (hub shutting down)');
    if (this.#run && !this.#run.done) return this.state();
    const plate = randomPlate();
    await this.#deps.lpr.addWatch(scenarioSupervisor(), { plate, reason: '추적 시나리오 (pursuit scenario)', expiresAt: Date.now() + WATCH_MS });
    if (this.#closed) throw new HubError('SHUTTING_DOWN', '허브가 종료 중입니다 (hub shutting down)');
    const vehicle = startVehicle(this.#deps.world, {
      hubUrl: this.#deps.hubUrl(),
      plate,
      from: SCENARIO_FROM,
      to: SCENARIO_TO,
      speedFactor,
      onRead: ({ read, status }) => this.#deps.log.info('scenario read', { camera: read.cameraId, status })
    });
    const run = { vehicle, plate, startedAt: Date.now(), speedFactor, done: false };
    this.#run = run;
    void vehicle.done.then(() => (run.done = true));
    this.#deps.log.info('pursuit scenario started', { passes: vehicle.passes.length, etaS: Math.round(vehicle.route.etaS / speedFactor) });
    if (!vehicle.passes.some((pass) => pass.camera.district.code === SCENARIO_DISTRICT)) {
      this.#deps.log.warn('the scenario route passes no plate-reading camera in 강남구: no pursuit will be anchored', { passes: vehicle.passes.length });
    }
    return this.state();
  }

  close(): void {
    this.#closed = true;
    this.#run?.vehicle.stop();
  }
}

/** `GET`/`POST /api/dev/pursuit-scenario` (development only; see PursuitScenarioState). */
export function scenarioRoutes(scenario: PursuitScenario): ApiRoute[] {
  return [
    { method: 'GET', path: /^\/api\/dev\/pursuit-scenario$/, handle: () => json(200, scenario.state()) },
    {
      method: 'POST',
      path: /^\/api\/dev\/pursuit-scenario$/,
      handle: async ({ body }) => json(200, await scenario.start(parse(pursuitScenarioRequestSchema, body ?? {}).speedFactor))
    }
  ];
}

/** Whom the scenario lists the plate as: a 강남 police supervisor account of the scenario's own (on the record as such). */
function scenarioSupervisor() {
  return principalFromClaims('scenario', {
    sub: 'scenario:pursuit',
    name: '추적 시나리오 (pursuit scenario)',
    agency: SCENARIO_AGENCY,
    role: 'supervisor',
    purpose: 'emergency-112',
    scope: { districts: [], cameras: [] },
    exp: Math.floor(Date.now() / 1000) + 60
  });
}

/** A plate no real run used before (12가3456 style). */
function randomPlate(): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
  return `${digits(2)}가${digits(4)}`;
}
