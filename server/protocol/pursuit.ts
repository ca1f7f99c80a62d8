/**
 * Pursuits (추적) on the wire: the HTTP API (`/api/pursuits…`) the board and a CAD system call,
 * and `pursuit:changed`, which keeps every session of the pursuing agency on the same state —
 * the track (sightings and LPR hits), the predicted next cameras with their arrival windows and
 * 구, and the cross-district grant the corridor holds. Shared with the web through `$protocol`.
 */
import { z } from 'zod';

const cameraId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/);
const text = (max: number) => z.string().trim().min(1).max(max);

/** Degrees clockwise from north, [0, 360); null when unknown (both ways weighted evenly). */
export const headingSchema = z.number().min(0).max(360).transform((deg) => deg % 360).nullable();

/**
 * Who is followed. A vehicle by plate (as read or as seen; masked on the way out for roles
 * not allowed to see plates), colour and type; a person by a free description.
 */
export const pursuitTargetSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('vehicle'),
      /** 12가3456, 123가4567, optionally with a region prefix (서울12가3456); spaces are dropped. */
      plate: z.string().transform((plate) => plate.replace(/\s+/g, '')).pipe(z.string().min(4).max(16)).optional(),
      colour: text(32).optional(),
      /** 승용차, SUV, 화물차, 오토바이 … */
      vehicleType: text(32).optional(),
      description: text(500).optional()
    })
    .strict(),
  z.object({ kind: z.literal('person'), description: text(500).optional() }).strict()
]);

/**
 * A sighting (목격) as an operator records it from a tile: the camera, when (default now; never
 * in the future, at most 30 minutes back), the direction of travel (one of the roads leaving the
 * camera, `GET /api/pursuits/roads?cameraId=`, or picked on the map), and optionally a better
 * description of the target.
 */
export const sightingRequestSchema = z
  .object({
    cameraId,
    at: z.number().int().positive().optional(),
    headingDeg: headingSchema,
    target: pursuitTargetSchema.optional(),
    note: text(500).optional()
  })
  .strict();

/**
 * `POST /api/pursuits`: opens a pursuit on a first sighting. With `incidentId`, the pursuit
 * belongs to that open incident of the caller's agency (e.g. 범죄 or 추적); without it, a 추적 incident is opened
 * for it at the sighting's camera (and closes with the pursuit).
 */
export const openPursuitSchema = z
  .object({
    incidentId: z.string().min(1).max(64).optional(),
    target: pursuitTargetSchema,
    sighting: sightingRequestSchema.omit({ target: true }),
    /** The CAD system's own reference: a retried POST gets the same open pursuit. */
    externalRef: text(64).optional()
  })
  .strict();

export const pursuitListQuerySchema = z
  .object({ status: z.enum(['open', 'closed', 'all']).default('open'), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

export const roadsQuerySchema = z.object({ cameraId }).strict();

export type PursuitTarget = z.infer<typeof pursuitTargetSchema>;
export type SightingRequest = z.input<typeof sightingRequestSchema>;
export type OpenPursuitRequest = z.input<typeof openPursuitSchema>;
export type PursuitListQuery = z.input<typeof pursuitListQuerySchema>;

export const PURSUIT_STATUSES = ['open', 'closed'] as const;
export type PursuitStatus = (typeof PURSUIT_STATUSES)[number];

/** Where a sighting came from: an operator at a tile, a CAD system, or a wanted-vehicle (LPR) hit. */
export type SightingSource = 'operator' | 'cad' | 'lpr';

export interface PursuitDistrict {
  code: string;
  name: string;
  nameEn: string;
}

/** One point of the track. */
export interface Sighting {
  id: string;
  /** When the target was there (ms since epoch). */
  at: number;
  cameraId: string;
  cameraName: string;
  district: PursuitDistrict;
  location: { lat: number; lon: number };
  headingDeg: number | null;
  source: SightingSource;
  /** The operator's subject, the CAD account, or the LPR system's name. */
  by: string;
  note: string | null;
  /** An LPR hit: the read it came from (plate masked for roles not allowed to see plates). */
  lpr?: { readId: string; plate: string; confidence: number; imageRef: string | null };
}

/** A camera the target is likely to pass next. */
export interface PredictedCameraView {
  cameraId: string;
  name: string;
  district: PursuitDistrict;
  location: { lat: number; lon: number };
  /** 0..1: the chance the target passes it within the prediction's horizon. */
  probability: number;
  /** Arrival window, seconds after the last sighting (`PursuitPrediction.anchorAt`). */
  etaMinS: number;
  etaMaxS: number;
  /** Along the road from the last sighting. */
  distanceM: number;
  /** Held by the pursuit's grant now (a camera outside the agency's own scope opens only then). */
  granted: boolean;
}

export interface PursuitPrediction {
  /** The sighting it is anchored at. */
  anchorSightingId: string;
  anchorAt: number;
  /** When it was computed; it is recomputed every few seconds as time passes. */
  computedAt: number;
  elapsedS: number;
  /** Ranked, best first. */
  cameras: PredictedCameraView[];
  /** Where the target may be by now: road polylines ([lon, lat]) with their weight, for the map. */
  reach: Array<{ path: Array<[number, number]>; weight: number }>;
}

/** The cameras the pursuit's corridor grant opens to the pursuing agency, in any 구. */
export interface PursuitGrant {
  id: string;
  cameraIds: string[];
  /** The 구 those cameras lie in. */
  districts: PursuitDistrict[];
  issuedAt: number;
  /** Renewed (and its cameras moved) as the corridor moves; ends with the pursuit. */
  expiresAt: number;
}

/** A pursuit as the board shows it. */
export interface Pursuit {
  id: string;
  incidentId: string;
  /** The pursuing agency. */
  agency: string;
  agencyName: string;
  status: PursuitStatus;
  target: PursuitTarget;
  /** Whether `target.plate` and the hits' plates are masked for this caller's role. */
  plateMasked: boolean;
  openedBy: string;
  openedAt: number;
  closedAt: number | null;
  externalRef: string | null;
  /** Sightings and hits, oldest first. */
  track: Sighting[];
  /** null once closed (or when the road network cannot place the last sighting). */
  prediction: PursuitPrediction | null;
  /** null while no corridor camera needs one (all in the agency's own scope) and once closed. */
  grant: PursuitGrant | null;
}

/** `POST /api/pursuits` (201; 200 for a CAD retry with the same externalRef), `GET /api/pursuits/:id`, sightings, close. */
export interface PursuitResponse {
  pursuit: Pursuit;
}

/** `GET /api/pursuits?status=open|closed|all`: the caller's agency's pursuits, newest first. */
export interface PursuitListResponse {
  pursuits: Pursuit[];
}

/** `GET /api/pursuits/roads?cameraId=`: the directions a target can leave a camera by. */
export interface RoadsLeavingResponse {
  cameraId: string;
  roads: Array<{ headingDeg: number; name: string | null }>;
}

/**
 * Socket.IO `pursuit:changed`, to every session of the pursuing agency: the pursuit as it is now.
 * `prediction`: the predicted cameras or their windows moved (published only when they change).
 */
export interface PursuitChangedEvent {
  change: 'opened' | 'sighting' | 'prediction' | 'grant' | 'closed';
  pursuit: Pursuit;
}

/**
 * `GET /api/dev/pursuit-scenario` (development only; 404 in production): whether the scenario
 * can run and what runs now. `POST` starts it: a simulated vehicle with a watchlisted plate
 * drives from 강남구 into 서초구 and its LPR hits anchor a pursuit for 강남경찰서.
 */
export interface PursuitScenarioState {
  running: boolean;
  plate: string | null;
  /** The pursuit its hits anchor, once the first hit came. */
  pursuitId: string | null;
  startedAt: number | null;
  /** The vehicle's planned path ([lon, lat]) and when it should arrive (seconds after the start, at its speed). */
  route: Array<[number, number]> | null;
  etaS: number | null;
  /** The plate-reading cameras on its way, each read that many seconds after the start: the hits to come. */
  passes: Array<{ cameraId: string; district: string; atS: number }> | null;
}

/** `POST /api/dev/pursuit-scenario`: `speedFactor` drives the vehicle that many times faster than road speeds (tests, a quick demo). */
export const pursuitScenarioRequestSchema = z.object({ speedFactor: z.number().min(1).max(20).optional() }).strict();
export type PursuitScenarioRequest = z.input<typeof pursuitScenarioRequestSchema>;
