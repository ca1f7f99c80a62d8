/**
 * The audit API (`GET /api/audit`, `GET /api/audit.csv`), auditors only: the bearer token is
 * the same agency JWT the page signed in with. Other roles get FORBIDDEN, which the page
 * shows like any other refusal.
 */
import { AppError } from '$lib/errors/app-error.ts';
import { bearer, failure, send, type Fetch } from '$lib/http/request.ts';
import { apiQuery, type AuditFilter } from './query.ts';
import type { AuditPage } from './types.ts';

export interface AuditRequest {
  token: string;
  filter: AuditFilter;
  signal?: AbortSignal;
  fetchFn?: Fetch;
}

export async function fetchAuditPage(request: AuditRequest & { limit: number; offset: number }): Promise<AuditPage> {
  const query = apiQuery(request.filter, { limit: request.limit, offset: request.offset });
  const response = await send(request.fetchFn ?? fetch, `/api/audit?${query}`, {
    headers: bearer(request.token, { accept: 'application/json' }),
    ...(request.signal ? { signal: request.signal } : {})
  });
  if (!response.ok) throw await failure(response, 'audit');
  const body = (await response.json()) as Partial<AuditPage>;
  if (!Array.isArray(body.entries) || typeof body.total !== 'number') throw new AppError('HTTP', 'audit: malformed answer');
  return { entries: body.entries, total: body.total };
}

export interface CsvExport {
  blob: Blob;
  filename: string;
}

/** Every record matching the filter as CSV (the hub caps an export, not the first page). */
export async function fetchAuditCsv(request: AuditRequest): Promise<CsvExport> {
  const query = apiQuery(request.filter).toString();
  const response = await send(request.fetchFn ?? fetch, `/api/audit.csv${query ? `?${query}` : ''}`, {
    headers: bearer(request.token, { accept: 'text/csv' }),
    ...(request.signal ? { signal: request.signal } : {})
  });
  if (!response.ok) throw await failure(response, 'audit.csv');
  return { blob: await response.blob(), filename: filenameOf(response.headers.get('content-disposition')) };
}

/** The attachment's file name, or a dated default. */
export function filenameOf(disposition: string | null, now = Date.now()): string {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  const name = match?.[1] ? decodeURIComponent(match[1]).replace(/[/\\]/g, '_') : '';
  return name || `gth-audit-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
