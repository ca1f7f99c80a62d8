/**
 * The development sign-in (`/api/dev/*`, 404 in production): the demo agencies a person picks
 * from, and the token the hub's dev issuer signs for one. Shared with the web like the rest of
 * the contract.
 */
import { z } from 'zod';
import { PURPOSES, type Purpose } from './events.ts';

/** What a demo agency signs in as. */
export type AgencyRole = 'operator' | 'supervisor' | 'auditor';

export interface DemoAgencyInfo {
  id: string;
  name: string;
  nameEn: string;
  description: string;
  /** What the agency may view for; the first is the default. Empty from a hub without purposes. */
  purposes: Purpose[];
  role: AgencyRole;
}

/** `GET /api/dev/agencies`. */
export interface DemoAgenciesResponse {
  agencies: DemoAgencyInfo[];
}

/**
 * `POST /api/dev/token`: a token for the agency, bound to `purpose` (default its first).
 * `role: 'supervisor'`: as the agency's supervisor (a second demo user, who approves its operators' grants).
 */
export const devTokenRequestSchema = z
  .object({ agency: z.string().min(1).max(64), purpose: z.enum(PURPOSES).optional(), role: z.enum(['operator', 'supervisor', 'wall']).optional() })
  .strict();
export type DevTokenRequest = z.input<typeof devTokenRequestSchema>;

export interface IssuedToken {
  token: string;
  expiresAt: number;
}
