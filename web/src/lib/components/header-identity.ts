import type { TokenClaims } from '$lib/auth/index.ts';
import type { SessionInfo } from '$protocol/events.ts';

/** Who is signed in and why, for the header: the hub's SessionInfo, or what a page reads from its token. */
export type HeaderIdentity = Pick<SessionInfo, 'name' | 'role' | 'expiresAt'> & {
  agency: { name: string };
  purpose: SessionInfo['purpose'] | null;
};

/** The header identity a page without a hub session shows: read from its own token's claims. */
export function identityFromClaims(claims: TokenClaims | null, expiresAt: number | null): HeaderIdentity | null {
  if (!claims) return null;
  return {
    name: claims.name ?? '',
    role: claims.role ?? '',
    agency: { name: claims.agencyName ?? claims.agency ?? '' },
    purpose: claims.purpose,
    expiresAt: expiresAt ?? claims.expiresAt ?? 0
  };
}
