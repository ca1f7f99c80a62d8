/** What the dispatch screens receive: routes, the cameras along them, flagged segments and detours. */

export interface CameraOnMap {
  id: string;
  name: string;
  district: string;
  category: string;
  lat: number;
  lon: number;
  /** Facing direction (degrees clockwise from north) and field of view, when the registry knows them. */
  facingDeg?: number;
  fovDeg?: number;
}

/** A camera near a point (GET /api/geo/nearest, and the answer that opens an incident). */
export interface NearCamera extends CameraOnMap {
  distanceM: number;
  /** True when the camera faces the point (its field of view covers it). */
  facing: boolean;
}

export interface RouteAnswer {
  station: { id: string; name: string; kind: 'fire' | 'police'; location: { lat: number; lon: number } };
  lengthM: number;
  etaS: number;
  freeFlowEtaS: number;
  polyline: Array<[number, number]>;
  /** In-scope cameras within the corridor, in driving order. */
  cameras: Array<CameraOnMap & { alongM: number }>;
  attribution: string;
}

/** A route segment an operator flagged as congested from what a camera shows. */
export interface FlaggedSegment {
  edgeId: number;
  name: string | null;
  /** Where the operator flagged it. */
  at: { lat: number; lon: number };
}

/** An incident's dispatch: the route, the flagged segments and, once something is flagged, the detour. */
export interface Dispatch {
  incidentId: string;
  route: RouteAnswer;
  flagged: FlaggedSegment[];
  detour: (RouteAnswer & { extraS: number }) | { none: string } | null;
}

