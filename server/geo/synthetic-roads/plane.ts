/**
 * A local metric plane over a city (x east, y north, metres), equirectangular at the city's mean
 * latitude: good to well under 0.1 % across the city, and cheap. The synthetic generator lays
 * its grid here (Seoul's plane also measures the Han's band).
 */
import { M_PER_DEG } from '../geometry.ts';

export const PLANE_LAT0 = 37.55;
export const PLANE_LON0 = 126.97;
const M_PER_DEG_LON = M_PER_DEG * Math.cos((PLANE_LAT0 * Math.PI) / 180);

export interface XY {
  x: number;
  y: number;
}

export function toXY(lat: number, lon: number): XY {
  return { x: (lon - PLANE_LON0) * M_PER_DEG_LON, y: (lat - PLANE_LAT0) * M_PER_DEG };
}

/** [lon, lat] rounded to 1e-6° (≈ 0.1 m): equal inputs give equal, JSON-stable coordinates. */
export function toLonLat(x: number, y: number): [lon: number, lat: number] {
  return [Math.round((PLANE_LON0 + x / M_PER_DEG_LON) * 1e6) / 1e6, Math.round((PLANE_LAT0 + y / M_PER_DEG) * 1e6) / 1e6];
}

export interface Plane {
  toXY(lat: number, lon: number): XY;
  toLonLat(x: number, y: number): [lon: number, lat: number];
}

/** Seoul's plane (the functions above). */
export const SEOUL_PLANE: Plane = { toXY, toLonLat };

/** A plane through (lat0, lon0), rounding as `toLonLat` does. */
export function planeAt(lat0: number, lon0: number): Plane {
  const mPerDegLon = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  return {
    toXY: (lat, lon) => ({ x: (lon - lon0) * mPerDegLon, y: (lat - lat0) * M_PER_DEG }),
    toLonLat: (x, y) => [Math.round((lon0 + x / mPerDegLon) * 1e6) / 1e6, Math.round((lat0 + y / M_PER_DEG) * 1e6) / 1e6]
  };
}

/** Distance from p to the segment a–b, and the parameter t ∈ [0, 1] of the closest point. */
export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): { d: number; t: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return { d: Math.sqrt(ex * ex + ey * ey), t };
}
