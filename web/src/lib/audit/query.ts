/**
 * The audit page's filter, the page address that deep-links it, and the API query it becomes.
 * Times are entered and shown in Korea Standard Time (UTC+9, no daylight saving), whatever
 * the browser's own zone: the records are about Korean situation rooms.
 */
import { isAuditAction, isAuditOutcome, type AuditAction, type AuditOutcome } from './types.ts';

export interface AuditFilter {
  cameraId: string;
  subject: string;
  agency: string;
  incidentId: string;
  action: AuditAction | '';
  outcome: AuditOutcome | '';
  /** `YYYY-MM-DDTHH:mm` in KST (a datetime-local value), or ''. */
  from: string;
  /** `YYYY-MM-DDTHH:mm` in KST, that minute included, or ''. */
  to: string;
}

export const EMPTY_FILTER: AuditFilter = Object.freeze({
  cameraId: '',
  subject: '',
  agency: '',
  incidentId: '',
  action: '',
  outcome: '',
  from: '',
  to: ''
});

const TEXT_KEYS = ['cameraId', 'subject', 'agency', 'incidentId'] as const;
const KST_OFFSET_MS = 9 * 3_600_000;
const MINUTE_MS = 60_000;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value read as KST → ms since epoch, or null when it is not one. */
export function kstLocalToMs(value: string): number | null {
  const match = LOCAL_TIME.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number | undefined];
  const ms = Date.UTC(y, mo - 1, d, h, mi, Number.isNaN(s) || s === undefined ? 0 : s) - KST_OFFSET_MS;
  return Number.isFinite(ms) ? ms : null;
}

/** ms since epoch → `YYYY-MM-DDTHH:mm` in KST (for a datetime-local field). */
export function msToKstLocal(ms: number): string {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 16);
}

/** The filter from the page address (`/audit?cameraId=…&from=2025-03-01T09:00`). */
export function filterFromParams(params: URLSearchParams): AuditFilter {
  const filter: AuditFilter = { ...EMPTY_FILTER };
  for (const key of TEXT_KEYS) filter[key] = params.get(key)?.trim() ?? '';
  const action = params.get('action');
  const outcome = params.get('outcome');
  if (isAuditAction(action)) filter.action = action;
  if (isAuditOutcome(outcome)) filter.outcome = outcome;
  for (const key of ['from', 'to'] as const) {
    const value = params.get(key) ?? '';
    if (kstLocalToMs(value) !== null) filter[key] = value;
  }
  return filter;
}

/** Page offset from the page address (`offset=`), 0 when absent or not a count. */
export function offsetFromParams(params: URLSearchParams): number {
  const value = Number(params.get('offset') ?? '0');
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The page address's query for a filter and page: only what is set, in a stable order. */
export function pageQuery(filter: AuditFilter, offset = 0): string {
  const params = new URLSearchParams();
  for (const key of [...TEXT_KEYS, 'action', 'outcome', 'from', 'to'] as const) {
    const value = filter[key].trim();
    if (value) params.set(key, value);
  }
  if (offset > 0) params.set('offset', String(offset));
  return params.toString();
}

/**
 * The query for `/api/audit` (and `/api/audit.csv` without `page`): times in ms, `to` made
 * exclusive at the end of its minute, as the API's `[from, to)` window wants.
 */
export function apiQuery(filter: AuditFilter, page?: { limit: number; offset: number }): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of [...TEXT_KEYS, 'action', 'outcome'] as const) {
    const value = filter[key].trim();
    if (value) params.set(key, value);
  }
  const from = kstLocalToMs(filter.from);
  const to = kstLocalToMs(filter.to);
  if (from !== null) params.set('from', String(from));
  if (to !== null) params.set('to', String(to - (to % MINUTE_MS) + MINUTE_MS));
  if (page) {
    params.set('limit', String(page.limit));
    params.set('offset', String(page.offset));
  }
  return params;
}

/** Whether anything is set. */
export function isEmptyFilter(filter: AuditFilter): boolean {
  return pageQuery(filter) === '';
}
