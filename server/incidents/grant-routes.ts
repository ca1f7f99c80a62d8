/**
 * The grants API: `GET /api/grants` (what the caller's agency sees of grants) and a supervisor's
 * decision on a pending grant (`POST /api/grants/:id/approve` · `…/deny`). A decision needs a
 * second person — a supervisor of the grant's agency who is not the one who asked — and is
 * written to the audit chain (durably, by the audit writer) before it takes effect: no record, no
 * grant. While its record is being written the grant is being decided: a second decision on it
 * is refused, so the chain never holds a decision that did not take effect.
 */
import { json, requireRole } from '../api.ts';
import type { AuditWriter } from '../audit/writer.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiRoute } from '../http.ts';
import { HubError } from '../protocol/errors.ts';
import type { GrantDecisionResponse, GrantRecord } from '../protocol/grants.ts';
import type { GrantViews } from './grant-views.ts';
import type { Incidents } from './incidents.ts';

export interface GrantRoutesDeps {
  incidents: Incidents;
  views: GrantViews;
  /** Resolves once the record is durable: a decision whose record cannot be written does not take effect. */
  audit: Pick<AuditWriter, 'append'>;
}

const GRANT_ID = '(grant-[0-9a-f-]{36})';

export function grantRoutes(deps: GrantRoutesDeps): ApiRoute[] {
  const { grants } = deps.incidents;
  /** Grants whose decision is being written. */
  const deciding = new Set<string>();
  /** The pending grant a supervisor of its agency, other than the one who asked, may decide. */
  const decidable = (principal: Principal, id: string): GrantRecord => {
    requireRole(principal, 'supervisor');
    const record = grants.record(id);
    if (!record || record.agency !== principal.agency.id) throw new HubError('NOT_FOUND', '권한 요청을 찾을 수 없습니다 (no such grant)');
    if (record.status !== 'pending' || deciding.has(id)) throw new HubError('GRANT_NOT_PENDING', '이미 결정된 권한 요청입니다 (the grant is not waiting for a decision)');
    if (record.requestedBy === principal.subject) throw new HubError('FORBIDDEN', '요청한 본인은 승인할 수 없습니다 (a second person must decide)');
    return record;
  };
  const decide = async (principal: Principal, id: string, approve: boolean): Promise<GrantDecisionResponse> => {
    const record = decidable(principal, id);
    deciding.add(id);
    try {
      await deps.audit.append({
        action: approve ? 'grant.approved' : 'grant.denied',
        outcome: approve ? 'allowed' : 'refused',
        agency: record.agency,
        subject: principal.subject,
        role: principal.role,
        incidentId: record.incidentId,
        detail: { grantId: record.id, requestedBy: record.requestedBy, radiusM: record.radiusM }
      });
    } finally {
      deciding.delete(id);
    }
    return { grant: approve ? grants.approve(id, principal.subject) : grants.deny(id, principal.subject) };
  };
  return [
    {
      method: 'GET',
      path: /^\/api\/grants$/,
      handle: ({ principal }) => json(200, deps.views.overview(principal))
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/grants/${GRANT_ID}/approve$`),
      handle: async ({ principal, params }) => json(200, await decide(principal, params[0]!, true))
    },
    {
      method: 'POST',
      path: new RegExp(`^/api/grants/${GRANT_ID}/deny$`),
      handle: async ({ principal, params }) => json(200, await decide(principal, params[0]!, false))
    }
  ];
}
