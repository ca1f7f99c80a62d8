/**
 * The hub's map API (`/api/geo/*`, `/api/incidents`), with the bearer token. Errors come back
 * as the AppError the one error handler knows (FORBIDDEN, ROUTE_UNREACHABLE, …).
 */
import { bearer, failure, send, type Fetch } from '$lib/http/request.ts';
import type { CameraOnMap, Dispatch, FlaggedSegment, NearCamera, RouteAnswer } from '$protocol/dispatch.ts';
import type { LatLon, NearestResponse } from '$protocol/geo-requests.ts';
import type { CloseIncidentResponse, FlagCongestionRequest, IncidentListResponse, OpenIncidentRequest } from '$protocol/incident-requests.ts';
import type { DistrictsGeoJson, MapCameras, MapLayers, MapStation } from '$protocol/map.ts';
import type { Incident, IncidentDetail, OpenIncidentResponse } from '$protocol/incidents.ts';

export type {
  CameraOnMap as MapCamera,
  Dispatch,
  DistrictsGeoJson,
  FlaggedSegment,
  Incident,
  IncidentDetail,
  LatLon,
  MapCameras,
  MapLayers,
  MapStation,
  NearCamera,
  OpenIncidentRequest,
  OpenIncidentResponse
};

export { INCIDENT_TYPES, type IncidentType } from '$protocol/incidents.ts';

/** A dispatch route (the original or the detour's base shape). */
export type DispatchRoute = RouteAnswer;
export type RouteCamera = RouteAnswer['cameras'][number];
/** The detour around the flagged segments, `extraS` slower than the original route at free flow. */
export type DetourRoute = Extract<NonNullable<Dispatch['detour']>, RouteAnswer>;

export class GeoApi {
  readonly #token: () => string | null;
  readonly #fetch: Fetch;

  constructor(token: () => string | null, fetchFn: Fetch = (...args) => fetch(...args)) {
    this.#token = token;
    this.#fetch = fetchFn;
  }

  districts(signal?: AbortSignal): Promise<DistrictsGeoJson> {
    return this.#call('/api/geo/districts', { signal });
  }

  /** Every in-scope camera, columnar (a 68k registry is a few MB). */
  cameras(signal?: AbortSignal): Promise<MapCameras> {
    return this.#call('/api/geo/cameras', { signal });
  }

  /** Roads, water and stations: the base map, built by the hub (no tile server). */
  layers(signal?: AbortSignal): Promise<MapLayers> {
    return this.#call('/api/geo/layers', { signal });
  }

  async nearest(at: LatLon, n: number, signal?: AbortSignal): Promise<NearCamera[]> {
    return (await this.#call<NearestResponse>(`/api/geo/nearest?lat=${at.lat}&lon=${at.lon}&n=${n}`, { signal })).cameras;
  }

  /** Opens an incident; the answer carries the nearest in-scope cameras (`request.nearest` of them). */
  openIncident(request: OpenIncidentRequest, signal?: AbortSignal): Promise<OpenIncidentResponse> {
    return this.#call('/api/incidents', {
      method: 'POST',
      body: JSON.stringify(request),
      headers: { 'content-type': 'application/json' },
      signal
    });
  }

  async incidents(signal?: AbortSignal): Promise<Incident[]> {
    return (await this.#call<IncidentListResponse>('/api/incidents?status=open', { signal })).incidents;
  }

  /** One incident with its dispatch (route, flags, detour) as the caller may see it; null dispatch before one starts. */
  incident(id: string, signal?: AbortSignal): Promise<IncidentDetail> {
    return this.#call(`/api/incidents/${encodeURIComponent(id)}`, { signal });
  }

  closeIncident(id: string, signal?: AbortSignal): Promise<CloseIncidentResponse> {
    return this.#call(`/api/incidents/${encodeURIComponent(id)}/close`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal });
  }

  /** Starts (or restarts) the incident's dispatch: the route from the nearest station. */
  startDispatch(incidentId: string, signal?: AbortSignal): Promise<Dispatch> {
    return this.#call(`/api/incidents/${encodeURIComponent(incidentId)}/dispatch`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
      signal
    });
  }

  /** Flags the route segment nearest `at` as congested; the answer carries the detour. */
  flagCongestion(incidentId: string, at: LatLon, signal?: AbortSignal): Promise<Dispatch> {
    return this.#call(`/api/incidents/${encodeURIComponent(incidentId)}/congestion`, {
      method: 'POST',
      body: JSON.stringify({ lat: at.lat, lon: at.lon } satisfies FlagCongestionRequest),
      headers: { 'content-type': 'application/json' },
      signal
    });
  }

  async #call<T>(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<T> {
    const response = await send(this.#fetch, url, { ...init, headers: bearer(this.#token() ?? '', init.headers ?? {}) });
    if (!response.ok) throw await failure(response, url);
    return (await response.json()) as T;
  }
}
