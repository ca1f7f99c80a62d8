/**
 * Every shared view the hub runs: opened here, loaded back from hub.sqlite at start, found for a
 * joiner only when they are invited (else the same VIEW_NOT_FOUND as an unknown id), ended with
 * their incident. The one owner of the SharedView objects; close() releases them all. Grant
 * extension lives here too: the owner widens the incident's grant to a participating agency,
 * bounded by the grant policy, recorded, and the agency's tiles resolve live.
 */
import { randomUUID } from 'node:crypto';
import type { GrantPolicy } from '../auth/grant-policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { AuditInput } from '../audit/types.ts';
import type { Incidents } from '../incidents/incidents.ts';
import { HubError } from '../protocol/errors.ts';
import type { GrantBound } from '../protocol/incidents.ts';
import type { ExtendGrantResponse, JoinViewResponse, ViewRequestOf, ViewSnapshot, ViewSummary, WireEnvelope } from '../protocol/shared-view.ts';
import { SharedView, userOf, type SharedViewDeps, type ViewSession } from './view.ts';

export interface SharedViewsDeps extends SharedViewDeps {
  incidents: Incidents;
  grantPolicy: GrantPolicy;
  /** Whether the hub has a policy for this agency. */
  agencyKnown(agency: string): boolean;
  maxOpenPerUser: number;
}

/**
 * What an extension stays within, so it never shows the receiving agency more than the owner's
 * agency sees there: the owner agency's categories always; its 구 too, unless the incident's own
 * grant opens the whole circle to it (or its scope is the whole city).
 */
function extensionBound(owner: Principal, circleGranted: boolean): GrantBound {
  return circleGranted || owner.scope.cityWide ? { agency: owner.agency.id } : { agency: owner.agency.id, districts: [...owner.scope.districts] };
}

const notFound = () => new HubError('VIEW_NOT_FOUND', '상황 공유를 찾을 수 없습니다 (no such shared view, or not invited)');

export class SharedViews {
  readonly #deps: SharedViewsDeps;
  readonly #views = new Map<string, SharedView>();
  /** The views each session is in, so its end leaves them all. */
  readonly #sessions = new Map<ViewSession, Set<SharedView>>();

  constructor(deps: SharedViewsDeps) {
    this.#deps = deps;
    for (const state of deps.store.loadOpen()) this.#views.set(state.id, new SharedView(state, deps));
  }

  get size(): number {
    return this.#views.size;
  }

  open(session: ViewSession, request: ViewRequestOf<'view:open'>): { view: ViewSnapshot } {
    const principal = session.principal();
    if (principal.role !== 'operator' && principal.role !== 'supervisor') throw new HubError('FORBIDDEN', '운영자만 상황 공유를 열 수 있습니다 (operators only)');
    const owned = [...this.#views.values()].filter((v) => v.open && v.state.owner.subject === principal.subject && v.state.owner.agency === principal.agency.id).length;
    if (owned >= this.#deps.maxOpenPerUser) throw new HubError('RATE_LIMITED', `열어 둔 상황 공유가 이미 ${owned}개입니다 (${owned} shared views already open)`);
    let incidentId: string | null = null;
    if (request.incidentId !== undefined) {
      const incident = this.#deps.incidents.visibleTo(principal.agency.id, request.incidentId);
      if (!incident) throw new HubError('INCIDENT_NOT_FOUND', '사건을 찾을 수 없습니다 (no such incident)');
      if (incident.status !== 'open') throw new HubError('INCIDENT_CLOSED', '이미 종료된 사건입니다 (incident closed)');
      incidentId = incident.id;
    }
    const invite = request.invite ?? { agencies: [], users: [] };
    // The owner's own agency is invited with it: its colleagues and its wall follow along.
    const invited = { agencies: [...new Set([principal.agency.id, ...invite.agencies])], users: invite.users };
    const view = SharedView.open(`view-${randomUUID()}`, principal, { title: request.title, incidentId, invited }, this.#deps);
    this.#views.set(view.id, view);
    this.#deps.record({
      action: 'share.opened',
      outcome: 'info',
      subject: principal.subject,
      agency: principal.agency.id,
      role: principal.role,
      clientAddress: session.clientAddress,
      ...(incidentId ? { incidentId } : {}),
      detail: { viewId: view.id, title: request.title, invited }
    });
    this.#enter(session, view);
    view.join(session, undefined);
    return { view: view.snapshotFor(principal) };
  }

  join(session: ViewSession, { viewId, sinceVersion }: ViewRequestOf<'view:join'>): JoinViewResponse {
    const view = this.#find(session.principal(), viewId);
    this.#enter(session, view);
    return view.join(session, sinceVersion);
  }

  change(session: ViewSession, { viewId, baseVersion, op }: ViewRequestOf<'view:op'>): { applied: WireEnvelope } {
    const view = this.#joined(session, viewId);
    const applied = view.change(session, { baseVersion, op });
    if (!view.open) this.#views.delete(view.id);
    return { applied };
  }

  leave(session: ViewSession, { viewId }: ViewRequestOf<'view:leave'>): Record<string, never> {
    const view = this.#joined(session, viewId);
    view.leave(session);
    this.#sessions.get(session)?.delete(view);
    return {};
  }

  list(principal: Principal): ViewSummary[] {
    const views: ViewSummary[] = [];
    for (const view of this.#views.values()) if (view.open && view.admits(principal)) views.push(view.summary());
    return views.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The owner extends the view's incident grant to a participating agency; that agency's tiles resolve at once. */
  extendGrant(session: ViewSession, { viewId, agency }: ViewRequestOf<'view:extend-grant'>): ExtendGrantResponse {
    const principal = session.principal();
    const view = this.#joined(session, viewId);
    const { state } = view;
    if (state.owner.subject !== principal.subject || state.owner.agency !== principal.agency.id) throw new HubError('VIEW_READ_ONLY', '상황 공유를 연 사람만 권한을 넓힐 수 있습니다 (owner only)');
    if (!state.incidentId) throw new HubError('BAD_REQUEST', '사건에 묶이지 않은 상황 공유입니다 (a standalone view has no incident grant)');
    if (!state.invited.agencies.includes(agency) && !view.participants().some((p) => p.agency === agency)) {
      throw new HubError('BAD_REQUEST', '참여 기관에만 권한을 넓힐 수 있습니다 (only to a participating agency)');
    }
    const { incidents } = this.#deps;
    const incident = incidents.get(state.incidentId)!;
    const grants = incidents.grants;
    const existing = grants.activeOf(agency).find((g) => g.incidentId === incident.id);
    if (existing) return { grant: { id: existing.id, incidentId: existing.incidentId, agency, radiusM: existing.radiusM, expiresAt: existing.expiresAt } };
    const now = Date.now();
    // The incident's own circle grant (a pursuit's corridor opens listed cameras, not the circle).
    const incidentGrant = grants.activeOf(incident.agency).find((g) => g.incidentId === incident.id && !g.cameras);
    const ruling = this.#deps.grantPolicy.ruleExtension(
      { owner: principal, incident, incidentGrant, agency, agencyKnown: this.#deps.agencyKnown(agency), now },
      (of, source) => grants.openCount(of, source)
    );
    if (ruling instanceof HubError) {
      this.#deps.record({ action: 'grant.extended', outcome: 'refused', code: ruling.code, subject: principal.subject, agency: principal.agency.id, role: principal.role, clientAddress: session.clientAddress, incidentId: incident.id, detail: { viewId, to: agency } });
      throw ruling;
    }
    // In force at once: grant:issued re-resolves the agency's tiles in every view and tells its sessions to list again.
    const within = extensionBound(principal, incidentGrant !== undefined);
    const record = grants.request({ incidentId: incident.id, agency, center: incident.location, radiusM: ruling.radiusM, source: ruling.source, requestedBy: principal.subject, ttlMs: ruling.ttlMs, approved: true, within });
    const expiresAt = record.expiresAt ?? now + ruling.ttlMs;
    this.#deps.record({
      action: 'grant.extended',
      outcome: 'allowed',
      subject: principal.subject,
      agency: principal.agency.id,
      role: principal.role,
      clientAddress: session.clientAddress,
      incidentId: incident.id,
      detail: { viewId, to: agency, grantId: record.id, radiusM: ruling.radiusM, expiresAt, within }
    });
    view.append(userOf(principal), { type: 'grant.extended', agency, grantId: record.id, expiresAt });
    return { grant: { id: record.id, incidentId: incident.id, agency, radiusM: ruling.radiusM, expiresAt } };
  }

  /** An agency's grants changed (issued, ended): its participants' tiles are resolved again. */
  grantsChanged(agency: string): void {
    for (const view of this.#views.values()) if (view.open) view.reresolve(agency);
  }

  /** Views bound to an incident end with it. */
  incidentClosed(incidentId: string): void {
    for (const view of [...this.#views.values()]) {
      if (view.state.incidentId !== incidentId || !view.open) continue;
      view.end(view.state.owner, 'incident-closed');
      this.#views.delete(view.id);
    }
  }

  /** A session ended (disconnect, expiry): it leaves every view it was in. */
  sessionEnded(session: ViewSession): void {
    for (const view of this.#sessions.get(session) ?? []) view.leave(session);
    this.#sessions.delete(session);
  }

  close(): void {
    for (const view of this.#views.values()) view.close();
    this.#views.clear();
    this.#sessions.clear();
  }

  #find(principal: Principal, viewId: string): SharedView {
    const view = this.#views.get(viewId);
    // Not invited reads the same as unknown: a link says nothing to those it is not for.
    if (!view || !view.admits(principal)) throw notFound();
    if (!view.open) throw new HubError('VIEW_CLOSED', '종료된 상황 공유입니다 (the shared view is closed)');
    return view;
  }

  #joined(session: ViewSession, viewId: string): SharedView {
    const view = this.#find(session.principal(), viewId);
    if (!view.has(session)) throw new HubError('BAD_REQUEST', 'view:join 먼저 필요합니다 (join the view first)');
    return view;
  }

  #enter(session: ViewSession, view: SharedView): void {
    let views = this.#sessions.get(session);
    if (!views) this.#sessions.set(session, (views = new Set()));
    views.add(view);
  }
}
