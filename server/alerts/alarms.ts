/**
 * The alarms (경보): the one owner of every alarm's state, its timer and the grants it holds.
 *
 * An accepted event raises an alarm once per (source, sourceEventId), routed by the rules to its
 * recipients. With it the hub opens one incident and grants each recipient exactly the alarm's
 * cameras (the source camera and the nearest to its latest position) — a camera-set grant like
 * a pursuit's corridor — renewed while the alarm lives, moved with each new fix, ended when it
 * closes (closing the incident ends the views opened for it, then its grants). One timer per
 * open alarm wakes it for escalation and grant renewal; it is cleared when the alarm closes.
 * Every change is stored, audited and published (`alarm:changed`) to each recipient's sessions.
 */
import { randomUUID } from 'node:crypto';
import type { AuditInput } from '../audit/types.ts';
import type { AgencyPolicies } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { VisibleSet } from '../cameras/scope-index.ts';
import type { CameraRegistry, RegistryCamera } from '../cameras/registry.ts';
import type { DistrictRef } from '../geo/districts.ts';
import type { Incidents } from '../incidents/incidents.ts';
import type { Logger } from '../log.ts';
import {
  MAX_TRACK,
  type AlarmAction,
  type AlarmChangedEvent,
  type AlarmHistoryEntry,
  type AlarmKind,
  type AlarmListResponse,
  type AlarmOpenResponse,
  type AlarmRequestOf,
  type AlarmResponse,
  type AlertEnd,
  type AlertEvent,
  type AlertIngestResponse,
  type AlertObservation,
  type CloseReason,
  type Fix
} from '../protocol/alerts.ts';
import type { NearCamera } from '../protocol/dispatch.ts';
import { HubError } from '../protocol/errors.ts';
import type { Purpose } from '../protocol/events.ts';
import type { IncidentType } from '../protocol/incidents.ts';
import { haversineM } from '../geo/geometry.ts';
import type { AlertsConfig } from './config.ts';
import { transition, unattended, type AlarmMove } from './lifecycle.ts';
import { levelOf, routeAlarm } from './routing.ts';
import type { AlarmDesk } from './socket.ts';
import type { AlarmRecord, AlarmStore, StoredDetail } from './store.ts';
import { alarmView } from './view.ts';

/** A source whose token verified, with its binding. */
export interface AlertSource {
  name: string;
  kinds: ReadonlySet<AlarmKind>;
  /** Whether it may report events in this 시군구. */
  covers(district: string): boolean;
}

export interface AlarmsDeps {
  store: AlarmStore;
  incidents: Incidents;
  policies: Pick<AgencyPolicies, 'get'>;
  registry: Pick<CameraRegistry, 'get'>;
  /** The cameras nearest a point, nearest first (GeoService.nearest). */
  nearest: (lat: number, lon: number, n: number, filter: (camera: RegistryCamera) => boolean) => NearCamera[];
  /** The 시군구 of the region at a point, or null outside it. */
  districtAt: (lat: number, lon: number) => DistrictRef | null;
  visible: (principal: Principal) => VisibleSet;
  config: Pick<AlertsConfig, 'routes' | 'waterSites' | 'nearestCameras' | 'grantTtlS' | 'fireLevels'>;
  record: (input: AuditInput) => void;
  /** Sends each session of these agencies its view (signaling's alarmChanged). */
  publish: (agencies: ReadonlySet<string>, view: (principal: Principal) => AlarmChangedEvent) => void;
  log: Logger;
  now?: () => number;
}

/** Why an alarm opens an incident of this type, viewed for this purpose. */
const INCIDENT_OF: Readonly<Record<AlarmKind, { type: IncidentType; purpose: Purpose }>> = {
  crowd: { type: '재난', purpose: 'disaster' },
  water: { type: '재난', purpose: 'disaster' },
  fire: { type: '화재', purpose: 'disaster' },
  bell: { type: '범죄', purpose: 'emergency-112' },
  sos: { type: '실종', purpose: 'vulnerable-person' },
  tag: { type: '범죄', purpose: 'emergency-112' }
};

/** The grant's circle (for the grant pages): it reaches the farthest of the alarm's cameras. */
const MIN_REACH_M = 50;
/** Lines of history an alarm keeps (the audit keeps every one). */
const MAX_HISTORY = 200;
/** Roles that work alarms (a wall shows them, an auditor reads the record). */
const WORKING_ROLES: ReadonlySet<Principal['role']> = new Set(['operator', 'supervisor']);

export class Alarms implements AlarmDesk {
  readonly #deps: AlarmsDeps;
  readonly #now: () => number;
  readonly #sites: ReadonlyMap<string, AlertsConfig['waterSites'][number]>;
  /** Open alarms by id, each with the one timer that wakes it (escalation, grant renewal). */
  readonly #open = new Map<string, { alarm: AlarmRecord; timer: NodeJS.Timeout | undefined; renewAt: number }>();
  #closed = false;

  constructor(deps: AlarmsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#sites = new Map(deps.config.waterSites.map((site) => [site.id, site]));
    for (const alarm of deps.store.open()) this.#open.set(alarm.id, { alarm, timer: undefined, renewAt: 0 });
  }

  /** Open alarms resume after a restart (once the hub listens to grants): their grants are made good at once, their escalation stays due. */
  resume(): void {
    for (const id of [...this.#open.keys()]) this.#wake(id);
  }

  /**
   * An event from a source whose token and kind were checked: raises, updates or ends its alarm.
   * Throws (nothing stored) for a place it cannot resolve or the source may not report.
   */
  apply(source: AlertSource, event: AlertEvent): AlertIngestResponse {
    if (this.#closed) throw new HubError('SHUTTING_DOWN', '허브가 종료 중입니다 (hub shutting down)');
    const known = this.#deps.store.bySourceEvent(source.name, event.sourceEventId);
    if (event.phase === 'end') return this.#end(source, event, known);
    if (known && known.kind !== event.kind) throw new HubError('BAD_REQUEST', `잘못된 요청입니다 (kind: the event ${event.sourceEventId} is a ${known.kind} event)`);
    if (known?.status === 'closed') return { alarmId: known.id, result: event.phase === 'new' ? 'duplicate' : 'closed' };
    const current = known && this.#open.get(known.id)?.alarm;
    if (current && event.phase === 'new') return { alarmId: current.id, result: 'duplicate' };
    const place = this.#place(event, current);
    if (!source.covers(place.district.code)) {
      throw new HubError('OUT_OF_REGION', `${source.name}은(는) ${place.district.name}의 사건을 보고할 수 없습니다 (${source.name} may not report events in ${place.district.nameEn})`);
    }
    return current ? this.#update(current, event, place) : this.#raise(source, event, place);
  }

  list(principal: Principal, request: AlarmRequestOf<'alarms:list'>): AlarmListResponse {
    const records = this.#deps.store.list(principal.agency.id, request.status ?? 'open', request.limit ?? 200);
    const alarms = records.map((record) => this.#view(this.#open.get(record.id)?.alarm ?? record, principal));
    alarms.sort((a, b) => a.priority - b.priority || b.raisedAt - a.raisedAt);
    return { alarms };
  }

  acknowledge(principal: Principal, request: AlarmRequestOf<'alarm:ack'>): AlarmResponse {
    return this.#move(principal, request.alarmId, 'acknowledged', request.comment ?? null);
  }

  setState(principal: Principal, request: AlarmRequestOf<'alarm:state'>): AlarmResponse {
    if (request.status === 'in_progress') return this.#move(principal, request.alarmId, 'in_progress', request.comment ?? null);
    return this.#move(principal, request.alarmId, 'closed', request.comment ?? null, request.closeReason);
  }

  comment(principal: Principal, request: AlarmRequestOf<'alarm:comment'>): AlarmResponse {
    const alarm = this.#workable(principal, request.alarmId);
    const at = this.#now();
    this.#history(alarm, { at, action: 'comment', by: by(principal), comment: request.comment });
    alarm.updatedAt = at;
    this.#deps.store.update(alarm);
    this.#audit('alarm.comment', alarm, principal);
    this.#publish(alarm, 'comment');
    return { alarm: this.#view(alarm, principal) };
  }

  /** The alarm's incident, centre and tile cameras for the caller: the source camera first, then the nearest it may see. */
  open(principal: Principal, request: AlarmRequestOf<'alarm:open'>): AlarmOpenResponse {
    const alarm = this.#recipientOf(principal, request.alarmId);
    if (alarm.status === 'closed') throw new HubError('ALARM_CLOSED', '이미 종료된 경보입니다 (alarm closed)');
    const canSee = this.#deps.visible(principal).includes;
    const { lat, lon } = alarm.location;
    const source = alarm.cameraId ? this.#deps.registry.get(alarm.cameraId) : undefined;
    const first = source && canSee(source) ? [nearCamera(source, alarm.location)] : [];
    const rest = this.#deps.nearest(lat, lon, request.nearest ?? 8, (camera) => camera.id !== source?.id && canSee(camera));
    this.#audit('alarm.opened', alarm, principal);
    return { alarm: this.#view(alarm, principal), incidentId: alarm.incidentId!, center: alarm.location, cameras: [...first, ...rest] };
  }

  /** Open alarms now, and alarms ever stored (tests, the bench: none lost, none twice). */
  counts(): { open: number; stored: number } {
    return { open: this.#open.size, stored: this.#deps.store.count() };
  }

  /** Stops the timers; the alarms stay stored and resume at the next start. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#open.values()) clearTimeout(entry.timer);
    this.#open.clear();
  }

  #raise(source: AlertSource, event: AlertObservation, place: Place): AlertIngestResponse {
    const now = this.#now();
    const level = levelOf(event, { site: event.kind === 'water' ? this.#sites.get(event.siteId) : undefined, fireLevels: this.#deps.config.fireLevels });
    const routing = routeAlarm({ kind: event.kind, level, district: place.district.code }, this.#deps.config.routes);
    const alarm: AlarmRecord = {
      id: `alarm-${randomUUID()}`,
      source: source.name,
      sourceEventId: event.sourceEventId,
      kind: event.kind,
      level,
      status: 'new',
      location: place.location,
      district: place.district,
      cameraId: place.cameraId,
      cameras: this.#camerasAround(place.location, place.cameraId),
      detail: detailOf(event),
      recipients: routing.recipients.map(({ agency, priority }) => ({ agency, agencyName: this.#agencyName(agency), priority, via: 'route' as const, since: now })),
      incidentId: null,
      escalation: routing.escalation,
      escalateAt: routing.escalation && routing.recipients.length > 0 ? now + routing.escalation.afterS * 1000 : null,
      escalated: false,
      raisedAt: now,
      updatedAt: now,
      sourceEndedAt: null,
      closedAt: null,
      closeReason: null,
      history: [{ at: now, action: 'raised', by: null, comment: null, level }]
    };
    this.#openIncident(alarm);
    this.#deps.store.insert(alarm);
    this.#open.set(alarm.id, { alarm, timer: undefined, renewAt: 0 });
    this.#deps.record({ action: 'alarm.raised', outcome: 'info', ...this.#about(alarm), detail: { alarmId: alarm.id, source: source.name, sourceEventId: event.sourceEventId, kind: alarm.kind, level, district: place.district.code, cameras: alarm.cameras } });
    this.#routed(alarm, alarm.recipients.map((r) => r.agency));
    this.#wake(alarm.id);
    this.#publish(alarm, 'raised');
    return { alarmId: alarm.id, result: 'raised' };
  }

  #update(alarm: AlarmRecord, event: AlertObservation, place: Place): AlertIngestResponse {
    const now = this.#now();
    const level = levelOf(event, { site: event.kind === 'water' ? this.#sites.get(event.siteId) : undefined, fireLevels: this.#deps.config.fireLevels });
    const moved = place.location.lat !== alarm.location.lat || place.location.lon !== alarm.location.lon || place.cameraId !== alarm.cameraId;
    alarm.detail = mergeDetail(alarm.detail, event);
    alarm.updatedAt = now;
    if (level !== alarm.level) this.#history(alarm, { at: now, action: 'updated', by: null, comment: null, level });
    alarm.level = level;
    if (moved) {
      alarm.location = place.location;
      alarm.district = place.district;
      alarm.cameraId = place.cameraId;
      alarm.cameras = this.#camerasAround(place.location, place.cameraId);
    }
    // A level that rose (or a place that moved) may reach more agencies, and makes it more urgent
    // for those it already reached; nobody is dropped from an alarm and no priority falls.
    const routing = routeAlarm({ kind: alarm.kind, level, district: alarm.district.code }, this.#deps.config.routes);
    for (const routed of routing.recipients) {
      const have = alarm.recipients.find((r) => r.agency === routed.agency);
      if (have && routed.priority < have.priority) have.priority = routed.priority;
    }
    const added = routing.recipients.filter((r) => !alarm.recipients.some((have) => have.agency === r.agency));
    for (const { agency, priority } of added) alarm.recipients.push({ agency, agencyName: this.#agencyName(agency), priority, via: 'route', since: now });
    if (!alarm.escalation && routing.escalation) {
      alarm.escalation = routing.escalation;
      if (unattended(alarm.status) && !alarm.escalated) alarm.escalateAt = now + routing.escalation.afterS * 1000;
    }
    this.#openIncident(alarm);
    this.#deps.store.update(alarm);
    if (added.length > 0) this.#routed(alarm, added.map((r) => r.agency));
    if (moved || added.length > 0) this.#grantAll(alarm);
    this.#wake(alarm.id);
    this.#publish(alarm, 'updated');
    return { alarmId: alarm.id, result: 'updated' };
  }

  #end(source: AlertSource, event: AlertEnd, known: AlarmRecord | undefined): AlertIngestResponse {
    if (!known) throw new HubError('ALARM_NOT_FOUND', `알 수 없는 사건입니다 (no event ${event.sourceEventId} from ${source.name})`);
    if (known.kind !== event.kind) throw new HubError('BAD_REQUEST', `잘못된 요청입니다 (kind: the event ${event.sourceEventId} is a ${known.kind} event)`);
    const alarm = this.#open.get(known.id)?.alarm;
    if (!alarm) return { alarmId: known.id, result: 'closed' };
    if (alarm.sourceEndedAt !== null) return { alarmId: alarm.id, result: 'ended' };
    const now = this.#now();
    alarm.sourceEndedAt = now;
    this.#history(alarm, { at: now, action: 'source_ended', by: null, comment: event.note ?? null });
    // Nobody took it and its cause is gone: it stops alerting. One being worked stays with its operators.
    if (unattended(alarm.status)) this.#close(alarm, 'source_ended', null, null);
    else {
      alarm.updatedAt = now;
      this.#deps.store.update(alarm);
      this.#publish(alarm, 'source_ended');
    }
    return { alarmId: alarm.id, result: 'ended' };
  }

  #move(principal: Principal, alarmId: string, move: AlarmMove, comment: string | null, reason?: CloseReason): AlarmResponse {
    const alarm = this.#workable(principal, alarmId);
    const status = transition(alarm.status, move);
    if (status === 'closed') {
      this.#close(alarm, reason!, principal, comment);
      return { alarm: this.#view(alarm, principal) };
    }
    const at = this.#now();
    alarm.status = status;
    alarm.updatedAt = at;
    alarm.escalateAt = null;
    this.#history(alarm, { at, action: status, by: by(principal), comment });
    this.#deps.store.update(alarm);
    this.#audit(status === 'acknowledged' ? 'alarm.acknowledged' : 'alarm.state', alarm, principal, { status });
    this.#wake(alarm.id);
    this.#publish(alarm, status);
    return { alarm: this.#view(alarm, principal) };
  }

  /** Closes the alarm: its timer stops, its incident closes (ending the views opened for it, then its grants). */
  #close(alarm: AlarmRecord, reason: CloseReason, principal: Principal | null, comment: string | null): void {
    const at = this.#now();
    const entry = this.#open.get(alarm.id);
    clearTimeout(entry?.timer);
    this.#open.delete(alarm.id);
    alarm.status = 'closed';
    alarm.closedAt = at;
    alarm.closeReason = reason;
    alarm.updatedAt = at;
    alarm.escalateAt = null;
    this.#history(alarm, { at, action: 'closed', by: principal ? by(principal) : null, comment, closeReason: reason });
    this.#deps.store.update(alarm);
    this.#deps.record({ action: 'alarm.closed', outcome: 'info', ...this.#about(alarm), ...(principal ? actor(principal) : {}), detail: { alarmId: alarm.id, reason } });
    const incident = alarm.incidentId ? this.#deps.incidents.get(alarm.incidentId) : undefined;
    if (incident?.status === 'open') this.#deps.incidents.closeOpen(incident);
    this.#publish(alarm, 'closed');
  }

  /** Wakes the alarm when its escalation is due or its grants need renewing, whichever comes first. */
  #wake(alarmId: string): void {
    const entry = this.#open.get(alarmId);
    if (!entry) return;
    clearTimeout(entry.timer);
    const now = this.#now();
    const { alarm } = entry;
    if (alarm.escalateAt !== null && alarm.escalateAt <= now) this.#escalate(alarm);
    if (entry.renewAt <= now) {
      this.#grantAll(alarm);
      entry.renewAt = now + (this.#deps.config.grantTtlS * 1000) / 2;
    }
    const next = Math.min(entry.renewAt, alarm.escalateAt ?? Infinity);
    entry.timer = setTimeout(() => this.#wake(alarmId), Math.max(0, Math.min(next - now, 2 ** 31 - 1)));
    entry.timer.unref();
  }

  #escalate(alarm: AlarmRecord): void {
    const now = this.#now();
    alarm.escalateAt = null;
    if (!alarm.escalation || !unattended(alarm.status) || alarm.escalated) return;
    const to = alarm.escalation.to;
    alarm.escalated = true;
    alarm.updatedAt = now;
    this.#history(alarm, { at: now, action: 'escalated', by: null, comment: null, to });
    // To another agency: it receives the alarm (and its grant) at the most urgent priority the alarm has.
    const joins = to !== 'supervisor' && !alarm.recipients.some((r) => r.agency === to);
    if (joins) alarm.recipients.push({ agency: to, agencyName: this.#agencyName(to), priority: Math.min(...alarm.recipients.map((r) => r.priority)), via: 'escalation', since: now });
    this.#openIncident(alarm);
    this.#deps.store.update(alarm);
    this.#deps.record({ action: 'alarm.escalated', outcome: 'info', ...this.#about(alarm), detail: { alarmId: alarm.id, to, afterS: alarm.escalation.afterS } });
    if (joins) {
      this.#routed(alarm, [to]);
      this.#grantAll(alarm);
    }
    this.#publish(alarm, 'escalated');
  }

  /** Each recipient holds a grant of exactly the alarm's cameras, in force for `grantTtlS` from now. */
  #grantAll(alarm: AlarmRecord): void {
    if (!alarm.incidentId || alarm.cameras.length === 0) return;
    const { grants } = this.#deps.incidents;
    const ttlMs = this.#deps.config.grantTtlS * 1000;
    // No overlap: the cameras the person has left stop being the alarm's at once.
    const shape = { cameras: alarm.cameras, center: alarm.location, radiusM: this.#reach(alarm), overlap: { ms: 0, max: 0 } };
    for (const { agency } of alarm.recipients) {
      const held = grants.activeOf(agency).find((grant) => grant.alarmId === alarm.id);
      if (held && grants.reshape(held.id, shape)) continue;
      grants.request({ incidentId: alarm.incidentId, agency, center: shape.center, radiusM: shape.radiusM, source: `alert:${alarm.source}`, requestedBy: alarm.source, ttlMs, approved: true, corridor: { alarmId: alarm.id, cameras: alarm.cameras } });
    }
  }

  /** The alarm's incident, opened once it has a recipient (the most urgent one opens it). */
  #openIncident(alarm: AlarmRecord): void {
    if (alarm.incidentId || alarm.recipients.length === 0) return;
    const { type, purpose } = INCIDENT_OF[alarm.kind];
    const incident = this.#deps.incidents.openBare(
      { agency: alarm.recipients[0]!.agency, subject: alarm.source, purpose },
      { type, location: alarm.location, description: `경보 ${alarm.kind} ${alarm.level} (${alarm.source})`, externalRef: alarm.id }
    );
    alarm.incidentId = incident.id;
  }

  #routed(alarm: AlarmRecord, agencies: readonly string[]): void {
    this.#deps.record({ action: 'alarm.routed', outcome: 'info', ...this.#about(alarm), detail: { alarmId: alarm.id, to: agencies, level: alarm.level } });
  }

  /** The source camera, then the nearest cameras to the point (whoever's they are: the grant opens them). */
  #camerasAround(location: { lat: number; lon: number }, cameraId: string | null): string[] {
    const near = this.#deps.nearest(location.lat, location.lon, this.#deps.config.nearestCameras, (camera) => camera.id !== cameraId);
    return [...(cameraId ? [cameraId] : []), ...near.map((camera) => camera.id)];
  }

  #reach(alarm: AlarmRecord): number {
    let reach = MIN_REACH_M;
    for (const id of alarm.cameras) {
      const camera = this.#deps.registry.get(id);
      if (camera) reach = Math.max(reach, Math.ceil(haversineM(alarm.location.lat, alarm.location.lon, camera.location.lat, camera.location.lon)));
    }
    return reach;
  }

  #place(event: AlertObservation, current: AlarmRecord | undefined): Place {
    const site = event.kind === 'water' ? this.#sites.get(event.siteId) : undefined;
    if (event.kind === 'water' && !site) throw new HubError('BAD_REQUEST', `잘못된 요청입니다 (siteId: unknown underpass site ${event.siteId})`);
    const cameraId = event.cameraId ?? site?.cameraId ?? current?.cameraId ?? null;
    const camera = cameraId ? this.#deps.registry.get(cameraId) : undefined;
    if (cameraId && !camera) throw new HubError('CAMERA_UNKNOWN', `알 수 없는 카메라입니다 (cameraId: unknown camera ${cameraId})`);
    // The latest fix of the whole track: an update that arrives late (an older fix) does not move the point back.
    const known = current && (current.detail.kind === 'sos' || current.detail.kind === 'tag') ? current.detail.track.slice(-1) : [];
    const fixes = event.kind === 'sos' || event.kind === 'tag' ? [...known, ...event.fixes] : [];
    const latest = fixes.reduce<Fix | undefined>((best, fix) => (!best || fix.at >= best.at ? fix : best), undefined);
    const position = latest ?? event.position ?? (site && { lat: site.lat, lon: site.lon }) ?? current?.location ?? camera?.location;
    if (!position) throw new HubError('BAD_REQUEST', `잘못된 요청입니다 (position: the event names no camera, position or fix)`);
    const location = { lat: position.lat, lon: position.lon };
    const district = this.#deps.districtAt(location.lat, location.lon);
    if (!district) throw new HubError('OUT_OF_REGION', '허브의 관할 지역 밖입니다 (position: outside the hub\'s region)');
    return { location, district: { code: district.code, name: district.name, nameEn: district.nameEn }, cameraId };
  }

  /** An alarm routed to the caller's agency (another's, or an unknown id, is ALARM_NOT_FOUND alike). */
  #recipientOf(principal: Principal, alarmId: string): AlarmRecord {
    const alarm = this.#open.get(alarmId)?.alarm ?? this.#deps.store.get(alarmId);
    if (!alarm || !alarm.recipients.some((r) => r.agency === principal.agency.id)) throw new HubError('ALARM_NOT_FOUND', '경보를 찾을 수 없습니다 (no such alarm)');
    return alarm;
  }

  /** An alarm the caller may work: a recipient's operator or supervisor, and still open. */
  #workable(principal: Principal, alarmId: string): AlarmRecord {
    const alarm = this.#recipientOf(principal, alarmId);
    if (!WORKING_ROLES.has(principal.role)) throw new HubError('FORBIDDEN', `'${principal.role}' 역할은 경보를 처리할 수 없습니다 (this role does not work alarms)`);
    if (alarm.status === 'closed') throw new HubError('ALARM_CLOSED', '이미 종료된 경보입니다 (alarm closed)');
    return alarm;
  }

  #history(alarm: AlarmRecord, entry: AlarmHistoryEntry): void {
    alarm.history.push(entry);
    if (alarm.history.length > MAX_HISTORY) alarm.history.splice(1, alarm.history.length - MAX_HISTORY);
  }

  #view(alarm: AlarmRecord, principal: Pick<Principal, 'role' | 'agency'>) {
    return alarmView(alarm, principal, { site: (id) => this.#sites.get(id) });
  }

  /** To every session of every recipient: one view for those who see the guardian's contact and one for those who do not. */
  #publish(alarm: AlarmRecord, change: AlarmAction): void {
    if (alarm.recipients.length === 0) return;
    const views = new Map<string, AlarmChangedEvent>();
    this.#deps.publish(new Set(alarm.recipients.map((r) => r.agency)), (principal) => {
      const key = `${principal.agency.id}\u0000${principal.role}`;
      let event = views.get(key);
      if (!event) views.set(key, (event = { change, alarm: this.#view(alarm, principal) }));
      return event;
    });
  }

  #audit(action: AuditInput['action'], alarm: AlarmRecord, principal: Principal, detail: Record<string, unknown> = {}): void {
    this.#deps.record({ action, outcome: 'info', ...this.#about(alarm), ...actor(principal), detail: { alarmId: alarm.id, ...detail } });
  }

  #about(alarm: AlarmRecord): Pick<AuditInput, 'incidentId' | 'cameraId' | 'agency'> {
    return {
      ...(alarm.incidentId ? { incidentId: alarm.incidentId } : {}),
      ...(alarm.cameraId ? { cameraId: alarm.cameraId } : {}),
      ...(alarm.recipients[0] ? { agency: alarm.recipients[0].agency } : {})
    };
  }

  #agencyName(agency: string): string {
    return this.#deps.policies.get(agency)?.name ?? agency;
  }
}

interface Place {
  location: { lat: number; lon: number };
  district: DistrictRef;
  cameraId: string | null;
}

function by(principal: Principal): AlarmHistoryEntry['by'] {
  return { subject: principal.subject, name: principal.name, agency: principal.agency.id };
}

function actor(principal: Principal): Pick<AuditInput, 'subject' | 'agency' | 'role'> {
  return { subject: principal.subject, agency: principal.agency.id, role: principal.role };
}

function nearCamera(camera: RegistryCamera, to: { lat: number; lon: number }): NearCamera {
  const { id, name, district, category, location, facingDeg, fovDeg } = camera;
  return {
    id, name, district: district.code, category, lat: location.lat, lon: location.lon, ...(facingDeg === undefined ? {} : { facingDeg, fovDeg }),
    distanceM: Math.round(haversineM(to.lat, to.lon, location.lat, location.lon)),
    facing: false
  };
}

function detailOf(event: AlertObservation): StoredDetail {
  switch (event.kind) {
    case 'crowd':
      return { kind: 'crowd', density: event.density, areaName: event.areaName ?? null };
    case 'water':
      return { kind: 'water', siteId: event.siteId, levelCm: event.levelCm };
    case 'fire':
      return { kind: 'fire', detected: event.detected, confidence: event.confidence };
    case 'bell':
      return { kind: 'bell', bellId: event.bellId };
    case 'sos':
      return { kind: 'sos', category: event.category, description: event.description ?? null, guardianContact: event.guardianContact ?? null, track: addFixes([], event.fixes) };
    case 'tag':
      return { kind: 'tag', tagId: event.tagId, violation: event.violation ?? null, track: addFixes([], event.fixes) };
  }
}

/** The detail after an update: the latest measure, new fixes added to the track (a retried update adds none twice). */
function mergeDetail(detail: StoredDetail, event: AlertObservation): StoredDetail {
  const next = detailOf(event);
  if (detail.kind === 'sos' && next.kind === 'sos') {
    return { ...next, description: next.description ?? detail.description, guardianContact: next.guardianContact ?? detail.guardianContact, track: addFixes(detail.track, next.track) };
  }
  if (detail.kind === 'tag' && next.kind === 'tag') return { ...next, violation: next.violation ?? detail.violation, track: addFixes(detail.track, next.track) };
  return next;
}

function addFixes(track: readonly Fix[], fixes: readonly Fix[]): Fix[] {
  const seen = new Set(track.map((fix) => fix.at));
  const merged = [...track, ...fixes.filter((fix) => !seen.has(fix.at))].sort((a, b) => a.at - b.at);
  return merged.slice(-MAX_TRACK);
}

