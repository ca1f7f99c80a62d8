/**
 * Which cameras the tiles follow for a person on foot (a vulnerable-person SOS), pure: the
 * alarm's cameras ranked by how near they are to the latest fix. The pursuit's follow mode
 * (`$lib/pursuit/handoff.ts`) hands the tiles off by this ranking, so a tile changes camera only
 * for one clearly nearer, and not before its dwell is over.
 */
import type { RankedCamera } from '$lib/pursuit/handoff.ts';

export interface Located {
  lat: number;
  lon: number;
}

/** Within this distance a camera counts as right at the person (on foot, a few tens of metres). */
export const NEAR_M = 40;

const M_PER_DEG = 111_195;

/** Metres between two points (equirectangular: exact enough within a park or a district). */
export function metresBetween(a: Located, b: Located): number {
  const dy = (b.lat - a.lat) * M_PER_DEG;
  const dx = (b.lon - a.lon) * M_PER_DEG * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

/**
 * The cameras nearest `at` first, scored 1 at the spot falling to ½ at NEAR_M, ⅓ at twice it …
 * (the hand-off wants a score that is clearly higher for a clearly nearer camera).
 */
export function rankNear(cameras: ReadonlyArray<{ cameraId: string; location: Located }>, at: Located): RankedCamera[] {
  return cameras
    .map((c) => ({ cameraId: c.cameraId, score: 1 / (1 + metresBetween(c.location, at) / NEAR_M) }))
    .sort((a, b) => b.score - a.score || a.cameraId.localeCompare(b.cameraId));
}
