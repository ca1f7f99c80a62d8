/**
 * The hub's development sign-in API: demo agencies and tokens from the local dev issuer.
 * Both answer 404 in production, where tokens come from each agency's own identity provider.
 */
import { AppError, parseWireError } from '$lib/errors/app-error.ts';

export interface DemoAgency {
  id: string;
  name: string;
  nameEn: string;
  description: string;
}

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

type Fetch = typeof fetch;

/** fetch, with a network failure turned into an AppError the error handler knows. */
async function send(fetchFn: Fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    throw new AppError('HTTP', `${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function failure(response: Response, what: string): Promise<AppError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: the status says enough.
  }
  const wire = parseWireError((body as { error?: unknown } | null)?.error ?? body);
  return wire ? AppError.fromWire(wire) : new AppError('HTTP', `${what}: HTTP ${response.status}`);
}

/** The demo agencies, or null when the hub runs in production mode (no dev API). */
export async function fetchDemoAgencies(fetchFn: Fetch = fetch): Promise<DemoAgency[] | null> {
  const response = await send(fetchFn, '/api/dev/agencies', { headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response, 'agencies');
  const body = (await response.json()) as { agencies?: DemoAgency[] };
  return Array.isArray(body.agencies) ? body.agencies : [];
}

export async function requestDemoToken(agency: string, fetchFn: Fetch = fetch): Promise<IssuedToken> {
  const response = await send(fetchFn, '/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ agency })
  });
  if (!response.ok) throw await failure(response, 'token');
  const body = (await response.json()) as Partial<IssuedToken>;
  if (typeof body.token !== 'string') throw new AppError('HTTP', 'token: malformed answer');
  return { token: body.token, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : 0 };
}
