import type { SessionInfo } from '$protocol/events.ts';

/** Who is signed in and why, for the header: the hub's SessionInfo, or what a page reads from its token. */
export type HeaderIdentity = Pick<SessionInfo, 'name' | 'role' | 'expiresAt'> & {
  agency: { name: string };
  purpose: SessionInfo['purpose'] | null;
};
