/**
 * Incidents and the grants they mint. Opening an incident gives the responding agency the
 * right to view the cameras within a radius of the scene for a limited time — no human
 * approval for the listed emergency purposes — renewable while the incident is open and ended
 * when it closes. Grants end by timer at their expiry; listeners close the views within the
 * same tick.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import type { Grant } from '../auth/scope.ts';
import type { Db } from '../db.ts';
import { HubError } from '../protocol/errors.ts';
import type { Purpose } from '../protocol/events.ts';
import { INCIDENT_TYPE_CODES, INCIDENT_TYPES, type Incident, type IncidentStatus } from '../protocol/incidents.ts';

export { INCIDENT_TYPES, type Incident } from '../protocol/incidents.ts';

const typeCodes = Object.keys(INCIDENT_TYPE_CODES) as Array<keyof typeof INCIDENT_TYPE_CODES>;
const incidentType = z.enum(INCIDENT_TYPES).or(z.enum(typeCodes).transform((code) => INCIDENT_TYPE_CODES[code]));

/** What a reporting room or its CAD system sends to open an incident; the agency comes from the token. */
export const openIncidentSchema = z
  .object({
    /** 화재/구조/구급/범죄/재난/실종, or the English code (fire, rescue, ems, crime, disaster, missing). */
    type: incidentType,
    location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict(),
    address: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    /** The CAD system's own incident id. */
    externalRef: z.string().min(1).max(64).optional(),
    radiusM: z.number().min(50).max(5000).optional(),
    /** Start the dispatch route at once (default: yes for dispatch-112 / dispatch-119 tokens). */
    dispatch: z.boolean().optional(),
    /** How many of the nearest in-scope cameras the answer carries (default 8; 0 for none). */
    nearest: z.number().int().min(0).max(32).optional()
  })
  .strict();

export type OpenIncident = z.infer<typeof openIncidentSchema>;

/** Purposes for which an incident grant is minted without a human in the loop. */
const EMERGENCY_PURPOSES: ReadonlySet<Purpose> = new Set(['emergency-112', 'dispatch-112', 'dispatch-119', 'disaster', 'vulnerable-person']);

type Events = {
  'grant:issued': [grant: Grant, incident: Incident];
  'grant:renewed': [grant: Grant, incident: Incident];
  'grant:ended': [grant: Grant, reason: 'expired' | 'incident-closed'];
  'incident:opened': [incident: Incident];
  'incident:closed': [incident: Incident];
};

interface IncidentRow {
  id: string; type: Incident['type']; lat: number; lon: number; address: string | null; description: string | null; external_ref: string | null; agency: string;
  opened_by: string; purpose: Purpose; status: Incident['status']; opened_at: number; closed_at: number | null;
}
interface GrantRow { id: string; incident_id: string; agency: string; lat: number; lon: number; radius_m: number; expires_at: number }

export interface IncidentsOptions {
  grantTtlMs: number;
  defaultRadiusM: number;
  now?: () => number;
}

export class Incidents extends EventEmitter<Events> {
  readonly #db: Db;
  readonly #options: Required<IncidentsOptions>;
  /** Active grants by id, with the timer that ends each. */
  readonly #active = new Map<string, { grant: Grant; timer: NodeJS.Timeout }>();

  constructor(db: Db, options: IncidentsOptions) {
    super();
    this.#db = db;
    this.#options = { now: Date.now, ...options };
    const rows = db
      .prepare('SELECT id, incident_id, agency, lat, lon, radius_m, expires_at FROM grants WHERE ended_at IS NULL')
      .all() as GrantRow[];
    for (const row of rows) this.#activate(toGrant(row));
  }

  open(principal: Principal, input: OpenIncident): { incident: Incident; grant: Grant } {
    const purpose = principal.purpose;
    if (!purpose || !EMERGENCY_PURPOSES.has(purpose)) {
      throw new HubError('PURPOSE_NOT_ALLOWED', '긴급 목적의 토큰으로만 사건을 열 수 있습니다 (an emergency purpose is required to open an incident)');
    }
    const now = this.#options.now();
    const incident: Incident = {
      id: `inc-${randomUUID()}`,
      type: input.type,
      location: input.location,
      address: input.address ?? null,
      description: input.description ?? null,
      externalRef: input.externalRef ?? null,
      agency: principal.agency.id,
      openedBy: principal.subject,
      purpose,
      status: 'open',
      openedAt: now,
      closedAt: null
    };
    const grant: Grant = {
      id: `grant-${randomUUID()}`,
      incidentId: incident.id,
      agency: incident.agency,
      center: incident.location,
      radiusM: input.radiusM ?? this.#options.defaultRadiusM,
      expiresAt: now + this.#options.grantTtlMs
    };
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO incidents (id, type, lat, lon, address, description, external_ref, agency, opened_by, purpose, status, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(incident.id, incident.type, incident.location.lat, incident.location.lon, incident.address, incident.description, incident.externalRef, incident.agency, incident.openedBy, purpose, 'open', now);
      this.#db
        .prepare('INSERT INTO grants (id, incident_id, agency, lat, lon, radius_m, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(grant.id, incident.id, grant.agency, grant.center.lat, grant.center.lon, grant.radiusM, now, grant.expiresAt);
    })();
    this.#activate(grant);
    this.emit('incident:opened', incident);
    this.emit('grant:issued', grant, incident);
    return { incident, grant };
  }

  renew(principal: Principal, incidentId: string): Grant {
    const incident = this.#ownOpenIncident(principal, incidentId);
    const current = [...this.#active.values()].find((a) => a.grant.incidentId === incident.id);
    if (!current) throw new HubError('GRANT_ENDED', '이 사건의 권한은 이미 끝났습니다 (the grant has ended)');
    const grant = { ...current.grant, expiresAt: this.#options.now() + this.#options.grantTtlMs };
    this.#db.prepare('UPDATE grants SET expires_at = ? WHERE id = ?').run(grant.expiresAt, grant.id);
    clearTimeout(current.timer);
    this.#activate(grant);
    this.emit('grant:renewed', grant, incident);
    return grant;
  }

  close(principal: Principal, incidentId: string): Incident {
    const incident = this.#ownOpenIncident(principal, incidentId);
    const now = this.#options.now();
    this.#db.prepare("UPDATE incidents SET status = 'closed', closed_at = ? WHERE id = ?").run(now, incident.id);
    const closed = { ...incident, status: 'closed' as const, closedAt: now };
    // The views opened for the incident end first (as INCIDENT_CLOSED), then its grants.
    this.emit('incident:closed', closed);
    for (const { grant } of [...this.#active.values()]) if (grant.incidentId === incident.id) this.#end(grant, 'incident-closed');
    return closed;
  }

  get(id: string): Incident | undefined {
    const row = this.#db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  /**
   * The open incident an agency already reported under this CAD reference, with its grant if it
   * is still active: a CAD system that retries a POST gets the same incident, not a second one.
   */
  openByRef(agency: string, externalRef: string): { incident: Incident; grant: Grant | null } | undefined {
    const row = this.#db
      .prepare("SELECT * FROM incidents WHERE agency = ? AND external_ref = ? AND status = 'open' ORDER BY opened_at DESC LIMIT 1")
      .get(agency, externalRef) as IncidentRow | undefined;
    if (!row) return undefined;
    const grant = this.grantsOf(agency).find((g) => g.incidentId === row.id) ?? null;
    return { incident: toIncident(row), grant };
  }

  /** The incident if `agency` may see it: it opened it, or holds (or held) a grant for it. */
  visibleTo(agency: string, id: string): Incident | undefined {
    const row = this.#db.prepare(`SELECT * FROM incidents WHERE id = ? AND ${VISIBLE}`).get(id, agency, agency) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  /** The incidents `agency` may see, newest first. */
  list(agency: string, options: { status?: IncidentStatus | 'all'; limit?: number } = {}): Incident[] {
    const status = options.status ?? 'all';
    const rows = this.#db
      .prepare(`SELECT * FROM incidents WHERE ${VISIBLE} AND (? = 'all' OR status = ?) ORDER BY opened_at DESC LIMIT ?`)
      .all(agency, agency, status, status, options.limit ?? 100) as IncidentRow[];
    return rows.map(toIncident);
  }

  /** Active grants of one agency. */
  grantsOf(agency: string): Grant[] {
    const now = this.#options.now();
    const grants: Grant[] = [];
    for (const { grant } of this.#active.values()) if (grant.agency === agency && grant.expiresAt > now) grants.push(grant);
    return grants;
  }

  /** Stops the timers; the database stays with its owner. */
  dispose(): void {
    for (const { timer } of this.#active.values()) clearTimeout(timer);
    this.#active.clear();
    this.removeAllListeners();
  }

  #ownOpenIncident(principal: Principal, incidentId: string): Incident {
    const incident = this.get(incidentId);
    if (!incident || incident.agency !== principal.agency.id) throw incidentNotFound();
    if (incident.status !== 'open') throw incidentClosed();
    return incident;
  }

  #activate(grant: Grant): void {
    const delay = Math.max(0, grant.expiresAt - this.#options.now());
    const timer = setTimeout(() => this.#end(grant, 'expired'), Math.min(delay, 2 ** 31 - 1));
    timer.unref();
    this.#active.set(grant.id, { grant, timer });
  }

  #end(grant: Grant, reason: 'expired' | 'incident-closed'): void {
    const active = this.#active.get(grant.id);
    if (!active) return;
    clearTimeout(active.timer);
    this.#active.delete(grant.id);
    this.#db.prepare('UPDATE grants SET ended_at = ?, end_reason = ? WHERE id = ?').run(this.#options.now(), reason, grant.id);
    this.emit('grant:ended', active.grant, reason);
  }
}

/** An agency sees the incidents it opened and those it was granted cameras for. */
const VISIBLE = '(agency = ? OR id IN (SELECT incident_id FROM grants WHERE agency = ?))';

export const incidentNotFound = () => new HubError('INCIDENT_NOT_FOUND', '사건을 찾을 수 없습니다 (no such incident)');
export const incidentClosed = () => new HubError('INCIDENT_CLOSED', '이미 종료된 사건입니다 (incident closed)');

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id, type: row.type, location: { lat: row.lat, lon: row.lon }, address: row.address,
    description: row.description, externalRef: row.external_ref, agency: row.agency,
    openedBy: row.opened_by, purpose: row.purpose, status: row.status, openedAt: row.opened_at, closedAt: row.closed_at
  };
}

function toGrant(row: GrantRow): Grant {
  return { id: row.id, incidentId: row.incident_id, agency: row.agency, center: { lat: row.lat, lon: row.lon }, radiusM: row.radius_m, expiresAt: row.expires_at };
}
