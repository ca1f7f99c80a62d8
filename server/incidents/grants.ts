/**
 * The grant ledger: every grant an incident carried, pending, in force or over, in hub.sqlite,
 * and a timer for each one in force that ends it at its expiry. The one owner of those timers;
 * listeners close the views within the same tick. Who may mint, approve and renew is decided
 * before (server/auth/grant-policy.ts and the HTTP API); this keeps the record straight.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Grant } from '../auth/scope.ts';
import type { Db } from '../db.ts';
import { HubError } from '../protocol/errors.ts';
import type { GrantEndReason, GrantRecord, GrantStatus } from '../protocol/grants.ts';

type Events = {
  /** Asked for; waits for a supervisor. */
  'grant:requested': [record: GrantRecord];
  /** In force (a trusted source's at once, an operator's once approved). */
  'grant:issued': [grant: Grant, record: GrantRecord];
  'grant:denied': [record: GrantRecord];
  'grant:renewed': [grant: Grant, record: GrantRecord];
  /** A pursuit's corridor grant moved with the corridor (and was renewed): `previous` is what it held before. */
  'grant:reshaped': [grant: Grant, record: GrantRecord, previous: Grant];
  'grant:ended': [grant: Grant, reason: GrantEndReason, record: GrantRecord];
  /** Still pending when its incident closed. */
  'grant:lapsed': [record: GrantRecord];
};

export interface GrantRequest {
  incidentId: string;
  agency: string;
  center: { lat: number; lon: number };
  radiusM: number;
  source: string;
  requestedBy: string;
  ttlMs: number;
  /** In force at once (a trusted source) rather than waiting for a supervisor. */
  approved: boolean;
  /** A camera-set grant — a pursuit's corridor or an alarm's cameras: exactly these cameras, in place of the circle. */
  corridor?: ({ pursuitId: string } | { alarmId: string }) & { cameras: readonly string[] };
}

/** A camera-set grant's owner and cameras (for audit records); nothing for a circle grant. */
export function grantOwner(grant: Grant): { pursuitId?: string; alarmId?: string; cameras?: readonly string[] } {
  if (grant.pursuitId) return { pursuitId: grant.pursuitId, cameras: grant.cameras };
  if (grant.alarmId) return { alarmId: grant.alarmId, cameras: grant.cameras };
  return {};
}

/** Where a corridor grant moves to (server/pursuit): its cameras, where it starts and how far it reaches. */
export interface CorridorShape {
  cameras: readonly string[];
  center: { lat: number; lon: number };
  radiusM: number;
}

interface GrantRow {
  id: string; incident_id: string; agency: string; lat: number; lon: number; radius_m: number; issued_at: number; expires_at: number;
  ended_at: number | null; end_reason: GrantEndReason | null; status: GrantStatus; source: string; requested_by: string | null;
  decided_by: string | null; decided_at: number | null; ttl_ms: number | null; cameras: string | null; pursuit_id: string | null; alarm_id: string | null;
}

export class Grants extends EventEmitter<Events> {
  readonly #db: Db;
  readonly #now: () => number;
  /** Grants in force by id, with the timer that ends each. */
  readonly #active = new Map<string, { grant: Grant; timer: NodeJS.Timeout }>();

  constructor(db: Db, now: () => number = Date.now) {
    super();
    this.#db = db;
    this.#now = now;
    const rows = db.prepare("SELECT * FROM grants WHERE status = 'active' AND ended_at IS NULL").all() as GrantRow[];
    for (const row of rows) this.#activate(toGrant(row));
  }

  request(request: GrantRequest): GrantRecord {
    const now = this.#now();
    const id = `grant-${randomUUID()}`;
    const expiresAt = request.approved ? now + request.ttlMs : 0;
    this.#db
      .prepare('INSERT INTO grants (id, incident_id, agency, lat, lon, radius_m, issued_at, expires_at, status, source, requested_by, ttl_ms, cameras, pursuit_id, alarm_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        id, request.incidentId, request.agency, request.center.lat, request.center.lon, request.radiusM, now, expiresAt, request.approved ? 'active' : 'pending',
        request.source, request.requestedBy, request.ttlMs, request.corridor ? JSON.stringify(request.corridor.cameras) : null,
        request.corridor && 'pursuitId' in request.corridor ? request.corridor.pursuitId : null, request.corridor && 'alarmId' in request.corridor ? request.corridor.alarmId : null
      );
    const record = this.record(id)!;
    if (request.approved) {
      const grant = toGrantFromRecord(record);
      this.#activate(grant);
      this.emit('grant:issued', grant, record);
    } else {
      this.emit('grant:requested', record);
    }
    return record;
  }

  /** A supervisor's yes: the grant is in force from now for its ttl. */
  approve(id: string, by: string): GrantRecord {
    const row = this.#pendingRow(id);
    const now = this.#now();
    this.#db.prepare("UPDATE grants SET status = 'active', decided_by = ?, decided_at = ?, expires_at = ? WHERE id = ?").run(by, now, now + (row.ttl_ms ?? 0), id);
    const record = this.record(id)!;
    const grant = toGrantFromRecord(record);
    this.#activate(grant);
    this.emit('grant:issued', grant, record);
    return record;
  }

  deny(id: string, by: string): GrantRecord {
    this.#pendingRow(id);
    const now = this.#now();
    this.#db.prepare("UPDATE grants SET status = 'denied', decided_by = ?, decided_at = ?, ended_at = ? WHERE id = ?").run(by, now, now, id);
    const record = this.record(id)!;
    this.emit('grant:denied', record);
    return record;
  }

  /** Extends the incident's grant in force by its own ttl, from now (a pursuit renews its corridor grants itself). */
  renew(incidentId: string): Grant {
    const current = [...this.#active.values()].find((a) => a.grant.incidentId === incidentId && !a.grant.cameras);
    if (!current) {
      const pending = this.#db.prepare("SELECT 1 FROM grants WHERE incident_id = ? AND status = 'pending'").get(incidentId);
      throw pending
        ? new HubError('GRANT_PENDING', '이 사건의 권한은 아직 승인을 기다립니다 (the grant is waiting for approval)')
        : new HubError('GRANT_ENDED', '이 사건의 권한은 이미 끝났습니다 (the grant has ended)');
    }
    const ttl = (this.#db.prepare('SELECT ttl_ms FROM grants WHERE id = ?').get(current.grant.id) as { ttl_ms: number | null }).ttl_ms;
    const grant = { ...current.grant, expiresAt: this.#now() + (ttl ?? current.grant.expiresAt - this.#now()) };
    this.#db.prepare('UPDATE grants SET expires_at = ? WHERE id = ?').run(grant.expiresAt, grant.id);
    clearTimeout(current.timer);
    this.#activate(grant);
    this.emit('grant:renewed', grant, this.record(grant.id)!);
    return grant;
  }

  /**
   * A camera-set grant in force moves with its pursuit (or alarm): its cameras become `shape`'s
   * and it is in force for its ttl from now. An ended one is not revived (undefined).
   */
  reshape(id: string, shape: CorridorShape): Grant | undefined {
    const current = this.#active.get(id);
    if (!current?.grant.cameras) return undefined;
    const ttl = (this.#db.prepare('SELECT ttl_ms FROM grants WHERE id = ?').get(id) as { ttl_ms: number }).ttl_ms;
    const grant: Grant = { ...current.grant, cameras: [...shape.cameras], center: shape.center, radiusM: shape.radiusM, expiresAt: this.#now() + ttl };
    this.#db
      .prepare('UPDATE grants SET cameras = ?, lat = ?, lon = ?, radius_m = ?, expires_at = ? WHERE id = ?')
      .run(JSON.stringify(grant.cameras), grant.center.lat, grant.center.lon, grant.radiusM, grant.expiresAt, id);
    clearTimeout(current.timer);
    this.#activate(grant);
    this.emit('grant:reshaped', grant, this.record(id)!, current.grant);
    return grant;
  }

  /** The pursuit's corridor grant in force, if any. */
  ofPursuit(pursuitId: string): Grant | undefined {
    for (const { grant } of this.#active.values()) if (grant.pursuitId === pursuitId) return grant;
    return undefined;
  }

  /** The pursuit closed: its corridor grants end. */
  endPursuit(pursuitId: string): void {
    for (const { grant } of [...this.#active.values()]) if (grant.pursuitId === pursuitId) this.#end(grant, 'pursuit-closed');
  }

  /** The incident closed: its grant ends (in force) or lapses (still pending). */
  endIncident(incidentId: string): void {
    for (const { grant } of [...this.#active.values()]) if (grant.incidentId === incidentId) this.#end(grant, 'incident-closed');
    const now = this.#now();
    const pending = this.#db.prepare("SELECT id FROM grants WHERE incident_id = ? AND status = 'pending'").all(incidentId) as Array<{ id: string }>;
    for (const { id } of pending) {
      this.#db.prepare("UPDATE grants SET status = 'ended', ended_at = ?, end_reason = 'incident-closed' WHERE id = ?").run(now, id);
      this.emit('grant:lapsed', this.record(id)!);
    }
  }

  record(id: string): GrantRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM grants WHERE id = ?').get(id) as GrantRow | undefined;
    return row && toRecord(row);
  }

  /** The incident's latest grant, whatever its status. */
  ofIncident(incidentId: string): GrantRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM grants WHERE incident_id = ? ORDER BY issued_at DESC, rowid DESC LIMIT 1').get(incidentId) as GrantRow | undefined;
    return row && toRecord(row);
  }

  /** Grants with this status; of one agency, or of every agency. */
  withStatus(status: 'pending' | 'active', agency?: string): GrantRecord[] {
    const rows = this.#db
      .prepare('SELECT * FROM grants WHERE status = ? AND (? IS NULL OR agency = ?) ORDER BY issued_at DESC')
      .all(status, agency ?? null, agency ?? null) as GrantRow[];
    return rows.map(toRecord);
  }

  /** Pending or active grants of `agency` from `source` (what a count limit counts). */
  openCount(agency: string, source: string): number {
    const row = this.#db.prepare("SELECT COUNT(*) AS n FROM grants WHERE agency = ? AND source = ? AND status IN ('pending', 'active')").get(agency, source) as { n: number };
    return row.n;
  }

  /** Grants of one agency in force now. */
  activeOf(agency: string): Grant[] {
    const now = this.#now();
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

  #pendingRow(id: string): GrantRow {
    const row = this.#db.prepare('SELECT * FROM grants WHERE id = ?').get(id) as GrantRow | undefined;
    if (!row) throw new HubError('NOT_FOUND', '권한 요청을 찾을 수 없습니다 (no such grant)');
    if (row.status !== 'pending') throw new HubError('GRANT_NOT_PENDING', '이미 결정된 권한 요청입니다 (the grant is not waiting for a decision)');
    return row;
  }

  #activate(grant: Grant): void {
    const delay = Math.max(0, grant.expiresAt - this.#now());
    const timer = setTimeout(() => this.#end(grant, 'expired'), Math.min(delay, 2 ** 31 - 1));
    timer.unref();
    this.#active.set(grant.id, { grant, timer });
  }

  #end(grant: Grant, reason: GrantEndReason): void {
    const active = this.#active.get(grant.id);
    if (!active) return;
    clearTimeout(active.timer);
    this.#active.delete(grant.id);
    this.#db.prepare("UPDATE grants SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ?").run(this.#now(), reason, grant.id);
    this.emit('grant:ended', active.grant, reason, this.record(grant.id)!);
  }
}

function toGrant(row: GrantRow): Grant {
  return toGrantFromRecord(toRecord(row));
}

function toGrantFromRecord(record: GrantRecord): Grant {
  const grant: Grant = { id: record.id, incidentId: record.incidentId, agency: record.agency, center: record.center, radiusM: record.radiusM, expiresAt: record.expiresAt ?? 0 };
  if (record.cameras && record.pursuitId) return { ...grant, cameras: record.cameras, pursuitId: record.pursuitId };
  return record.cameras && record.alarmId ? { ...grant, cameras: record.cameras, alarmId: record.alarmId } : grant;
}

function toRecord(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    incidentId: row.incident_id,
    agency: row.agency,
    center: { lat: row.lat, lon: row.lon },
    radiusM: row.radius_m,
    status: row.status,
    source: row.source,
    requestedBy: row.requested_by ?? '',
    requestedAt: row.issued_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    // 0 while it was never in force (pending, denied, lapsed).
    expiresAt: row.expires_at > 0 ? row.expires_at : null,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    ...(row.pursuit_id && row.cameras ? { pursuitId: row.pursuit_id, cameras: JSON.parse(row.cameras) as string[] } : {}),
    ...(row.alarm_id && row.cameras ? { alarmId: row.alarm_id, cameras: JSON.parse(row.cameras) as string[] } : {})
  };
}
