/**
 * The map API's requests (`/api/geo/*`) and the point every HTTP request names: schemas the hub
 * parses with, and the types both ends take from them. Query strings arrive as text, so their
 * numbers are coerced.
 */
import { z } from 'zod';
import type { NearCamera } from './dispatch.ts';

/** A point in WGS 84 (JSON bodies: numbers, never coerced). */
export const latLonSchema = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();
export type LatLon = z.infer<typeof latLonSchema>;

const queryPoint = { lat: z.coerce.number().min(-90).max(90), lon: z.coerce.number().min(-180).max(180) };

/** `GET /api/geo/nearest?lat&lon&n`: the n (1–32, default 8) in-scope cameras nearest a point. */
export const nearestQuerySchema = z.object({ ...queryPoint, n: z.coerce.number().int().min(1).max(32).default(8) }).strict();
export type NearestQuery = z.input<typeof nearestQuerySchema>;

export interface NearestResponse {
  /** Nearest first, facing ones preferred. */
  cameras: NearCamera[];
}

/** `GET /api/geo/route?lat&lon[&kind]`: the route from the nearest station (fire or police, default by the token's purpose). */
export const routeQuerySchema = z.object({ ...queryPoint, kind: z.enum(['fire', 'police']).optional() }).strict();
