/**
 * The sign-in token, kept in sessionStorage: it lives as long as the tab, is not shared with
 * other tabs (each console signs in on its own) and is gone when the browser closes.
 */
const TOKEN_KEY = 'gth.token';

export interface TokenClaims {
  /** ms since epoch, or null when the token does not say. */
  expiresAt: number | null;
  agency: string | null;
  agencyName: string | null;
  name: string | null;
}

export function loadToken(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  globalThis.sessionStorage?.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  try {
    globalThis.sessionStorage?.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Reads a JWT's claims for display only (expiry, agency). Not a verification: the hub
 * verifies every token. Returns null when the text is not a JWT.
 */
export function peekClaims(token: string): TokenClaims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return null;
  try {
    const payload = decodeSegment(parts[1]!) as Record<string, unknown>;
    if (typeof payload !== 'object' || payload === null) return null;
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    return {
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
      agency: text(payload.agency),
      agencyName: text(payload.agency_name),
      name: text(payload.name)
    };
  } catch {
    return null;
  }
}
