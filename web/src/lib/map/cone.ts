/** A camera's field of view on the map: a circular sector, as a closed ring of [lon, lat]. */
import type { LatLon } from './geo-api.ts';

const M_PER_DEG_LAT = 111_320;

/**
 * `facingDeg` clockwise from north, `fovDeg` wide, `rangeM` deep. Local flat-earth metres are
 * exact enough at tens of metres. Arc points every ≈10° so a 90° cone is smooth but cheap.
 */
export function conePolygon(at: LatLon, facingDeg: number, fovDeg: number, rangeM: number): Array<[number, number]> {
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((at.lat * Math.PI) / 180);
  const width = Math.min(360, Math.max(1, fovDeg));
  const steps = Math.max(2, Math.ceil(width / 10));
  const apex: [number, number] = [at.lon, at.lat];
  const ring: Array<[number, number]> = width < 360 ? [apex] : [];
  for (let k = 0; k <= steps; k++) {
    const bearing = ((facingDeg - width / 2 + (width * k) / steps) * Math.PI) / 180;
    ring.push([at.lon + (Math.sin(bearing) * rangeM) / mPerDegLon, at.lat + (Math.cos(bearing) * rangeM) / M_PER_DEG_LAT]);
  }
  ring.push(ring[0]!);
  return ring;
}
