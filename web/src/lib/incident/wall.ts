/**
 * What the incident wall shows: the cameras nearest the scene, those along the driven route, or
 * (follow mode) the pursuit's predicted cameras, which the pursuit's follow mode places itself,
 * or an alarm's cameras, which the alarm board places (and, for a person on foot, follows).
 */
import type { Dispatch, NearCamera } from '$lib/map/geo-api.ts';
import { drivenCameras } from './dispatch.ts';

export type WallSource = 'nearest' | 'route' | 'pursuit' | 'alarm';

/** Sources whose cameras another manager places on the wall (the board leaves the tiles to it). */
export type PlacedElsewhere = 'pursuit' | 'alarm';

export function placedElsewhere(source: WallSource): source is PlacedElsewhere {
  return source === 'pursuit' || source === 'alarm';
}

/** The board lists at least this many nearest cameras, more when the layout has more tiles. */
export const MIN_NEAREST = 8;

/** How many nearest cameras to ask for with a layout of `tiles` tiles. */
export function nearestWanted(tiles: number): number {
  return Math.max(tiles, MIN_NEAREST);
}

/** The camera ids for the wall, in order (pinned tiles are kept by the grid's fill). */
export function wallCameras(source: Exclude<WallSource, PlacedElsewhere>, nearest: readonly NearCamera[], dispatch: Dispatch | null): string[] {
  return (source === 'route' ? drivenCameras(dispatch) : nearest).map((c) => c.id);
}
