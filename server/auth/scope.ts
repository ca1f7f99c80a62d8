/**
 * Where a view is authorised: the one place that decides whether a principal may see a camera,
 * and on what basis — the agency's own scope, or an incident grant. Pure: the caller supplies
 * the policies, the active grants and the clock.
 */
import { haversineM } from '../geo/geometry.ts';
import type { ErrorCode } from '../protocol/errors.ts';
import type { Grant } from '../protocol/incidents.ts';
import type { AgencyPolicies } from './policy.ts';
import type { Principal } from './principal.ts';

export interface ScopedCamera {
  id: string;
  district: { code: string };
  category: string;
  location: { lat: number; lon: number };
}

export type { Grant };

export type ViewDecision =
  | { allowed: true; basis: 'scope' }
  | { allowed: true; basis: 'grant'; grant: Grant }
  /** `why` is for the audit trail only: the caller is told the same for every camera it may not see. */
  | { allowed: false; code: ErrorCode; message: string; why?: NotVisibleWhy };

type NotVisibleWhy = 'unknown' | 'category' | 'scope';

export interface ViewContext {
  policies: AgencyPolicies;
  /** Active grants of the principal's agency. */
  grants: readonly Grant[];
  now: number;
}

/** Great-circle distance in metres. */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  return haversineM(a.lat, a.lon, b.lat, b.lon);
}

/** Until it expires: the cameras a pursuit's corridor grant lists, or those within a circle grant's radius. */
export function grantCovers(grant: Grant, camera: Pick<ScopedCamera, 'id' | 'location'>, now: number): boolean {
  if (now >= grant.expiresAt) return false;
  return grant.cameras ? grant.cameras.includes(camera.id) : distanceM(grant.center, camera.location) <= grant.radiusM;
}

/** An extended grant opens only what its owner's agency sees: that agency's categories, and its 구 when bounded (other grants: anything). */
export function grantBoundAllows(grant: Grant, camera: Pick<ScopedCamera, 'category' | 'district'>, policies: AgencyPolicies): boolean {
  const { within } = grant;
  if (!within) return true;
  return policies.allowsCategory(within.agency, camera.category) && (!within.districts || within.districts.includes(camera.district.code));
}

export function decideView(principal: Principal, camera: ScopedCamera, context: ViewContext): ViewDecision {
  const refusal = principalRefusal(principal, context.policies);
  if (refusal) return refusal;
  const agency = principal.agency.id;
  if (!context.policies.allowsCategory(agency, camera.category)) return notVisible('category');
  if (inOwnScope(principal, camera)) return { allowed: true, basis: 'scope' };
  for (const grant of context.grants) {
    if (grantApplies(principal, grant) && grantCovers(grant, camera, context.now) && grantBoundAllows(grant, camera, context.policies)) {
      return { allowed: true, basis: 'grant', grant };
    }
  }
  return notVisible('scope');
}

/** A camera id the registry does not know: answered exactly as one the principal may not see. */
export function decideUnknownCamera(principal: Principal, policies: AgencyPolicies): Extract<ViewDecision, { allowed: false }> {
  return principalRefusal(principal, policies) ?? notVisible('unknown');
}

/**
 * One answer for every camera the principal may not see, whether it does not exist, is of a
 * category the agency may not use, or lies outside its scope: a refusal tells nothing about
 * cameras the caller cannot see.
 */
function notVisible(why: NotVisibleWhy): Extract<ViewDecision, { allowed: false }> {
  return { ...refuse('CAMERA_OUT_OF_SCOPE', '이 카메라를 볼 권한이 없습니다 (camera outside your scope)'), why };
}

/*
 * The pieces decideView is made of, for applying it to a whole registry at once
 * (server/cameras/scope-index.ts): a camera is visible exactly when the principal is not refused,
 * the camera's category is allowed, and it is in the principal's own scope or covered by one of
 * the grants that apply (within the grant's bound).
 */

/** Why the principal may view nothing at all (role, purpose), whatever the camera; undefined when it may view some. */
export function principalRefusal(principal: Principal, policies: AgencyPolicies): Extract<ViewDecision, { allowed: false }> | undefined {
  if (principal.role === 'auditor') return refuse('FORBIDDEN', '감사 역할은 영상을 볼 수 없습니다 (auditors do not view video)');
  if (!principal.purpose) return refuse('PURPOSE_REQUIRED', '열람 목적이 없는 토큰입니다 (a viewing purpose is required)');
  if (!policies.allowsPurpose(principal.agency.id, principal.purpose)) {
    return refuse('PURPOSE_NOT_ALLOWED', `이 기관은 '${principal.purpose}' 목적으로 열람할 수 없습니다 (purpose not allowed for this agency)`);
  }
  return undefined;
}

/** The token's own scope: its 구 (or the whole city), or cameras named one by one. */
export function inOwnScope(principal: Principal, camera: Pick<ScopedCamera, 'id' | 'district'>): boolean {
  return districtInScope(principal, camera.district.code) || principal.scope.cameras.has(camera.id);
}

export function districtInScope(principal: Principal, code: string): boolean {
  return principal.scope.cityWide || principal.scope.districts.has(code);
}

/** A grant counts for the agency it was minted for only (grantCovers adds: until it expires). */
export function grantApplies(principal: Principal, grant: Grant): boolean {
  return grant.agency === principal.agency.id;
}

function refuse(code: ErrorCode, message: string): Extract<ViewDecision, { allowed: false }> {
  return { allowed: false, code, message };
}
