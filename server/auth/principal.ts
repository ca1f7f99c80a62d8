/**
 * The claims a hub token carries, and the principal the hub builds from them. Tokens come
 * from each agency's own identity provider, so the claim names are the contract with them.
 */
import { z } from 'zod';
import { PURPOSES, type Purpose } from '../protocol/events.ts';

export const CITY_WIDE = '*';

export const hubClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
  /** Agency id, e.g. `seoul-119`; must be one the issuer is trusted for. */
  agency: z.string().min(1).max(64),
  agency_name: z.string().min(1).max(128).optional(),
  /**
   * `metrics`: a scraper's service token, good for /metrics and nothing else. `wall`: a room's
   * big-screen device: it joins the shared views its agency (or it) is invited to, read-only.
   */
  role: z.enum(['operator', 'supervisor', 'auditor', 'metrics', 'wall']),
  /** Why this session views cameras; every view is refused without one (see Viewer.watch). */
  purpose: z.enum(PURPOSES).optional(),
  scope: z
    .object({
      /** District codes (행정구역 시군구 코드, e.g. `11680`) or `*` for the whole city. */
      districts: z.array(z.string().min(1).max(16)).max(64).default([]),
      /** Individual cameras granted outside the districts. */
      cameras: z.array(z.string().min(1).max(64)).max(1024).default([])
    })
    .strict(),
  exp: z.number().int(),
  iat: z.number().int().optional()
});

export type HubClaims = z.infer<typeof hubClaimsSchema>;

export interface Scope {
  cityWide: boolean;
  districts: ReadonlySet<string>;
  cameras: ReadonlySet<string>;
}

export interface Principal {
  issuer: string;
  subject: string;
  name: string;
  agency: { id: string; name: string };
  role: HubClaims['role'];
  purpose: Purpose | undefined;
  scope: Scope;
  /** ms since epoch; revocations apply to tokens issued before them. */
  issuedAt: number;
  /** ms since epoch. */
  expiresAt: number;
}

export function principalFromClaims(issuer: string, claims: HubClaims): Principal {
  return {
    issuer,
    subject: claims.sub,
    name: claims.name,
    agency: { id: claims.agency, name: claims.agency_name ?? claims.agency },
    role: claims.role,
    purpose: claims.purpose,
    issuedAt: (claims.iat ?? 0) * 1000,
    scope: {
      cityWide: claims.scope.districts.includes(CITY_WIDE),
      districts: new Set(claims.scope.districts.filter((d) => d !== CITY_WIDE)),
      cameras: new Set(claims.scope.cameras)
    },
    expiresAt: claims.exp * 1000
  };
}
