/**
 * GET /api/audit and GET /api/audit.csv for the HTTP server to mount. Who may ask (the auditor
 * role) is decided by the caller; this answers the query. Unknown or repeated parameters are
 * refused rather than ignored, so a mistyped filter never returns more than was asked for.
 *
 *   ?cameraId=&subject=&agency=&incidentId=&action=&outcome=&from=&to=&limit=&offset=
 *   from / to: ms since the epoch or an ISO 8601 time with its offset; [from, to).
 *   limit: JSON default 200; CSV default 5000 (an export should not stop at the first page).
 */
import { z } from 'zod';
import { toCsv, isoWithOffset } from './csv.ts';
import { AuditUnavailableError } from './errors.ts';
import type { AuditLog } from './log.ts';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT, type AuditFilter } from './types.ts';

export const AUDIT_JSON_PATH = '/api/audit';
export const AUDIT_CSV_PATH = '/api/audit.csv';

export interface AuditHttpResponse {
  status: number;
  contentType: string;
  body: string;
  /** For content-disposition on a CSV export, e.g. audit-20250301-093000.csv (KST). */
  filename?: string;
  /** How many records matched, when the query ran (for a header such as x-total-count). */
  total?: number;
}

const text = z.string().min(1).max(200);

const time = z.string().transform((value, ctx) => {
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected ms since the epoch or an ISO 8601 time with an offset' });
    return z.NEVER;
  }
  return ms;
});

const count = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const querySchema = z
  .object({
    cameraId: text,
    subject: text,
    agency: text,
    incidentId: text,
    action: z.enum(AUDIT_ACTIONS),
    outcome: z.enum(AUDIT_OUTCOMES),
    from: time,
    to: time,
    limit: count(1, QUERY_MAX_LIMIT),
    offset: count(0, 999_999_999)
  })
  .partial()
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from is after to', path: ['from'] });

export function auditResponse(log: AuditLog, url: URL, now: number = Date.now()): AuditHttpResponse {
  const csv = url.pathname === AUDIT_CSV_PATH;
  if (!csv && url.pathname !== AUDIT_JSON_PATH) return error(404, 'NOT_FOUND', `no such audit resource: ${url.pathname}`);

  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in raw) return error(400, 'BAD_REQUEST', `${key}: given more than once`);
    if (value !== '') raw[key] = value; // an empty form field is no filter
  }
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; ');
    return error(400, 'BAD_REQUEST', message);
  }
  const filter: AuditFilter = { ...parsed.data, limit: parsed.data.limit ?? (csv ? QUERY_MAX_LIMIT : QUERY_DEFAULT_LIMIT) };

  let result: ReturnType<AuditLog['query']>;
  try {
    result = log.query(filter);
  } catch (caught) {
    if (caught instanceof AuditUnavailableError) return error(503, caught.code, caught.message);
    throw caught;
  }
  if (!csv) return { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(result), total: result.total };
  return {
    status: 200,
    contentType: 'text/csv; charset=utf-8',
    body: toCsv(result.entries),
    filename: `audit-${isoWithOffset(now, 9 * 60).slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.csv`,
    total: result.total
  };
}

function error(status: number, code: string, message: string): AuditHttpResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: { code, message } }) };
}
