/**
 * The hub's development sign-in API: demo agencies and tokens from the local dev issuer.
 * Both answer 404 in production, where tokens come from each agency's own identity provider.
 */
import type { DemoAgencyInfo as DemoAgency, DevTokenRequest, IssuedToken } from '$protocol/dev-sign-in.ts';
import { PURPOSES, type Purpose } from '$protocol/events.ts';
import { AppError } from '$lib/errors/app-error.ts';
import { failure, send, type Fetch } from '$lib/http/request.ts';

export type { AgencyRole } from '$protocol/dev-sign-in.ts';
export type { DemoAgency, IssuedToken };

/** The demo agencies, or null when the hub runs in production mode (no dev API). */
export async function fetchDemoAgencies(fetchFn: Fetch = fetch): Promise<DemoAgency[] | null> {
  const response = await send(fetchFn, '/api/dev/agencies', { headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response, 'agencies');
  const body = (await response.json()) as { agencies?: unknown[] };
  return Array.isArray(body.agencies) ? body.agencies.map(readAgency) : [];
}

let devControls: Promise<boolean> | undefined;

/**
 * Whether the hub offers its development controls (sign-in, the pursuit scenario): asked once a
 * page load, of `/healthz` (the demo agencies it loaded; none in production), so a production
 * board never calls an `/api/dev/*` that answers 404.
 */
export function hubHasDevControls(fetchFn: Fetch = fetch): Promise<boolean> {
  devControls ??= send(fetchFn, '/healthz', { headers: { accept: 'application/json' } }).then(
    async (response) => {
      const body = response.ok ? ((await response.json()) as { demoAgencies?: unknown }) : {};
      return Array.isArray(body.demoAgencies) && body.demoAgencies.length > 0;
    },
    () => {
      // Asked again next time: a hub out of reach says nothing about its mode.
      devControls = undefined;
      return false;
    }
  );
  return devControls;
}

function readAgency(value: unknown): DemoAgency {
  const raw = value as Partial<Record<keyof DemoAgency, unknown>>;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const purposes = Array.isArray(raw.purposes) ? raw.purposes.filter((p): p is Purpose => (PURPOSES as readonly unknown[]).includes(p)) : [];
  const role = raw.role === 'supervisor' || raw.role === 'auditor' ? raw.role : 'operator';
  return { id: text(raw.id), name: text(raw.name), nameEn: text(raw.nameEn), description: text(raw.description), purposes, role };
}

/**
 * A token from the dev issuer for `agency`, bound to `purpose`. A hub that lists no purposes
 * for the agency is asked without one (`purpose` undefined). `supervisor`: as the agency's
 * supervisor, the second person who approves its operators' grants; `wall`: as the room's
 * big-screen device (shared views, read-only).
 */
export async function requestDemoToken(agency: string, purpose: Purpose | undefined, fetchFn: Fetch = fetch, role: 'operator' | 'supervisor' | 'wall' = 'operator'): Promise<IssuedToken> {
  const response = await send(fetchFn, '/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ agency, ...(purpose ? { purpose } : {}), ...(role !== 'operator' ? { role } : {}) } satisfies DevTokenRequest)
  });
  if (!response.ok) throw await failure(response, 'token');
  const body = (await response.json()) as Partial<IssuedToken>;
  if (typeof body.token !== 'string') throw new AppError('HTTP', 'token: malformed answer');
  return { token: body.token, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : 0 };
}
