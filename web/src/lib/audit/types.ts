/** The audit trail as the page reads it from `GET /api/audit`: the server's own types and lists. */
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditEntry as ServerAuditEntry, type AuditOutcome } from '$protocol/audit.ts';

export { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome };

/** One record of the hash chain: `seq` is its place, `hash` covers it and `prevHash`. */
export type AuditEntry = ServerAuditEntry;

export interface AuditPage {
  entries: AuditEntry[];
  /** Records matching the filter, over all pages. */
  total: number;
}

export const AUDIT_PAGE_SIZE = 100;

export function isAuditAction(value: unknown): value is AuditAction {
  return (AUDIT_ACTIONS as readonly unknown[]).includes(value);
}

export function isAuditOutcome(value: unknown): value is AuditOutcome {
  return (AUDIT_OUTCOMES as readonly unknown[]).includes(value);
}
