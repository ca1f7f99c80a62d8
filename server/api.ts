/**
 * The hub's authenticated HTTP API, as a CAD (dispatch) system, an auditor or a supervisor
 * calls it — with the same agency JWTs the browsers use. Every body is parsed with a schema.
 */
import { z } from 'zod';
import type { Revocations } from './auth/revocations.ts';
import type { AuditLog } from './audit/log.ts';
import { auditResponse } from './audit/api.ts';
import type { ApiReply, ApiRoute } from './http.ts';
import { openIncidentSchema, type Incidents } from './incidents/incidents.ts';
import { HubError } from './protocol/errors.ts';
import type { Principal } from './auth/principal.ts';
import type { RegistryCamera } from './cameras/registry.ts';
import type { GeoService } from './geo/service.ts';
import { RouteError } from './routing/errors.ts';

export interface ApiDeps {
  incidents: Incidents;
  audit: AuditLog;
  revocations: Revocations;
  /** Ends the sessions of a revoked user at once. */
  afterRevocation: () => Promise<void>;
  geo: GeoService;
  /** The caller's view decision as a filter: what it may watch is what it may find on the map. */
  viewable: (principal: Principal) => (camera: RegistryCamera) => boolean;
  /** Pushes a changed dispatch to the agency's other operators. */
  dispatchChanged: (agency: string, incidentId: string) => void;
}

const point = { lat: z.coerce.number().min(-90).max(90), lon: z.coerce.number().min(-180).max(180) };
const nearestQuery = z.object({ ...point, n: z.coerce.number().int().min(1).max(32).default(8) }).strict();
const routeQuery = z.object({ ...point, kind: z.enum(['fire', 'police']).optional() }).strict();
const query = (url: URL) => Object.fromEntries(url.searchParams);
const dispatchBody = z.object({ kind: z.enum(['fire', 'police']).optional() }).strict();
const congestionBody = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();

/** 119 rooms dispatch engines from fire stations; everyone else from police stations. */
function stationKind(principal: Principal): 'fire' | 'police' {
  return principal.purpose === 'dispatch-119' || principal.purpose === 'disaster' ? 'fire' : 'police';
}

function routed<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RouteError) throw new HubError('ROUTE_UNREACHABLE', `경로를 찾을 수 없습니다 (${error.message})`);
    throw error;
  }
}

const revokeSchema = z.object({ subject: z.string().min(1).max(128) }).strict();
const INCIDENT_ID = '(inc-[0-9a-f-]{36})';

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError('BAD_REQUEST', `잘못된 요청입니다 (${issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'invalid body'})`);
  }
  return parsed.data;
}

function requireRole(principal: Principal, role: Principal['role']): void {
  if (principal.role !== role) throw new HubError('FORBIDDEN', `'${role}' 역할이 필요합니다 (${role} role required)`);
}

const json = (status: number, body: unknown): ApiReply => ({ status, json: body });

export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const { incidents, audit, revocations } = deps;
  const openIncidentOf = (principal: Principal, id: string) => {
    const incident = incidents.get(id);
    if (!incident || incident.agency !== principal.agency.id) throw new HubError('NOT_FOUND', '사건을 찾을 수 없습니다 (no such incident)');
    if (incident.status !== 'open') throw new HubError('GRANT_ENDED', '이미 종료된 사건입니다 (incident closed)');
    return incident;
  };
  return [
    {
      method: 'POST',
      path: /^\/api\/incidents$/,
      handle: ({ principal, body }) => json(201, incidents.open(principal, parse(openIncidentSchema, body)))
    },
    {
      method: 'GET',
      path: /^\/api\/incidents$/,
      handle: ({ principal }) => json(200, { incidents: incidents.list().filter((i) => i.agency === principal.agency.id) })
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/renew$`),
      handle: ({ principal, params }) => json(200, { grant: incidents.renew(principal, params[0]!) })
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/close$`),
      handle: ({ principal, params }) => json(200, { incident: incidents.close(principal, params[0]!) })
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/districts$/,
      handle: () => json(200, deps.geo.districtsGeoJson())
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/cameras$/,
      handle: ({ principal }) => json(200, deps.geo.cameras(deps.viewable(principal)))
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
        const { lat, lon, n } = parse(nearestQuery, query(url));
        return json(200, { cameras: deps.geo.nearest(lat, lon, n, deps.viewable(principal)) });
      }
    },
    {
      method: 'GET',
      path: /^\/api\/geo\/route$/,
      handle: ({ principal, url }) => {
        const { lat, lon, kind } = parse(routeQuery, query(url));
        return json(200, routed(() => deps.geo.dispatchRoute(kind ?? stationKind(principal), { lat, lon }, deps.viewable(principal))));
      }
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/dispatch$`),
      handle: ({ principal, params, body }) => {
        const incident = openIncidentOf(principal, params[0]!);
        const { kind } = parse(dispatchBody, body ?? {});
        const dispatch = routed(() => deps.geo.startDispatch(incident.id, kind ?? stationKind(principal), incident.location, deps.viewable(principal)));
        deps.dispatchChanged(incident.agency, incident.id);
        return json(200, dispatch);
      }
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/incidents/${INCIDENT_ID}/congestion$`),
      handle: ({ principal, params, body }) => {
        const incident = openIncidentOf(principal, params[0]!);
        const at = parse(congestionBody, body);
        const dispatch = routed(() => deps.geo.flagCongestion(incident.id, at, deps.viewable(principal)));
        if (!dispatch) throw new HubError('NOT_FOUND', '먼저 출동 경로를 요청하세요 (start the dispatch first)');
        deps.dispatchChanged(incident.agency, incident.id);
        return json(200, dispatch);
      }
    },
    {
      method: 'GET',
      path: /^\/api\/audit(\.csv)?$/,
      handle: ({ principal, url }) => {
        requireRole(principal, 'auditor');
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
        const { subject } = parse(revokeSchema, body);
        // A supervisor revokes users of their own agency only.
        revocations.revoke(subject, principal.agency.id, principal.subject);
        audit.append({ action: 'revocation', outcome: 'info', subject, agency: principal.agency.id, detail: { by: principal.subject } });
        await deps.afterRevocation();
        return json(200, { revoked: { subject, agency: principal.agency.id } });
      }
    }
  ];
}
