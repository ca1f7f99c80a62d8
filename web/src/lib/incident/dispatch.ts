/**
 * What the board reads from an incident's dispatch: the detour (or why there is none), the
 * route the engine drives now and its cameras, and the flags an operator set.
 */
import type { DetourRoute, Dispatch, LatLon, RouteCamera } from '$lib/map/geo-api.ts';

/** A flag keeps the exact point it was set at; a camera is flagged when it stands there. */
const SAME_POINT_DEG = 1e-7;

export function detourOf(dispatch: Dispatch | null): DetourRoute | null {
  const detour = dispatch?.detour;
  return detour && 'polyline' in detour ? detour : null;
}

/** Why no detour avoids the flagged segments, or null (nothing flagged yet, or a detour exists). */
export function noDetourReason(dispatch: Dispatch | null): string | null {
  const detour = dispatch?.detour;
  return detour && 'none' in detour ? detour.none : null;
}

/** The cameras along the route the engine drives now, in driving order: the detour's once there is one. */
export function drivenCameras(dispatch: Dispatch | null): RouteCamera[] {
  return (detourOf(dispatch) ?? dispatch?.route)?.cameras ?? [];
}

/** Whether the driven route's cameras differ between two dispatches (the wall follows only such a change). */
export function drivenChanged(before: Dispatch | null, after: Dispatch | null): boolean {
  const ids = (dispatch: Dispatch | null) => drivenCameras(dispatch).map((c) => c.id).join();
  return ids(before) !== ids(after);
}

export function isFlaggedAt(dispatch: Dispatch | null, at: LatLon): boolean {
  return dispatch?.flagged.some((f) => Math.abs(f.at.lat - at.lat) < SAME_POINT_DEG && Math.abs(f.at.lon - at.lon) < SAME_POINT_DEG) ?? false;
}

/**
 * Whether a dispatch the board asked for replaces the one shown: not when a live event already
 * brought this incident's dispatch with flags (the answer was computed before them).
 */
export function supersedes(shown: Dispatch | null, answer: Dispatch): boolean {
  return !(shown?.incidentId === answer.incidentId && shown.flagged.length > 0);
}
