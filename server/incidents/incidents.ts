/**
 * Incidents and the grants they carry. Opening an incident may ask for a grant: the right of
 * the responding agency to view the cameras within a radius of the scene for a limited time.
 * The grant policy (server/auth/grant-policy.ts) bounds it; an operator's grant waits for a
 * supervisor of the same agency, a trusted source's (a CAD system's) is in force at once. The
 * incident opens either way; its grant is renewable while it is open and ends when it closes.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { GrantPolicy } from '../auth/grant-policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Grant } from '../auth/scope.ts';
import type { Db } from '../db.ts';
import { HubError, type WireError } from '../protocol/errors.ts';
import type { Purpose } from '../protocol/events.ts';
import type { GrantRecord } from '../protocol/grants.ts';
import type { OpenIncident } from '../protocol/incident-requests.ts';
import type { Incident, IncidentStatus } from '../protocol/incidents.ts';
import { Grants } from './grants.ts';

export { INCIDENT_TYPES, type Incident } from '../protocol/incidents.ts';

/** Purposes for which an incident may be opened at all. */
const EMERGENCY_PURPOSES: ReadonlySet<Purpose> = new Set(['emergency-112', 'dispatch-112', 'dispatch-119', 'disaster', 'vulnerable-person']);

type Events = {
  'incident:opened': [incident: Incident];
  'incident:closed': [incident: Incident];
};

/** An opened incident and what became of the grant it asked for. */
export interface OpenedIncident {
  incident: Incident;
  /** In force now (a trusted source's grant). */
  grant: Grant | null;
  /** Waiting for a supervisor. */
  pendingGrant?: GrantRecord;
  /** Why it carries no grant. */
  grantError?: WireError;
}

interface IncidentRow {
  id: string; type: Incident['type']; lat: number; lon: number; address: string | null; description: string | null; external_ref: string | null; agency: string;
  opened_by: string; purpose: Purpose; status: Incident['status']; opened_at: number; closed_at: number | null;
}
export interface IncidentsOptions {
  policy: GrantPolicy;
  /** The 구 code at a point (jurisdiction), or null outside the city. */
  districtAt: (lat: number, lon: number) => string | null;
  now?: () => number;
}

export class Incidents extends EventEmitter<Events> {
  readonly #db: Db;
  readonly #options: Required<IncidentsOptions>;
  /** The grants incidents carry; owned here, disposed with the incidents. */
  readonly grants: Grants;

  constructor(db: Db, options: IncidentsOptions) {
    super();
    this.#db = db;
    this.#options = { now: Date.now, ...options };
    this.grants = new Grants(db, this.#options.now);
  }

  open(principal: Principal, input: OpenIncident): OpenedIncident {
    const incident = this.openBare({ agency: principal.agency.id, subject: principal.subject, purpose: principal.purpose }, input);
    const ruling = this.#options.policy.rule(principal, { type: input.type, location: input.location, radiusM: input.radiusM }, {
      openCount: (agency, source) => this.grants.openCount(agency, source),
      districtAt: this.#options.districtAt
    });
    if (ruling instanceof HubError) return { incident, grant: null, grantError: ruling.toWire() };
    const record = this.grants.request({
      incidentId: incident.id,
      agency: incident.agency,
      center: incident.location,
      radiusM: ruling.radiusM,
      source: ruling.source,
      requestedBy: principal.subject,
      ttlMs: ruling.ttlMs,
      approved: !ruling.needsApproval
    });
    if (record.status === 'pending') return { incident, grant: null, pendingGrant: record };
    return { incident, grant: this.grants.activeOf(incident.agency).find((g) => g.id === record.id) ?? null };
  }

  /**
   * Opens an incident that asks for no grant of its own: a pursuit's (its cameras come with the
   * pursuit's corridor grant). `opener` is who opens it — a person's token, or an LPR system
   * anchoring a pursuit for the police agency of the area.
   */
  openBare(opener: { agency: string; subject: string; purpose: Purpose | undefined }, input: Pick<OpenIncident, 'type' | 'location' | 'address' | 'description' | 'externalRef'>): Incident {
    const purpose = opener.purpose;
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
      agency: opener.agency,
      openedBy: opener.subject,
      purpose,
      status: 'open',
      openedAt: now,
      closedAt: null
    };
    this.#db
      .prepare('INSERT INTO incidents (id, type, lat, lon, address, description, external_ref, agency, opened_by, purpose, status, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(incident.id, incident.type, incident.location.lat, incident.location.lon, incident.address, incident.description, incident.externalRef, incident.agency, incident.openedBy, purpose, 'open', now);
    this.emit('incident:opened', incident);
    return incident;
  }

  renew(principal: Principal, incidentId: string): Grant {
    const incident = this.#ownOpenIncident(principal, incidentId);
    return this.grants.renew(incident.id);
  }

  close(principal: Principal, incidentId: string): Incident {
    return this.closeOpen(this.#ownOpenIncident(principal, incidentId));
  }

  /** Closes an open incident whose closing was already authorised (its pursuit closed). */
  closeOpen(incident: Incident): Incident {
    const now = this.#options.now();
    this.#db.prepare("UPDATE incidents SET status = 'closed', closed_at = ? WHERE id = ?").run(now, incident.id);
    const closed = { ...incident, status: 'closed' as const, closedAt: now };
    // The views opened for the incident end first (as INCIDENT_CLOSED), then its grants.
    this.emit('incident:closed', closed);
    this.grants.endIncident(incident.id);
    return closed;
  }

  get(id: string): Incident | undefined {
    const row = this.#db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  /**
   * The open incident an agency already reported under this CAD reference, with its grant if it
   * is still active (or still waiting for approval): a CAD system that retries a POST gets the same incident, not a second one.
   */
  openByRef(agency: string, externalRef: string): OpenedIncident | undefined {
    const row = this.#db
      .prepare("SELECT * FROM incidents WHERE agency = ? AND external_ref = ? AND status = 'open' ORDER BY opened_at DESC LIMIT 1")
      .get(agency, externalRef) as IncidentRow | undefined;
    if (!row) return undefined;
    const grant = this.grants.activeOf(agency).find((g) => g.incidentId === row.id && !g.cameras) ?? null;
    const latest = this.grants.ofIncident(row.id);
    return { incident: toIncident(row), grant, ...(latest?.status === 'pending' ? { pendingGrant: latest } : {}) };
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

  /** Stops the grants' timers; the database stays with its owner. */
  dispose(): void {
    this.grants.dispose();
    this.removeAllListeners();
  }

  #ownOpenIncident(principal: Principal, incidentId: string): Incident {
    const incident = this.get(incidentId);
    if (!incident || incident.agency !== principal.agency.id) throw incidentNotFound();
    if (incident.status !== 'open') throw incidentClosed();
    return incident;
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
