/**
 * The audit trail as the page reads it from `GET /api/audit`. The lists mirror
 * `server/audit/types.ts` (the server's module is not part of the shared `$protocol`); the
 * type-only checks below fail the type check if the two ever drift apart.
 */
import type {
  AuditAction as ServerAuditAction,
  AuditEntry as ServerAuditEntry,
  AuditOutcome as ServerAuditOutcome
} from '../../../../server/audit/types.ts';

export const AUDIT_ACTIONS = [
  'session.start',
  'session.end',
  'auth.refused',
  'view.start',
  'view.stop',
  'view.refused',
  'token.refreshed',
  'grant.issued',
  'grant.renewed',
  'grant.ended',
  'incident.opened',
  'incident.closed',
  'revocation',
  'issuers.reloaded'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['allowed', 'refused', 'info'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One record of the hash chain: `seq` is its place, `hash` covers it and `prevHash`. */
export type AuditEntry = ServerAuditEntry;

export interface AuditPage {
  entries: AuditEntry[];
  /** Records matching the filter, over all pages. */
  total: number;
}

export const AUDIT_PAGE_SIZE = 100;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameActions: Same<AuditAction, ServerAuditAction> = true;
const sameOutcomes: Same<AuditOutcome, ServerAuditOutcome> = true;
void sameActions;
void sameOutcomes;

export function isAuditAction(value: unknown): value is AuditAction {
  return (AUDIT_ACTIONS as readonly unknown[]).includes(value);
}

export function isAuditOutcome(value: unknown): value is AuditOutcome {
  return (AUDIT_OUTCOMES as readonly unknown[]).includes(value);
}
