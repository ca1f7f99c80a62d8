/**
 * Presenter and follow, as pure rules. The presenter's map is the view's map: their own moves
 * go to everyone. Everyone else follows by default: the view's map and layout are theirs. A
 * follower who moves the map themselves is looking around — they stop following (their map and
 * layout are their own) until they press 따라가기 again.
 */
import type { ViewLayout, ViewSnapshot } from '$protocol/shared-view.ts';

export interface MapView {
  center: { lat: number; lon: number };
  zoom: number;
}

export interface FollowState {
  following: boolean;
  /** Where this person looks while not following (null: where the view was when they left). */
  map: MapView | null;
  /** The layout this person chose while not following (null: the view's). */
  layout: ViewLayout | null;
}

export const FOLLOWING: FollowState = { following: true, map: null, layout: null };

/** What a move of the person's own map means: the view's map (presenter), leaving follow, or their own look around. */
export function ownMove(follow: FollowState, presenting: boolean, to: MapView): { follow: FollowState; broadcast: boolean } {
  if (presenting) return { follow: FOLLOWING, broadcast: true };
  return { follow: { following: false, map: to, layout: follow.layout }, broadcast: false };
}

/** Stops following where the view is now (the button 둘러보기): nothing moves until the person does. */
export function leave(follow: FollowState, view: Pick<ViewSnapshot, 'map'> | null, current: MapView | null): FollowState {
  if (!follow.following) return follow;
  return { following: false, map: current ?? view?.map ?? null, layout: null };
}

/** The layout this person sees: the view's while following (or presenting), else their own. */
export function shownLayout(follow: FollowState, view: Pick<ViewSnapshot, 'layout'> | null, presenting: boolean): ViewLayout {
  const shared = view?.layout ?? 4;
  if (presenting || follow.following) return shared;
  return follow.layout ?? shared;
}

/** Whether `a` and `b` are the same view of the map (a broadcast that changes nothing is not sent). */
export function sameMapView(a: MapView | null, b: MapView | null): boolean {
  if (!a || !b) return a === b;
  return a.zoom === b.zoom && a.center.lat === b.center.lat && a.center.lon === b.center.lon;
}
