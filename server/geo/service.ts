/**
 * The geo services the incident and dispatch screens ask for, with the caller's scope applied to
 * every answer: nearest cameras to a point, the fastest route from the responding agency's
 * nearest station and the cameras along it. The road network is a synthetic one over the region
 * (real 시군구 boundaries, generated streets; in Seoul the Han's real bridge positions) until a
 * real network is configured.
 */
import type { RegistryCamera } from '../cameras/registry.ts';
import { pointsAlongRoute, type CorridorHit } from '../routing/corridor.ts';
import { importRoadNetwork } from '../routing/road-network.ts';
import { Router, type RouteResult } from '../routing/router.ts';
import { pointSegmentDistance } from './geometry.ts';
import { CameraIndex } from './camera-index.ts';
import { seoulDistrictSet, type DistrictSet } from './districts.ts';
import { SYNTHETIC_ATTRIBUTION, crossesHan, generateRoads, type RoadsCollection } from './synthetic-roads/generate.ts';
import { placeStations, StationDirectory, type Station } from './synthetic-roads/stations.ts';
import type { CameraOnMap, Dispatch, FlaggedSegment, NearCamera, RouteAnswer } from '../protocol/dispatch.ts';
import type { DistrictsGeoJson, MapCameras, MapLayers } from '../protocol/map.ts';
import { hanRiver } from './synthetic-roads/river.ts';

export type CameraFilter = (camera: RegistryCamera) => boolean;
/** A camera as the corridor search sees it. */
type CorridorCamera = { id: string; lat: number; lon: number; camera: RegistryCamera };
export type { CameraOnMap, Dispatch, FlaggedSegment, RouteAnswer } from '../protocol/dispatch.ts';

const CORRIDOR_HALF_WIDTH_M = 60;

/** What rebuilds a dispatch after a restart: the route is recomputed from kind and destination. */
export interface DispatchRecord {
  kind: Station['kind'];
  to: { lat: number; lon: number };
  /** The road network the flags' edge ids belong to; on another network the flags are re-snapped. */
  network: string;
  flagged: FlaggedSegment[];
  /** false once the incident closed (the record is history). */
  live: boolean;
}

/** Where dispatch state is kept beyond memory (server/incidents/dispatch-store.ts). */
export interface DispatchRecords {
  started(incidentId: string, record: Pick<DispatchRecord, 'kind' | 'to' | 'network'>): void;
  flagged(incidentId: string, flag: FlaggedSegment): void;
  ended(incidentId: string): void;
  load(incidentId: string): DispatchRecord | undefined;
}

interface DispatchState {
  kind: Station['kind'];
  to: { lat: number; lon: number };
  route: RouteResult;
  flagged: FlaggedSegment[];
}

export class GeoService {
  readonly #cameras: CameraIndex<RegistryCamera>;
  readonly #registry: RegistryCamera[];
  /** The registry as corridor points, made on the first route. */
  #corridorPoints: Array<CorridorCamera> | undefined;
  /** The cameras in each route's corridor (all of them, before any scope), for as long as the route is kept. */
  readonly #alongRoute = new WeakMap<RouteResult, CorridorHit<CorridorCamera>[]>();
  #roads: { router: Router; stations: StationDirectory; layersJson: string } | undefined;
  readonly #seed: number;
  readonly #region: DistrictSet;
  /** Live dispatch state per incident; `#records` keeps it across restarts (rebuilt on first use). */
  readonly #dispatches = new Map<string, DispatchState>();
  readonly #records: DispatchRecords | undefined;

  /** `index`: a spatial index of the same cameras, when the caller already has one. */
  /** `region`: the 시군구 the map and the roads cover (default Seoul's 25). */
  constructor(cameras: Iterable<RegistryCamera>, options: { seed?: number; records?: DispatchRecords; index?: CameraIndex<RegistryCamera>; region?: DistrictSet } = {}) {
    this.#registry = [...cameras];
    this.#region = options.region ?? seoulDistrictSet();
    this.#cameras = options.index ?? new CameraIndex(this.#registry);
    this.#seed = options.seed ?? 1;
    this.#records = options.records;
  }

  /** Builds now what the first route would otherwise build inside its request (road network, corridor points). */
  warm(): void {
    this.#network();
    this.#corridor();
  }

  /** The road network's router (the network is built on first use, as for a route). */
  router(): Router {
    return this.#network().router;
  }

  /** Names the road network: edge ids are stable within one. */
  get #networkId(): string {
    const seoul = this.#region === seoulDistrictSet();
    return `synthetic-${seoul ? 'seoul' : this.#region.codes.join('+')}/seed-${this.#seed}`;
  }

  districtsGeoJson(): DistrictsGeoJson {
    return {
      type: 'FeatureCollection',
      features: this.#region.districts.map((d) => ({
        type: 'Feature',
        properties: { code: d.code, name: d.name, nameEn: d.nameEn },
        geometry: { type: 'MultiPolygon', coordinates: d.polygons }
      }))
    };
  }

  /** Every camera the caller may see, columnar (see MapCameras). */
  cameras(filter: CameraFilter): MapCameras {
    const out: MapCameras = { count: 0, categories: [], ids: [], lat: [], lon: [], category: [], facing: [], fov: [] };
    const categoryIndex = new Map<string, number>();
    for (const camera of this.#registry) {
      if (!filter(camera)) continue;
      let c = categoryIndex.get(camera.category);
      if (c === undefined) {
        c = out.categories.push(camera.category) - 1;
        categoryIndex.set(camera.category, c);
      }
      out.ids.push(camera.id);
      out.lat.push(camera.location.lat);
      out.lon.push(camera.location.lon);
      out.category.push(c);
      out.facing.push(camera.facingDeg ?? -1);
      out.fov.push(camera.fovDeg ?? 0);
    }
    out.count = out.ids.length;
    return out;
  }

  /** The base layers as JSON text: roads, the Han, and the stations (built with the network). */
  mapLayersJson(): string {
    return this.#network().layersJson;
  }

  nearest(lat: number, lon: number, n: number, filter: CameraFilter): NearCamera[] {
    return this.#cameras.nearest(lat, lon, n, filter).map((hit) => ({ ...onMap(hit.camera), distanceM: Math.round(hit.distanceM), facing: hit.facing }));
  }

  /** The fastest route from the nearest station of `kind` to the point, with the cameras along it. */
  dispatchRoute(kind: Station['kind'], to: { lat: number; lon: number }, filter: CameraFilter): RouteAnswer {
    const { station, route } = this.#route(kind, to);
    return this.#answer(station, route, filter);
  }

  /** Starts (or restarts) the dispatch of an incident: its route, nothing flagged yet. */
  startDispatch(incidentId: string, kind: Station['kind'], to: { lat: number; lon: number }, filter: CameraFilter): Dispatch {
    const { route } = this.#route(kind, to);
    this.#dispatches.set(incidentId, { kind, to, route, flagged: [] });
    this.#records?.started(incidentId, { kind, to, network: this.#networkId });
    return this.dispatch(incidentId, filter)!;
  }

  /**
   * Flags the route segment nearest to a point as congested (what the camera there shows) and
   * computes the detour at once. The graph is not rebuilt: the flag is a per-query block.
   */
  flagCongestion(incidentId: string, at: { lat: number; lon: number }, filter: CameraFilter): Dispatch | undefined {
    const found = this.#state(incidentId);
    if (!found?.live) return undefined;
    const { state } = found;
    const edge = this.#snap(state.route, at);
    if (edge >= 0 && !state.flagged.some((f) => f.edgeId === edge)) {
      const flag = { edgeId: edge, name: this.#network().router.graph.edge(edge).name, at };
      state.flagged.push(flag);
      this.#records?.flagged(incidentId, flag);
    }
    return this.dispatch(incidentId, filter);
  }

  /** The dispatch as the caller may see it (cameras filtered by its scope). */
  dispatch(incidentId: string, filter: CameraFilter): Dispatch | undefined {
    const state = this.#state(incidentId)?.state;
    if (!state) return undefined;
    const { router, stations } = this.#network();
    const station = stations.nearestStation(state.kind, state.to.lat, state.to.lon)!.station;
    const route = this.#answer(station, state.route, filter);
    if (state.flagged.length === 0) return { incidentId, route, flagged: [], detour: null };
    // Both directions of a flagged street are blocked: a jam rarely respects the centre line.
    const blocked = state.flagged.flatMap((f) => [f.edgeId, router.graph.edge(f.edgeId).twin].filter((e) => e >= 0));
    const detour = router.detour(state.route, blocked);
    return {
      incidentId,
      route,
      flagged: state.flagged,
      detour: detour.status === 'detour' ? { ...this.#answer(station, detour.route, filter), extraS: Math.round(detour.extraS) } : { none: detour.message }
    };
  }

  /** The dispatch is no longer live; its record stays readable as history. */
  endDispatch(incidentId: string): void {
    this.#dispatches.delete(incidentId);
    this.#records?.ended(incidentId);
  }

  /** The live state, or the stored one rebuilt (kept in memory only while live). */
  #state(incidentId: string): { state: DispatchState; live: boolean } | undefined {
    const live = this.#dispatches.get(incidentId);
    if (live) return { state: live, live: true };
    const record = this.#records?.load(incidentId);
    if (!record) return undefined;
    const { route } = this.#route(record.kind, record.to);
    const sameNetwork = record.network === this.#networkId;
    const flagged: FlaggedSegment[] = [];
    for (const flag of record.flagged) {
      const edgeId = sameNetwork ? flag.edgeId : this.#snap(route, flag.at);
      if (edgeId < 0 || flagged.some((f) => f.edgeId === edgeId)) continue;
      flagged.push(sameNetwork ? flag : { ...flag, edgeId, name: this.#network().router.graph.edge(edgeId).name });
    }
    const state: DispatchState = { kind: record.kind, to: record.to, route, flagged };
    if (record.live) this.#dispatches.set(incidentId, state);
    return { state, live: record.live };
  }

  /** The route edge nearest to a point (-1 for an empty route). */
  #snap(route: RouteResult, at: { lat: number; lon: number }): number {
    const { router } = this.#network();
    const k = Math.cos((at.lat * Math.PI) / 180);
    let best = { edge: -1, distance: Infinity };
    for (const edge of route.edgeIds) {
      const geometry = router.graph.edgeGeometry(edge);
      for (let i = 1; i < geometry.length; i++) {
        const [ax, ay] = geometry[i - 1]!;
        const [bx, by] = geometry[i]!;
        const d = pointSegmentDistance(at.lon * k, at.lat, ax * k, ay, bx * k, by);
        if (d < best.distance) best = { edge, distance: d };
      }
    }
    return best.edge;
  }

  #route(kind: Station['kind'], to: { lat: number; lon: number }): { station: Station; route: RouteResult } {
    const { router, stations } = this.#network();
    const start = stations.nearestStation(kind, to.lat, to.lon);
    if (!start) throw new Error(`no ${kind} station`);
    return { station: start.station, route: router.route(start.station.location, to) };
  }

  #answer(station: Station, route: RouteResult, filter: CameraFilter): RouteAnswer {
    // The corridor first (a few hundred cameras), then the scope: not a scope decision for all 68k.
    // Once per route, then per caller only its scope: a dispatch goes to every operator of the agency.
    let corridor = this.#alongRoute.get(route);
    if (!corridor) this.#alongRoute.set(route, (corridor = pointsAlongRoute(route.polyline, this.#corridor(), { halfWidthM: CORRIDOR_HALF_WIDTH_M })));
    const along = corridor.filter((hit) => filter(hit.point.camera));
    const { id, name, kind, location } = station;
    return {
      station: { id, name, kind, location },
      lengthM: Math.round(route.lengthM),
      etaS: Math.round(route.etaS),
      freeFlowEtaS: Math.round(route.freeFlowEtaS),
      polyline: route.polyline.map(([x, y]) => [x, y]),
      cameras: along.map((hit) => ({ ...onMap(hit.point.camera), alongM: Math.round(hit.alongM) })),
      attribution: route.attribution
    };
  }

  #corridor(): Array<CorridorCamera> {
    this.#corridorPoints ??= this.#registry.map((camera) => ({ id: camera.id, lat: camera.location.lat, lon: camera.location.lon, camera }));
    return this.#corridorPoints;
  }

  /** Generated on first use (≈0.3 s) or by warm(), so a hub that never routes never pays for it. */
  #network(): { router: Router; stations: StationDirectory; layersJson: string } {
    if (!this.#roads) {
      const ways = generateRoads({ seed: this.#seed, region: this.#region });
      const graph = importRoadNetwork(ways, { attribution: SYNTHETIC_ATTRIBUTION });
      const stations = new StationDirectory(placeStations(ways, { seed: this.#seed, region: this.#region }));
      // The ways themselves are not kept: the router has its graph, the map its JSON.
      this.#roads = { router: new Router(graph), stations, layersJson: layersJson(ways, stations, this.#region) };
    }
    return this.#roads;
  }
}

function layersJson(ways: RoadsCollection, stations: StationDirectory, region: DistrictSet): string {
  const round = ([lon, lat]: [number, number]): [number, number] => [Math.round(lon * 1e5) / 1e5, Math.round(lat * 1e5) / 1e5];
  const layers: MapLayers = {
    roads: ways.features.map((f) => ({ highway: f.properties.highway, name: f.properties.name, oneway: f.properties.oneway === 'yes', line: f.geometry.coordinates.map(round) })),
    water: crossesHan(region) ? [hanRiver().polygon().map(round)] : [],
    stations: stations.stations.map((s) => ({ id: s.id, kind: s.kind, name: s.name, district: s.district, lat: s.location.lat, lon: s.location.lon })),
    attribution: SYNTHETIC_ATTRIBUTION
  };
  return JSON.stringify(layers);
}

export function onMap(camera: RegistryCamera): CameraOnMap {
  const { id, name, district, category, location, facingDeg, fovDeg } = camera;
  return { id, name, district: district.code, category, lat: location.lat, lon: location.lon, ...(facingDeg === undefined ? {} : { facingDeg, fovDeg }) };
}
