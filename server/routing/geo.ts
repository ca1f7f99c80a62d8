/**
 * Small geodesy helpers shared by the routing modules. Coordinates follow GeoJSON: a position is
 * [lon, lat] in degrees (WGS 84); function arguments spell out lat/lon to avoid swaps.
 */

import { EARTH_RADIUS_M, M_PER_DEG } from '../geo/geometry.ts';

// One Earth model for the whole hub: the routing modules use the same radius and haversine.
export { EARTH_RADIUS_M, haversineM } from '../geo/geometry.ts';
/** Metres per degree of latitude on the mean sphere. */
export const METRES_PER_DEGREE = M_PER_DEG;
export const DEG_TO_RAD = Math.PI / 180;

/** A GeoJSON position: longitude first. */
export type LonLat = [lon: number, lat: number];

export interface LatLon {
  lat: number;
  lon: number;
}

export function isValidLatLon(lat: unknown, lon: unknown): boolean {
  return (
    typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
  );
}
