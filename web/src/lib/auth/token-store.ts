/**
 * The sign-in token, kept in sessionStorage: it lives as long as the tab, is not shared with
 * other tabs (each console signs in on its own) and is gone when the browser closes.
 *
 * Beside it, where the token came from: a demo token (dev issuer) can be fetched again for
 * the same agency and purpose before it expires; a pasted one only the person can replace.
 */
import { PURPOSES, type Purpose } from '$protocol/events.ts';

const TOKEN_KEY = 'gth.token';
const SOURCE_KEY = 'gth.token.source';

/** `supervisor`: the demo agency's supervisor (renewals must stay the same user). */
export type TokenSource = { kind: 'demo'; agency: string; purpose: Purpose | undefined; supervisor?: boolean } | { kind: 'pasted' };

export interface TokenClaims {
  /** ms since epoch, or null when the token does not say. */
  expiresAt: number | null;
  /** ms since epoch (`iat`), or null. */
  issuedAt: number | null;
  agency: string | null;
  agencyName: string | null;
  name: string | null;
  role: string | null;
  purpose: Purpose | null;
}

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

export function loadToken(): string | null {
  try {
    return storage()?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Stores the token and where it came from (pasted when not said). */
export function saveToken(token: string, source: TokenSource = { kind: 'pasted' }): void {
  const store = storage();
  store?.setItem(TOKEN_KEY, token);
  if (source.kind === 'demo') store?.setItem(SOURCE_KEY, JSON.stringify(source));
  else store?.removeItem(SOURCE_KEY);
}

/** Where the stored token came from; a token stored without a source counts as pasted. */
export function loadTokenSource(): TokenSource {
  try {
    const raw = storage()?.getItem(SOURCE_KEY);
    if (!raw) return { kind: 'pasted' };
    const value = JSON.parse(raw) as { kind?: unknown; agency?: unknown; purpose?: unknown; supervisor?: unknown };
    if (value.kind !== 'demo' || typeof value.agency !== 'string') return { kind: 'pasted' };
    return { kind: 'demo', agency: value.agency, purpose: isPurpose(value.purpose) ? value.purpose : undefined, ...(value.supervisor === true ? { supervisor: true } : {}) };
  } catch {
    return { kind: 'pasted' };
  }
}

export function clearToken(): void {
  try {
    storage()?.removeItem(TOKEN_KEY);
    storage()?.removeItem(SOURCE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

export function isPurpose(value: unknown): value is Purpose {
  return (PURPOSES as readonly unknown[]).includes(value);
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Reads a JWT's claims for display and routing only (expiry, agency, role, purpose). Not a
 * verification: the hub verifies every token. Returns null when the text is not a JWT.
 */
export function peekClaims(token: string): TokenClaims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return null;
  try {
    const payload = decodeSegment(parts[1]!) as Record<string, unknown>;
    if (typeof payload !== 'object' || payload === null) return null;
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    const ms = (value: unknown): number | null => (typeof value === 'number' ? value * 1000 : null);
    return {
      expiresAt: ms(payload.exp),
      issuedAt: ms(payload.iat),
      agency: text(payload.agency),
      agencyName: text(payload.agency_name),
      name: text(payload.name),
      role: text(payload.role),
      purpose: isPurpose(payload.purpose) ? payload.purpose : null
    };
  } catch {
    return null;
  }
}

/** A police token (the 112 room and police stations): who sees pursuits and the wanted-vehicle list. For display only; the hub decides. */
export function isPoliceClaims(claims: TokenClaims | null): boolean {
  return claims?.purpose === 'emergency-112' || claims?.purpose === 'dispatch-112';
}
