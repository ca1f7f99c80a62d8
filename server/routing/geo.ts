/**
 * Small geodesy helpers shared by the routing modules. Coordinates follow GeoJSON: a position is
 * [lon, lat] in degrees (WGS 84); function arguments spell out lat/lon to avoid swaps.
 */

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
/** Metres per degree of latitude on the mean sphere. */
export const METRES_PER_DEGREE = (Math.PI / 180) * EARTH_RADIUS_M;
export const DEG_TO_RAD = Math.PI / 180;

/** A GeoJSON position: longitude first. */
export type LonLat = [lon: number, lat: number];

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle distance in metres (haversine). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * DEG_TO_RAD;
  const dLon = (lon2 - lon1) * DEG_TO_RAD;
  const sLat = Math.sin(dLat / 2);
  const sLon = Math.sin(dLon / 2);
  const a = sLat * sLat + Math.cos(lat1 * DEG_TO_RAD) * Math.cos(lat2 * DEG_TO_RAD) * sLon * sLon;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function isValidLatLon(lat: unknown, lon: unknown): boolean {
  return (
    typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
  );
}
