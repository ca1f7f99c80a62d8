/**
 * The incident API's requests (`/api/incidents…`): the schemas the hub parses every body and
 * query with, and the types both ends take from them (the board sends what the schema's input
 * admits; the hub's handlers receive its output).
 */
import { z } from 'zod';
import type { Grant, Incident } from './incidents.ts';
import { INCIDENT_TYPE_CODES, INCIDENT_TYPES } from './incidents.ts';
import { latLonSchema } from './geo-requests.ts';

const typeCodes = Object.keys(INCIDENT_TYPE_CODES) as Array<keyof typeof INCIDENT_TYPE_CODES>;
/** 화재/구조/구급/범죄/재난/실종/추적, or the English code (fire, rescue, ems, crime, disaster, missing, pursuit), read as the Korean type. */
export const incidentTypeSchema = z.enum(INCIDENT_TYPES).or(z.enum(typeCodes).transform((code) => INCIDENT_TYPE_CODES[code]));

/** `POST /api/incidents`: what a reporting room or its CAD system sends; the agency comes from the token. */
export const openIncidentSchema = z
  .object({
    type: incidentTypeSchema,
    location: latLonSchema,
    address: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    /** The CAD system's own incident id. */
    externalRef: z.string().min(1).max(64).optional(),
    radiusM: z.number().min(50).max(5000).optional(),
    /** Start the dispatch route at once (default: yes for dispatch-112 / dispatch-119 tokens). */
    dispatch: z.boolean().optional(),
    /** How many of the nearest in-scope cameras the answer carries (default 8; 0 for none). */
    nearest: z.number().int().min(0).max(32).optional()
  })
  .strict();
/** As sent (a CAD may name the type by its English code). */
export type OpenIncidentRequest = z.input<typeof openIncidentSchema>;
/** As the hub reads it (the Korean type). */
export type OpenIncident = z.output<typeof openIncidentSchema>;

/** `GET /api/incidents?status&limit`: the incidents the caller's agency may see, newest first. */
export const incidentListQuerySchema = z
  .object({ status: z.enum(['open', 'closed', 'all']).default('all'), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();
export type IncidentListQuery = z.input<typeof incidentListQuerySchema>;

export interface IncidentListResponse {
  incidents: Incident[];
}

/** `POST /api/incidents/:id/dispatch`: (re)starts the route, from a fire or police station (default by the token's purpose). */
export const startDispatchSchema = z.object({ kind: z.enum(['fire', 'police']).optional() }).strict();
export type StartDispatchRequest = z.input<typeof startDispatchSchema>;

/** `POST /api/incidents/:id/congestion`: the point whose nearest route segment is congested. */
export const flagCongestionSchema = latLonSchema;
export type FlagCongestionRequest = z.input<typeof flagCongestionSchema>;

/** `POST /api/incidents/:id/close`. */
export interface CloseIncidentResponse {
  incident: Incident;
}

/** `POST /api/incidents/:id/renew`: the incident's grant, in force for another term. */
export interface RenewGrantResponse {
  grant: Grant;
}
