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

export interface ApiDeps {
  incidents: Incidents;
  audit: AuditLog;
  revocations: Revocations;
  /** Ends the sessions of a revoked user at once. */
  afterRevocation: () => Promise<void>;
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
