/**
 * The hub's authenticated HTTP API, as a CAD (dispatch) system, an auditor or a supervisor
 * calls it — with the same agency JWTs the browsers use. Every body is parsed with a schema.
 */
import type { z } from 'zod';
import type { Revocations } from './auth/revocations.ts';
import { COST } from './budget.ts';
import type { AuditLog } from './audit/log.ts';
import type { AuditWriter } from './audit/writer.ts';
import { auditResponse } from './audit/api.ts';
import { prepareJson, type ApiReply, type ApiRoute } from './http.ts';
import { incidentClosed, incidentNotFound, type Incidents } from './incidents/incidents.ts';
import { HubError } from './protocol/errors.ts';
import type { Dispatch } from './protocol/dispatch.ts';
import { nearestQuerySchema, routeQuerySchema, type NearestResponse } from './protocol/geo-requests.ts';
import {
  flagCongestionSchema,
  incidentListQuerySchema,
  openIncidentSchema,
  startDispatchSchema,
  type CloseIncidentResponse,
  type IncidentListResponse,
  type RenewGrantResponse
} from './protocol/incident-requests.ts';
import type { IncidentDetail, OpenIncidentResponse } from './protocol/incidents.ts';
import { liftRequestSchema, revokeRequestSchema, type RevocationsResponse } from './protocol/revocations.ts';
import type { Principal } from './auth/principal.ts';
import type { VisibleSet } from './cameras/scope-index.ts';
import type { GeoService } from './geo/service.ts';
import { RouteError } from './routing/errors.ts';

export interface ApiDeps {
  incidents: Incidents;
  audit: AuditLog;
  auditWriter: Pick<AuditWriter, 'append' | 'flush'>;
  revocations: Revocations;
  /** Ends the sessions of a revoked user at once (every session's token is checked again). */
  afterRevocation: () => Promise<void>;
  geo: GeoService;
  /** The cameras the caller may view: what it may watch is what it may find on the map. */
  visible: (principal: Principal) => VisibleSet;
  /** Pushes a changed dispatch to the agency's other operators. */
  dispatchChanged: (agency: string, incidentId: string) => void;
}

const query = (url: URL) => Object.fromEntries(url.searchParams);

/** 119 rooms dispatch engines from fire stations; everyone else from police stations. */
function stationKind(principal: Principal): 'fire' | 'police' {
  return principal.purpose === 'dispatch-119' || principal.purpose === 'disaster' ? 'fire' : 'police';
}

/** Tokens whose incidents get their dispatch route at once (a CAD opening a 112/119 call). */
const AUTO_DISPATCH: ReadonlySet<Principal['purpose']> = new Set(['dispatch-112', 'dispatch-119']);

function routed<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RouteError) throw new HubError('ROUTE_UNREACHABLE', `경로를 찾을 수 없습니다 (${error.message})`);
    throw error;
  }
}

const INCIDENT_ID = '(inc-[0-9a-f-]{36})';

export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError('BAD_REQUEST', `잘못된 요청입니다 (${issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'invalid body'})`);
  }
  return parsed.data;
}

export function requireRole(principal: Principal, role: Principal['role']): void {
  if (principal.role !== role) throw new HubError('FORBIDDEN', `'${role}' 역할이 필요합니다 (${role} role required)`);
}

export const json = (status: number, body: unknown): ApiReply => ({ status, json: body });

export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const { incidents, audit, revocations } = deps;
  /** An open incident the caller's agency opened: only it renews, closes and dispatches. */
  const openIncidentOf = (principal: Principal, id: string) => {
    const incident = incidents.get(id);
    if (!incident || incident.agency !== principal.agency.id) throw incidentNotFound();
    if (incident.status !== 'open') throw incidentClosed();
    return incident;
  };
  /** Any incident the caller's agency may see (its own, or one it was granted cameras for). */
  const visibleIncident = (principal: Principal, id: string) => {
    const incident = incidents.visibleTo(principal.agency.id, id);
    if (!incident) throw incidentNotFound();
    return incident;
  };
  const startDispatch = (principal: Principal, incidentId: string, location: { lat: number; lon: number }, kind = stationKind(principal)): Dispatch => {
    const dispatch = routed(() => deps.geo.startDispatch(incidentId, kind, location, deps.visible(principal).includes));
    deps.dispatchChanged(principal.agency.id, incidentId);
    return dispatch;
  };
  return [
    {
      method: 'POST',
      path: /^\/api\/incidents$/,
      cost: COST.compute,
      handle: ({ principal, body }) => {
        const { dispatch: wanted, nearest: wantedNearest = 8, ...input } = parse(openIncidentSchema, body);
        // Asked after the grant is minted: the cameras the new grant opens are among them.
        const nearestTo = (at: { lat: number; lon: number }) => (wantedNearest > 0 ? deps.geo.nearest(at.lat, at.lon, wantedNearest, deps.visible(principal).includes) : []);
        const reported = input.externalRef === undefined ? undefined : incidents.openByRef(principal.agency.id, input.externalRef);
        if (reported) {
          const dispatch = routed(() => deps.geo.dispatch(reported.incident.id, deps.visible(principal).includes)) ?? null;
          return json(200, { ...reported, dispatch, nearest: nearestTo(reported.incident.location) } satisfies OpenIncidentResponse);
        }
        const opened = incidents.open(principal, input);
        const { incident } = opened;
        const answer: OpenIncidentResponse = { ...opened, dispatch: null, nearest: nearestTo(incident.location) };
        if (wanted ?? AUTO_DISPATCH.has(principal.purpose)) {
          // The incident is open either way; a scene off the road network only has no route yet.
          try {
            answer.dispatch = startDispatch(principal, incident.id, incident.location);
          } catch (error) {
            if (!(error instanceof HubError)) throw error;
            answer.dispatchError = error.toWire();
          }
        }
        return json(201, answer);
      }
    },
    {
      method: 'GET',
      path: /^\/api\/incidents$/,
      handle: ({ principal, url }) => json(200, { incidents: incidents.list(principal.agency.id, parse(incidentListQuerySchema, query(url))) } satisfies IncidentListResponse)
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}$`),
      handle: ({ principal, params }) => {
        const incident = visibleIncident(principal, params[0]!);
        const detail: IncidentDetail = { incident, dispatch: routed(() => deps.geo.dispatch(incident.id, deps.visible(principal).includes)) ?? null };
        return json(200, detail);
      }
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/dispatch$`),
      handle: ({ principal, params }) => {
        const incident = visibleIncident(principal, params[0]!);
        const dispatch = routed(() => deps.geo.dispatch(incident.id, deps.visible(principal).includes));
        if (!dispatch) throw new HubError('NOT_FOUND', '이 사건의 출동 경로가 없습니다 (no dispatch for this incident)');
        return json(200, dispatch);
      }
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/renew$`),
      handle: ({ principal, params }) => json(200, { grant: incidents.renew(principal, params[0]!) } satisfies RenewGrantResponse)
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/close$`),
      handle: ({ principal, params }) => json(200, { incident: incidents.close(principal, params[0]!) } satisfies CloseIncidentResponse)
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/districts$/,
      handle: () => json(200, deps.geo.districtsGeoJson())
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/cameras$/,
      cost: COST.compute,
      handle: async ({ principal }) => {
        // Made once per visible set (the sessions of an agency share one): megabytes of JSON, gzipped.
        const visible = deps.visible(principal);
        return { status: 200, prepared: await visible.memo('geo:cameras', async () => prepareJson({ ...(await deps.geo.cameras(visible.includes)) })) };
      }
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/layers$/,
      handle: () => ({ status: 200, text: deps.geo.mapLayersJson(), contentType: 'application/json; charset=utf-8' })
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/nearest$/,
      handle: ({ principal, url }) => {
        const { lat, lon, n } = parse(nearestQuerySchema, query(url));
        return json(200, { cameras: deps.geo.nearest(lat, lon, n, deps.visible(principal).includes) } satisfies NearestResponse);
      }
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/route$/,
      cost: COST.compute,
      handle: ({ principal, url }) => {
        const { lat, lon, kind } = parse(routeQuerySchema, query(url));
        return json(200, routed(() => deps.geo.dispatchRoute(kind ?? stationKind(principal), { lat, lon }, deps.visible(principal).includes)));
      }
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/dispatch$`),
      cost: COST.compute,
      handle: ({ principal, params, body }) => {
        const incident = openIncidentOf(principal, params[0]!);
        const { kind } = parse(startDispatchSchema, body ?? {});
        return json(200, startDispatch(principal, incident.id, incident.location, kind));
      }
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/congestion$`),
      cost: COST.compute,
      handle: ({ principal, params, body }) => {
        const incident = openIncidentOf(principal, params[0]!);
        const at = parse(flagCongestionSchema, body);
        const dispatch = routed(() => deps.geo.flagCongestion(incident.id, at, deps.visible(principal).includes));
        if (!dispatch) throw new HubError('NOT_FOUND', '먼저 출동 경로를 요청하세요 (start the dispatch first)');
        deps.dispatchChanged(incident.agency, incident.id);
        return json(200, dispatch);
      }
    },
    {
      method: 'GET',
      path: /^\/api\/audit(\.csv)?$/,
      cost: COST.compute,
      handle: async ({ principal, url }) => {
        requireRole(principal, 'auditor');
        // Every record given before this request is in the answer.
        await deps.auditWriter.flush();
        const reply = auditResponse(audit, url);
        return reply.filename && reply.status === 200
          ? { status: 200, text: reply.body, contentType: reply.contentType, headers: { 'content-disposition': `attachment; filename="${reply.filename}"` } }
          : { status: reply.status, text: reply.body, contentType: reply.contentType };
      }
    },
    {
      method: 'POST',
      path: /^\/api\/admin\/revocations$/,
      handle: async ({ principal, body }) => {
        requireRole(principal, 'supervisor');
        const { subject } = parse(revokeRequestSchema, body);
        // A supervisor revokes users of their own agency only.
        const revoked = revocations.revoke(subject, principal.agency.id, principal.subject);
        await deps.auditWriter.append({ action: 'revocation', outcome: 'info', subject, agency: principal.agency.id, detail: { by: principal.subject } });
        await deps.afterRevocation();
        return json(200, { revoked });
      }
    },
    {
      method: 'POST',
      path: /^\/api\/admin\/revocations\/lift$/,
      handle: async ({ principal, body }) => {
        // Lifting is a supervisor's act for their own agency, on the record (durably) before it takes effect.
        requireRole(principal, 'supervisor');
        const { subject, reason } = parse(liftRequestSchema, body);
        if (!revocations.standing(principal.agency.id).some((r) => r.subject === subject)) {
          throw new HubError('NOT_FOUND', '이 사용자에 대한 사용 중지가 없습니다 (no standing revocation for this user)');
        }
        await deps.auditWriter.append({ action: 'revocation.lifted', outcome: 'info', subject, agency: principal.agency.id, detail: { by: principal.subject, reason } });
        return json(200, { lifted: revocations.lift(subject, principal.agency.id, principal.subject) });
      }
    },
    {
      method: 'GET',
      path: /^\/api\/admin\/revocations$/,
      handle: ({ principal }) => {
        requireRole(principal, 'supervisor');
        return json(200, { revocations: revocations.standing(principal.agency.id) } satisfies RevocationsResponse);
      }
    }
  ];
}
