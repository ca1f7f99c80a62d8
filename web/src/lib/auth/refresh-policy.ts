/**
 * When to renew a token. Pure arithmetic on the clock the caller passes in, so it is tested
 * without waiting.
 *
 * - A demo token is fetched again about a minute before it expires; a short token (under five
 *   minutes) at 80 % of its lifetime, so it is never renewed at the last second.
 * - A pasted token cannot be renewed by the page: the person is asked for a new one two
 *   minutes before expiry.
 * - A renewal that failed for a passing reason (socket down, hub slow) is tried again soon,
 *   but never after expiry.
 */
export const REFRESH_LEAD_MS = 60_000;
export const SHORT_TOKEN_SHARE = 0.8;
export const PASTE_WARNING_MS = 2 * 60_000;
export const RETRY_DELAY_MS = 5_000;

/** When to renew a token valid from `issuedAt` to `expiresAt` (ms since epoch). */
export function refreshAt(issuedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  return Math.max(issuedAt + lifetime * SHORT_TOKEN_SHARE, expiresAt - REFRESH_LEAD_MS);
}

/** Whether to ask for a pasted token now. */
export function pasteDue(now: number, expiresAt: number): boolean {
  return expiresAt - now <= PASTE_WARNING_MS;
}

/** When to try a failed renewal again, or null when the token will have expired by then. */
export function retryAt(now: number, expiresAt: number): number | null {
  const next = now + Math.min(RETRY_DELAY_MS, Math.max(1_000, (expiresAt - now) / 2));
  return next < expiresAt ? next : null;
}
