/**
 * The geo services the incident and dispatch screens ask for, with the caller's scope applied to
 * every answer: nearest cameras to a point, the fastest route from the responding agency's
 * nearest station and the cameras along it. The road network is the synthetic Seoul one (real
 * 구 boundaries, generated streets, real bridge positions) until a real network is configured.
 */
import type { RegistryCamera } from '../cameras/registry.ts';
import { pointsAlongRoute } from '../routing/corridor.ts';
import { importRoadNetwork } from '../routing/road-network.ts';
import { Router, type RouteResult } from '../routing/router.ts';
import { CameraIndex } from './camera-index.ts';
import { seoulDistricts } from './districts.ts';
import { SYNTHETIC_ATTRIBUTION, generateSeoulRoads } from './seoul-roads/generate.ts';
import { placeStations, StationDirectory, type Station } from './seoul-roads/stations.ts';

export type CameraFilter = (camera: RegistryCamera) => boolean;

export interface CameraOnMap {
  id: string;
  name: string;
  district: string;
  category: string;
  lat: number;
  lon: number;
}

export interface RouteAnswer {
  station: Pick<Station, 'id' | 'name' | 'kind' | 'location'>;
  lengthM: number;
  etaS: number;
  freeFlowEtaS: number;
  polyline: Array<[number, number]>;
  /** In-scope cameras within the corridor, in driving order. */
  cameras: Array<CameraOnMap & { alongM: number }>;
  attribution: string;
}

const CORRIDOR_HALF_WIDTH_M = 60;

export class GeoService {
  readonly #cameras: CameraIndex<RegistryCamera>;
  readonly #registry: RegistryCamera[];
  #roads: { router: Router; stations: StationDirectory } | undefined;
  readonly #seed: number;

  constructor(cameras: Iterable<RegistryCamera>, options: { seed?: number } = {}) {
    this.#registry = [...cameras];
    this.#cameras = new CameraIndex(this.#registry);
    this.#seed = options.seed ?? 1;
  }

  districtsGeoJson(): { type: 'FeatureCollection'; features: unknown[] } {
    return {
      type: 'FeatureCollection',
      features: seoulDistricts().map((d) => ({
        type: 'Feature',
        properties: { code: d.code, name: d.name, nameEn: d.nameEn },
        geometry: { type: 'MultiPolygon', coordinates: d.polygons }
      }))
    };
  }

  cameras(filter: CameraFilter): CameraOnMap[] {
    return this.#registry.filter(filter).map(onMap);
  }

  nearest(lat: number, lon: number, n: number, filter: CameraFilter): Array<CameraOnMap & { distanceM: number; facing: boolean }> {
    return this.#cameras.nearest(lat, lon, n, filter).map((hit) => ({ ...onMap(hit.camera), distanceM: Math.round(hit.distanceM), facing: hit.facing }));
  }

  /** The fastest route from the nearest station of `kind` to the point, with the cameras along it. */
  dispatchRoute(kind: Station['kind'], to: { lat: number; lon: number }, filter: CameraFilter): RouteAnswer {
    const { router, stations } = this.#network();
    const start = stations.nearestStation(kind, to.lat, to.lon);
    if (!start) throw new Error(`no ${kind} station`);
    const route: RouteResult = router.route(start.station.location, to);
    const visible = this.#registry.filter(filter).map((c) => ({ ...onMap(c), id: c.id }));
    const along = pointsAlongRoute(route.polyline, visible, { halfWidthM: CORRIDOR_HALF_WIDTH_M });
    const { id, name, location } = start.station;
    return {
      station: { id, name, kind, location },
      lengthM: Math.round(route.lengthM),
      etaS: Math.round(route.etaS),
      freeFlowEtaS: Math.round(route.freeFlowEtaS),
      polyline: route.polyline.map(([x, y]) => [x, y]),
      cameras: along.map((hit) => ({ ...hit.point, alongM: Math.round(hit.alongM) })),
      attribution: route.attribution
    };
  }

  /** Generated on first use (≈0.3 s), so a hub that never routes never pays for it. */
  #network(): { router: Router; stations: StationDirectory } {
    if (!this.#roads) {
      const roads = generateSeoulRoads({ seed: this.#seed });
      const graph = importRoadNetwork(roads, { attribution: SYNTHETIC_ATTRIBUTION });
      this.#roads = { router: new Router(graph), stations: new StationDirectory(placeStations(roads, { seed: this.#seed })) };
    }
    return this.#roads;
  }
}

function onMap(camera: RegistryCamera): CameraOnMap {
  return { id: camera.id, name: camera.name, district: camera.district.code, category: camera.category, lat: camera.location.lat, lon: camera.location.lon };
}
