/**
 * The pursuit domain: a pursuit (추적) belongs to an incident and follows one target — opened
 * from the board by a police operator, by a CAD system, or anchored by a wanted-vehicle (LPR)
 * hit. Each sighting re-anchors the prediction; while the pursuit is open, one timer of its own
 * re-predicts every few seconds as time passes, and the pursuing agency holds a corridor grant
 * over the predicted next cameras in any 구, bounded by its pursuit rules (no request to each
 * district, no supervisor step: the pursuit is the authority, and it is audited). Closing ends
 * the timer, the grant and — when it was opened for the pursuit — the incident.
 *
 * The one owner of the pursuits' timers; the grants are the ledger's (server/incidents/grants.ts).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { AuditInput } from '../audit/types.ts';
import { corridorCameras, rulePursuit, type PursuitRules } from '../auth/grant-policy.ts';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Grant } from '../auth/scope.ts';
import type { CameraRegistry, RegistryCamera } from '../cameras/registry.ts';
import { haversineM } from '../geo/geometry.ts';
import { incidentClosed, incidentNotFound, type Incidents } from '../incidents/incidents.ts';
import type { Logger } from '../log.ts';
import { HubError } from '../protocol/errors.ts';
import type { Purpose } from '../protocol/events.ts';
import type { Incident } from '../protocol/incidents.ts';
import type { openPursuitSchema, PursuitChangedEvent, PursuitTarget, sightingRequestSchema, SightingSource } from '../protocol/pursuit.ts';
import type { Prediction, PursuitPredictor } from './prediction.ts';
import { type PursuitRecord, type PursuitStore, type SightingRecord } from './store.ts';

/** What the pursuit asks of the predictor. */
export type Predictor = Pick<PursuitPredictor, 'predict' | 'roadsLeaving'>;

export type OpenPursuit = z.output<typeof openPursuitSchema>;
export type SightingInput = z.output<typeof sightingRequestSchema>;

/** Who acts: a person's token, a CAD account, or an LPR system acting for the police agency of the area. */
export interface Actor {
  agency: string;
  subject: string;
  purpose: Purpose | undefined;
}

/** A wanted-vehicle hit, as the pursuit takes it (plate whole). */
export interface PursuitHit {
  system: string;
  readId: string;
  plate: string;
  cameraId: string;
  at: number;
  headingDeg: number | null;
  confidence: number;
  imageRef: string | null;
}

/** An open pursuit's latest prediction, as computed. */
export interface ComputedPrediction {
  anchor: SightingRecord;
  computedAt: number;
  prediction: Prediction;
}

/** Everything the wire view of a pursuit is made of (server/pursuit/view.ts). */
export interface PursuitSnapshot {
  record: PursuitRecord;
  track: SightingRecord[];
  prediction: ComputedPrediction | null;
  /** The corridor grant in force, with when the ledger first issued it and the cameras it covers only for its overlap. */
  grant: (Grant & { issuedAt: number; overlap: readonly string[] }) | null;
}

type Events = {
  'pursuit:changed': [snapshot: PursuitSnapshot, change: PursuitChangedEvent['change']];
};

export interface PursuitsDeps {
  store: PursuitStore;
  incidents: Incidents;
  policies: AgencyPolicies;
  registry: Pick<CameraRegistry, 'get'>;
  /** Whether the principal is a trusted source (a CAD system's account; server/auth/grant-policy.ts). */
  trustedSource: (principal: Principal) => boolean;
  /** Built on first use (the road network and the camera attachment take a moment). */
  predictor: () => Predictor;
  /** Records that gate nothing (opened, sighted, closed): written with the audit writer's next group. */
  record: (input: AuditInput) => void;
  log: Logger;
  /** How often an open pursuit re-predicts as time passes. Default 3 s. */
  intervalMs?: number;
  now?: () => number;
}

/** How far back a sighting may be recorded, and how far ahead of the hub's clock (skew). */
const MAX_SIGHTING_AGE_MS = 30 * 60_000;
const MAX_SIGHTING_AHEAD_MS = 5_000;
/** Predicted cameras listed (the corridor grant takes at most its rules' count of them). */
const PREDICTION_LIMIT = 16;
/** A corridor grant is renewed once less than this share of its ttl is left. */
const RENEW_AT = 0.5;

interface Live {
  record: PursuitRecord;
  timer: NodeJS.Timeout;
  prediction: ComputedPrediction | null;
  /** What was last published, prediction and grant (publish only on change). */
  published: { prediction: string; grant: string };
}

export class Pursuits extends EventEmitter<Events> {
  readonly #deps: Required<PursuitsDeps>;
  readonly #live = new Map<string, Live>();
  readonly #onIncidentClosed = (incident: Incident) => {
    for (const live of [...this.#live.values()]) if (live.record.incidentId === incident.id) this.#close(live, incident.openedBy, 'incident-closed');
  };

  constructor(deps: PursuitsDeps) {
    super();
    this.#deps = { intervalMs: 3000, now: Date.now, ...deps };
    deps.incidents.on('incident:closed', this.#onIncidentClosed);
    // Open pursuits resume after a restart: their prediction (at once: the hub starts with it), timer and corridor grant.
    for (const record of deps.store.open()) this.#tick(this.#start(record), 'prediction', true);
  }

  /** Opens a pursuit on a first sighting at a camera `canSee` allows the opener (its scope, or a grant). */
  open(principal: Principal, input: OpenPursuit, canSee: (camera: RegistryCamera) => boolean): { snapshot: PursuitSnapshot; created: boolean } {
    const actor: Actor = { agency: principal.agency.id, subject: principal.subject, purpose: principal.purpose };
    if (input.externalRef !== undefined) {
      const existing = this.#deps.store.openByRef(actor.agency, input.externalRef);
      if (existing) return { snapshot: this.snapshot(existing.id)!, created: false };
    }
    const camera = this.#visibleCamera(input.sighting.cameraId, canSee);
    const rules = this.#rules(actor, camera);
    let incident: Incident | undefined;
    if (input.incidentId !== undefined) {
      incident = this.#deps.incidents.get(input.incidentId);
      if (!incident || incident.agency !== actor.agency) throw incidentNotFound();
      if (incident.status !== 'open') throw incidentClosed();
    }
    const record = this.#create(actor, { target: input.target, camera, incident, externalRef: input.externalRef ?? null, rules });
    this.#sight(record, camera, { ...input.sighting, source: this.#deps.trustedSource(principal) ? 'cad' : 'operator', by: actor.subject });
    return { snapshot: this.#started(record), created: true };
  }

  /** A sighting (목격) recorded by an operator (or CAD) of the pursuing agency: it re-anchors the prediction. */
  sight(principal: Principal, pursuitId: string, input: SightingInput, canSee: (camera: RegistryCamera) => boolean): PursuitSnapshot {
    const live = this.#ownOpen(principal.agency.id, pursuitId);
    const camera = this.#visibleCamera(input.cameraId, canSee);
    if (input.target) {
      live.record = { ...live.record, target: input.target };
      this.#deps.store.setTarget(live.record.id, input.target);
    }
    this.#sight(live.record, camera, { ...input, source: this.#deps.trustedSource(principal) ? 'cad' : 'operator', by: principal.subject });
    this.#recompute(live, 'sighting', true);
    return this.snapshot(pursuitId)!;
  }

  /**
   * A wanted-vehicle hit: a sighting of every open pursuit of that plate; when there is none, a
   * pursuit is opened for the police agency whose pursuit jurisdiction holds the camera's 구.
   * Returns the pursuits it anchored (none when no agency pursues there).
   */
  anchorHit(hit: PursuitHit): string[] {
    const camera = this.#deps.registry.get(hit.cameraId);
    if (!camera) return [];
    const sighting = { cameraId: camera.id, at: hit.at, headingDeg: hit.headingDeg, source: 'lpr' as const, by: hit.system, lpr: { readId: hit.readId, plate: hit.plate, confidence: hit.confidence, imageRef: hit.imageRef } };
    const pursuing = this.#deps.store.openByPlate(hit.plate);
    if (pursuing.length > 0) {
      for (const record of pursuing) {
        const live = this.#live.get(record.id);
        if (!live) continue;
        this.#sight(live.record, camera, sighting);
        this.#recompute(live, 'sighting', true);
      }
      return pursuing.map((p) => p.id);
    }
    const agency = this.#pursuerOf(camera.district.code);
    if (!agency) return [];
    const actor: Actor = { agency: agency.id, subject: `lpr:${hit.system}`, purpose: agency.rules.purposes[0] };
    const rules = this.#rules(actor, camera);
    const record = this.#create(actor, { target: { kind: 'vehicle', plate: hit.plate }, camera, incident: undefined, externalRef: null, rules });
    this.#sight(record, camera, sighting);
    this.#started(record);
    return [record.id];
  }

  close(principal: Principal, pursuitId: string): PursuitSnapshot {
    const live = this.#ownOpen(principal.agency.id, pursuitId);
    this.#close(live, principal.subject, 'closed');
    return this.snapshot(pursuitId)!;
  }

  /** The open pursuits of a vehicle with this plate. */
  pursuing(plate: string): string[] {
    return this.#deps.store.openByPlate(plate).map((record) => record.id);
  }

  /** The roads a target can leave a camera by, for choosing a sighting's direction of travel. */
  roadsLeaving(camera: RegistryCamera): Array<{ headingDeg: number; name: string | null }> {
    return this.#deps.predictor().roadsLeaving(camera.location.lat, camera.location.lon);
  }

  /** The pursuit of `agency` (its own only), or PURSUIT_NOT_FOUND. */
  ofAgency(agency: string, pursuitId: string): PursuitSnapshot {
    const record = this.#deps.store.get(pursuitId);
    if (!record || record.agency !== agency) throw pursuitNotFound();
    return this.snapshot(pursuitId)!;
  }

  list(agency: string, status: PursuitRecord['status'] | 'all', limit: number): PursuitSnapshot[] {
    return this.#deps.store.list(agency, status, limit).map((record) => this.snapshot(record.id)!);
  }

  snapshot(pursuitId: string): PursuitSnapshot | undefined {
    const live = this.#live.get(pursuitId);
    const record = live?.record ?? this.#deps.store.get(pursuitId);
    if (!record) return undefined;
    const { grants } = this.#deps.incidents;
    const inForce = live && grants.ofPursuit(pursuitId);
    const grant = inForce ? { ...inForce, issuedAt: grants.record(inForce.id)?.requestedAt ?? record.openedAt, overlap: [...grants.overlapOf(inForce.id).keys()] } : null;
    return { record, track: this.#deps.store.sightings(pursuitId), prediction: live?.prediction ?? null, grant };
  }

  /** Stops every timer; pursuits stay open in the store (they resume at the next start), grants with the ledger. */
  dispose(): void {
    for (const live of this.#live.values()) clearInterval(live.timer);
    this.#live.clear();
    this.#deps.incidents.off('incident:closed', this.#onIncidentClosed);
    this.removeAllListeners();
  }

  #create(actor: Actor, what: { target: PursuitTarget; camera: RegistryCamera; incident: Incident | undefined; externalRef: string | null; rules: PursuitRules }): PursuitRecord {
    const incident =
      what.incident ??
      this.#deps.incidents.openBare(actor, {
        type: '추적',
        location: what.camera.location,
        address: what.camera.name,
        description: `추적 (pursuit): ${describeTarget(what.target)}`
      });
    const record: PursuitRecord = {
      id: `pur-${randomUUID()}`,
      incidentId: incident.id,
      agency: actor.agency,
      status: 'open',
      target: what.target,
      openedBy: actor.subject,
      openedAt: this.#deps.now(),
      closedAt: null,
      closedBy: null,
      externalRef: what.externalRef,
      ownIncident: what.incident === undefined
    };
    this.#deps.store.insert(record);
    this.#deps.record({
      action: 'pursuit.opened', outcome: 'info', agency: actor.agency, subject: actor.subject, incidentId: incident.id, ...(actor.purpose ? { purpose: actor.purpose } : {}),
      detail: { pursuitId: record.id, target: what.target.kind, rules: { maxCameras: what.rules.maxCameras, horizonS: what.rules.horizonS, corridorWidthM: what.rules.corridorWidthM, ttlMs: what.rules.ttlMs } }
    });
    return record;
  }

  #sight(record: PursuitRecord, camera: RegistryCamera, input: { at?: number; headingDeg: number | null; note?: string; source: SightingSource; by: string; lpr?: SightingRecord['lpr'] }): void {
    const now = this.#deps.now();
    const at = input.at ?? now;
    if (at > now + MAX_SIGHTING_AHEAD_MS || at < now - MAX_SIGHTING_AGE_MS) {
      throw new HubError('BAD_REQUEST', '목격 시각은 지금부터 30분 전까지입니다 (a sighting is from the last 30 minutes)');
    }
    const sighting: SightingRecord = {
      id: `sig-${randomUUID()}`,
      pursuitId: record.id,
      at,
      cameraId: camera.id,
      location: camera.location,
      headingDeg: input.headingDeg,
      source: input.source,
      by: input.by,
      note: input.note ?? null,
      lpr: input.lpr ?? null
    };
    this.#deps.store.addSighting(sighting);
    this.#deps.record({
      action: 'pursuit.sighting', outcome: 'info', agency: record.agency, subject: input.by, incidentId: record.incidentId, cameraId: camera.id,
      detail: { pursuitId: record.id, sightingId: sighting.id, source: input.source, at, headingDeg: input.headingDeg, ...(input.lpr ? { readId: input.lpr.readId } : {}) }
    });
  }

  /** Starts the pursuit's loop and tells the agency. */
  #started(record: PursuitRecord): PursuitSnapshot {
    const live = this.#start(record);
    this.#recompute(live, 'opened', true);
    return this.snapshot(record.id)!;
  }

  #start(record: PursuitRecord): Live {
    const live: Live = { record, prediction: null, published: { prediction: '', grant: '' }, timer: setInterval(() => this.#tick(live, 'prediction', false), this.#deps.intervalMs) };
    live.timer.unref();
    this.#live.set(record.id, live);
    return live;
  }

  /** A recompute nothing waits on (the timer's, a resumed pursuit's): a failure is logged, never thrown. */
  #tick(live: Live, change: PursuitChangedEvent['change'], force: boolean): void {
    try {
      this.#recompute(live, change, force);
    } catch (error) {
      this.#deps.log.error('pursuit prediction failed', { pursuit: live.record.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * Predicts from the latest sighting, moves the corridor grant with it (issued, reshaped, or
   * renewed before it runs out), and publishes when what the agency sees changed (or `force`).
   */
  #recompute(live: Live, change: PursuitChangedEvent['change'], force: boolean): void {
    const { record } = live;
    const now = this.#deps.now();
    const track = this.#deps.store.sightings(record.id);
    const anchor = track.at(-1);
    if (!anchor) return;
    const rules = this.#deps.policies.pursuitRules(record.agency);
    let prediction: Prediction | null = null;
    try {
      prediction = this.#deps.predictor().predict(
        { lat: anchor.location.lat, lon: anchor.location.lon, at: anchor.at, headingDeg: anchor.headingDeg, target: record.target.kind === 'person' ? 'foot' : 'vehicle' },
        now,
        { limit: Math.max(PREDICTION_LIMIT, (rules?.maxCameras ?? 0) * 2), ...(rules ? { horizonS: rules.horizonS } : {}) }
      );
    } catch (error) {
      this.#deps.log.warn('pursuit not predicted', { pursuit: record.id, error: error instanceof Error ? error.message : String(error) });
    }
    live.prediction = prediction && { anchor, computedAt: now, prediction };
    // A sighting is fresh evidence: the corridor grant is renewed by it even where it does not move.
    const grant = rules ? this.#moveCorridor(live, anchor, prediction, rules, now, change === 'sighting') : null;
    // Windows to the second and probabilities to 5 %: what the board shows.
    const published = {
      prediction: JSON.stringify([anchor.id, prediction?.cameras.map((c) => [c.cameraId, Math.round(c.etaMinS), Math.round(c.etaMaxS), Math.round(c.probability * 20)]) ?? null]),
      grant: JSON.stringify(grant && [grant.id, grant.cameras, grant.expiresAt])
    };
    const grantChanged = published.grant !== live.published.grant;
    if (!force && !grantChanged && published.prediction === live.published.prediction) return;
    live.published = published;
    this.emit('pursuit:changed', this.snapshot(record.id)!, change === 'prediction' && grantChanged ? 'grant' : change);
  }

  #moveCorridor(live: Live, anchor: SightingRecord, prediction: Prediction | null, rules: PursuitRules, now: number, renew: boolean): Grant | null {
    const { record } = live;
    const { grants } = this.#deps.incidents;
    const current = grants.ofPursuit(record.id);
    // What the corridor holds, without the cameras it dropped and covers only for the overlap.
    const overlap = current ? grants.overlapOf(current.id) : new Map<string, number>();
    const corridor = (current?.cameras ?? []).filter((id) => !overlap.has(id));
    const elapsedS = prediction?.elapsedS ?? Math.max(0, (now - anchor.at) / 1000);
    const predicted = (prediction?.cameras ?? []).flatMap((c) => {
      const camera = this.#deps.registry.get(c.cameraId);
      return camera ? [{ ...c, location: camera.location }] : [];
    });
    const cameras = corridorCameras(rules, {
      anchor: { lat: anchor.location.lat, lon: anchor.location.lon, headingDeg: anchor.headingDeg },
      elapsedS,
      predicted,
      pinned: [anchor.cameraId],
      // Held cameras stay while time passes (no flicker); a new sighting moves the corridor outright.
      held: new Set(renew ? [] : corridor)
    });
    const center = anchor.location;
    let radiusM = 50;
    for (const id of cameras) {
      const at = this.#deps.registry.get(id)?.location;
      if (at) radiusM = Math.max(radiusM, Math.ceil(haversineM(center.lat, center.lon, at.lat, at.lon)));
    }
    if (!current) {
      grants.request({
        incidentId: record.incidentId,
        agency: record.agency,
        center,
        radiusM,
        source: PURSUIT_SOURCE,
        requestedBy: record.openedBy,
        ttlMs: rules.ttlMs,
        approved: true,
        corridor: { pursuitId: record.id, cameras }
      });
      return grants.ofPursuit(record.id) ?? null;
    }
    const moved = !sameSet(corridor, cameras);
    if (moved || renew || current.expiresAt - now < rules.ttlMs * RENEW_AT) {
      return grants.reshape(current.id, { cameras, center, radiusM, overlap: { ms: rules.overlapMs, max: rules.maxCameras } }) ?? null;
    }
    return current;
  }

  #close(live: Live, by: string, why: 'closed' | 'incident-closed'): void {
    const { record } = live;
    clearInterval(live.timer);
    this.#live.delete(record.id);
    const now = this.#deps.now();
    this.#deps.store.close(record.id, now, by);
    // The corridor grant ends first (views it alone allowed end as GRANT_ENDED), then the incident opened for the pursuit.
    this.#deps.incidents.grants.endPursuit(record.id);
    this.#deps.record({ action: 'pursuit.closed', outcome: 'info', agency: record.agency, subject: by, incidentId: record.incidentId, detail: { pursuitId: record.id, reason: why } });
    const incident = this.#deps.incidents.get(record.incidentId);
    if (record.ownIncident && incident?.status === 'open') this.#deps.incidents.closeOpen(incident);
    this.emit('pursuit:changed', this.snapshot(record.id)!, 'closed');
  }

  #ownOpen(agency: string, pursuitId: string): Live {
    const record = this.#deps.store.get(pursuitId);
    if (!record || record.agency !== agency) throw pursuitNotFound();
    const live = this.#live.get(pursuitId);
    if (record.status !== 'open' || !live) throw new HubError('PURSUIT_CLOSED', '이미 끝난 추적입니다 (pursuit closed)');
    return live;
  }

  /** The camera, if the caller may see it; an unknown one is answered alike. */
  #visibleCamera(cameraId: string, canSee: (camera: RegistryCamera) => boolean): RegistryCamera {
    const camera = this.#deps.registry.get(cameraId);
    if (!camera || !canSee(camera)) throw new HubError('CAMERA_OUT_OF_SCOPE', '이 카메라를 볼 권한이 없습니다 (camera outside your scope)');
    return camera;
  }

  #rules(actor: Actor, camera: RegistryCamera): PursuitRules {
    const ruling = rulePursuit(this.#deps.policies.pursuitRules(actor.agency), { purpose: actor.purpose, district: camera.district.code, open: this.#deps.store.openCount(actor.agency) });
    if (ruling instanceof HubError) throw ruling;
    return ruling;
  }

  /** The police agency that pursues in this 구: one whose pursuit jurisdiction names it (before a city-wide one). */
  #pursuerOf(district: string): { id: string; rules: PursuitRules } | undefined {
    const pursuers = this.#deps.policies.all().flatMap((policy) => (policy.pursuits ? [{ id: policy.id, rules: policy.pursuits }] : []));
    return pursuers.find((p) => p.rules.jurisdiction.includes(district)) ?? pursuers.find((p) => p.rules.jurisdiction.includes('*'));
  }
}

/** The corridor grant's source in the ledger. */
export const PURSUIT_SOURCE = 'pursuit';

export const pursuitNotFound = () => new HubError('PURSUIT_NOT_FOUND', '추적을 찾을 수 없습니다 (no such pursuit)');

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

function describeTarget(target: PursuitTarget): string {
  if (target.kind === 'person') return target.description ?? '사람 (person)';
  return [target.colour, target.vehicleType, target.description].filter(Boolean).join(' ') || '차량 (vehicle)';
}
