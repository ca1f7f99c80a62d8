/**
 * The app's plain HTTP calls (sign-in API, audit API): fetch with a network failure or an
 * error answer turned into the AppError the one error handler knows. A hub error body is
 * `{ error: { code, message } }`; its code is kept, so the page says what the hub meant.
 */
import { AppError, parseWireError } from '$lib/errors/app-error.ts';

export type Fetch = typeof fetch;

/** fetch, with a network failure (and an abort) turned into an AppError. */
export async function send(fetchFn: Fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw new AppError('CLIENT_CLOSED', `${url}: aborted`, { cause: error });
    throw new AppError('HTTP', `${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The AppError for a non-2xx answer: the hub's wire code when the body carries one. */
export async function failure(response: Response, what: string): Promise<AppError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: the status says enough.
  }
  const wire = parseWireError((body as { error?: unknown } | null)?.error ?? body);
  return wire ? AppError.fromWire(wire) : new AppError('HTTP', `${what}: HTTP ${response.status}`);
}

/** `Authorization: Bearer …` plus the given headers. */
export function bearer(token: string, headers: Record<string, string> = {}): Record<string, string> {
  return { ...headers, authorization: `Bearer ${token}` };
}

/** A JSON call with the page's token (none: AUTH_REQUIRED): the answer's body, or the AppError of its failure. */
export async function callJson<T>(fetchFn: Fetch, token: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<T> {
  if (!token) throw new AppError('AUTH_REQUIRED', `${url}: not signed in`);
  const response = await send(fetchFn, url, {
    method,
    headers: bearer(token, { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  });
  if (!response.ok) throw await failure(response, url);
  return (await response.json()) as T;
}
