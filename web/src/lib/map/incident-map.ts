/**
 * The incident map: Seoul's district boundaries, the in-scope cameras, the incident marker,
 * the dispatch route and its station — vector layers only (no tile server: the hub runs
 * offline). One instance per page; `dispose()` removes the listener, the layers and the map.
 */
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import LineString from 'ol/geom/LineString.js';
import MultiPolygon from 'ol/geom/MultiPolygon.js';
import Point from 'ol/geom/Point.js';
import type Polygon from 'ol/geom/Polygon.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { defaults as defaultControls } from 'ol/control/defaults.js';
import { fromLonLat, toLonLat } from 'ol/proj.js';
import { unByKey } from 'ol/Observable.js';
import type { EventsKey } from 'ol/events.js';
import type { FeatureLike } from 'ol/Feature.js';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import type { DispatchRoute, FlaggedSegment, LatLon, MapCamera } from './geo-api.ts';

const ROUTE_COLOR = '#ff8a3d';
const DETOUR_COLOR = '#22d3ee';

export const SEOUL_CENTER: LatLon = { lat: 37.55, lon: 126.99 };

/** Camera colours by category (the registry's Korean names); anything else is grey. */
export const CATEGORY_COLORS: Readonly<Record<string, string>> = {
  교통단속: '#4aa3ff',
  생활방범: '#3ecf8e',
  어린이보호: '#f5c542',
  재난재해: '#c77dff'
};
const OTHER_COLOR = '#9aa4b2';

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category] ?? OTHER_COLOR;
}

const point = (at: LatLon): Point => new Point(fromLonLat([at.lon, at.lat]));

export class IncidentMap {
  readonly #map: Map;
  readonly #districts = new VectorSource();
  readonly #cameras = new VectorSource();
  readonly #route = new VectorSource();
  readonly #marker = new VectorSource();
  readonly #detour = new VectorSource();
  readonly #flags = new VectorSource();
  /** Once a detour is drawn, the original route is drawn dashed. */
  #superseded = false;
  readonly #layers: VectorLayer[];
  readonly #keys: EventsKey[] = [];
  readonly #cameraStyles = new globalThis.Map<string, Style>();
  readonly #highlightStyles = new globalThis.Map<string, Style>();
  #highlighted = new Set<string>();

  constructor(target: HTMLElement, onPick: (at: LatLon) => void) {
    const districtLine = new Stroke({ color: 'rgba(160, 180, 210, 0.55)', width: 1 });
    const districtFill = new Fill({ color: 'rgba(40, 60, 90, 0.18)' });
    const districtLayer = new VectorLayer({
      source: this.#districts,
      style: (feature) => [
        new Style({ stroke: districtLine, fill: districtFill }),
        new Style({
          geometry: labelPoint,
          text: new Text({
            text: String(feature.get('name') ?? ''),
            font: '600 12px system-ui, sans-serif',
            fill: new Fill({ color: 'rgba(210, 222, 240, 0.8)' }),
            stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 3 }),
            overflow: true
          })
        })
      ]
    });
    const routeLayer = new VectorLayer({
      source: this.#route,
      style: (feature) =>
        feature.get('kind') === 'approach'
          ? new Style({ stroke: new Stroke({ color: '#ff8a3d', width: 2, lineDash: [4, 5] }) })
          : feature.get('kind') === 'station'
          ? new Style({
              image: new RegularShape({ points: 4, radius: 9, angle: Math.PI / 4, fill: new Fill({ color: '#ff8a3d' }), stroke: new Stroke({ color: '#111', width: 2 }) }),
              text: new Text({ text: String(feature.get('name') ?? ''), offsetY: -18, font: '700 12px system-ui, sans-serif', fill: new Fill({ color: '#ffd2b0' }), stroke: new Stroke({ color: '#111', width: 3 }) })
            })
          : this.#superseded
          ? [new Style({ stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 6 }) }), new Style({ stroke: new Stroke({ color: ROUTE_COLOR, width: 3, lineDash: [8, 7] }) })]
          : [new Style({ stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 7 }) }), new Style({ stroke: new Stroke({ color: ROUTE_COLOR, width: 4 }) })]
    });
    const detourLayer = new VectorLayer({
      source: this.#detour,
      style: [new Style({ stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 7 }) }), new Style({ stroke: new Stroke({ color: DETOUR_COLOR, width: 4 }) })]
    });
    const flagLayer = new VectorLayer({
      source: this.#flags,
      style: new Style({
        image: new RegularShape({ points: 4, radius: 10, radius2: 0, angle: Math.PI / 4, stroke: new Stroke({ color: '#ff3b3b', width: 4 }) })
      })
    });
    const cameraLayer = new VectorLayer({ source: this.#cameras, style: (feature) => this.#cameraStyle(feature) });
    const markerLayer = new VectorLayer({
      source: this.#marker,
      style: new Style({
        // Drawn above its point (an upside-down pin) so the camera right there stays visible.
        image: new RegularShape({ points: 3, radius: 11, angle: Math.PI, displacement: [0, 14], fill: new Fill({ color: '#ff4d4f' }), stroke: new Stroke({ color: '#fff', width: 2 }) })
      })
    });
    this.#layers = [districtLayer, routeLayer, detourLayer, cameraLayer, flagLayer, markerLayer];
    this.#map = new Map({
      target,
      layers: this.#layers,
      controls: defaultControls({ attribution: false, rotate: false }),
      view: new View({ center: fromLonLat([SEOUL_CENTER.lon, SEOUL_CENTER.lat]), zoom: 11, minZoom: 9, maxZoom: 19 })
    });
    this.#keys.push(
      this.#map.on('singleclick', (event) => {
        const [lon, lat] = toLonLat(event.coordinate);
        if (lon !== undefined && lat !== undefined) onPick({ lat: round(lat), lon: round(lon) });
      })
    );
  }

  setDistricts(geojson: unknown): void {
    const features = new GeoJSON().readFeatures(geojson, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
    this.#districts.clear();
    this.#districts.addFeatures(features);
  }

  setCameras(cameras: readonly MapCamera[]): void {
    this.#cameras.clear();
    this.#cameras.addFeatures(cameras.map((camera) => new Feature({ geometry: point(camera), id: camera.id, name: camera.name, category: camera.category })));
  }

  /** Draws the nearest cameras larger and ringed. */
  highlight(ids: Iterable<string>): void {
    this.#highlighted = new Set(ids);
    this.#cameras.changed();
  }

  setIncident(at: LatLon | null): void {
    this.#marker.clear();
    if (at) this.#marker.addFeature(new Feature({ geometry: point(at) }));
  }

  /** The route, its station, and a dashed last leg from the road to the incident itself. */
  setRoute(route: DispatchRoute | null, incident?: LatLon, fit = true): void {
    this.#route.clear();
    if (!route) return;
    const coordinates = route.polyline.map(([lon, lat]) => fromLonLat([lon, lat]));
    const line = new LineString(coordinates);
    const features = [new Feature({ geometry: line, kind: 'route' }), new Feature({ geometry: point(route.station.location), kind: 'station', name: route.station.name })];
    const end = coordinates[coordinates.length - 1];
    if (incident && end) features.push(new Feature({ geometry: new LineString([end, fromLonLat([incident.lon, incident.lat])]), kind: 'approach' }));
    this.#route.addFeatures(features);
    const extent = this.#route.getExtent();
    if (fit && extent) this.#map.getView().fit(extent, { padding: [90, 90, 90, 90], maxZoom: 14, duration: 300 });
  }

  /** The detour around flagged segments (cyan; the original route turns dashed), or none. */
  setDetour(detour: DispatchRoute | null): void {
    this.#detour.clear();
    this.#superseded = detour !== null;
    this.#route.changed();
    if (!detour) return;
    this.#detour.addFeature(new Feature({ geometry: new LineString(detour.polyline.map(([lon, lat]) => fromLonLat([lon, lat]))) }));
  }

  /** Red crosses where operators flagged congestion. */
  setFlags(flags: readonly FlaggedSegment[]): void {
    this.#flags.clear();
    this.#flags.addFeatures(flags.map((flag) => new Feature({ geometry: point(flag.at), edgeId: flag.edgeId })));
  }

  /** Where `at` is on screen, in CSS pixels relative to the map element (null before the first render). */
  pixelOf(at: LatLon): [number, number] | null {
    const pixel = this.#map.getPixelFromCoordinate(fromLonLat([at.lon, at.lat]));
    return pixel ? [pixel[0] ?? 0, pixel[1] ?? 0] : null;
  }

  /** Centres the view on `at` (at `zoom`, if given). */
  centerOn(at: LatLon, zoom?: number): void {
    const view = this.#map.getView();
    view.setCenter(fromLonLat([at.lon, at.lat]));
    if (zoom !== undefined) view.setZoom(zoom);
    this.#map.renderSync();
  }

  dispose(): void {
    unByKey(this.#keys);
    this.#keys.length = 0;
    this.#map.setTarget(undefined);
    for (const layer of this.#layers) {
      layer.getSource()?.clear();
      layer.dispose();
    }
    this.#map.dispose();
  }

  #cameraStyle(feature: FeatureLike): Style {
    const category = String(feature.get('category') ?? '');
    const lit = this.#highlighted.has(String(feature.get('id')));
    const cache = lit ? this.#highlightStyles : this.#cameraStyles;
    let style = cache.get(category);
    if (!style) {
      const color = categoryColor(category);
      style = new Style({
        image: lit
          ? new CircleStyle({ radius: 8, fill: new Fill({ color }), stroke: new Stroke({ color: '#ffffff', width: 3 }) })
          : new CircleStyle({ radius: 5, fill: new Fill({ color }), stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 1.5 }) }),
        zIndex: lit ? 2 : 1
      });
      cache.set(category, style);
    }
    return style;
  }
}

/** One label per district: the interior point of its largest polygon. */
function labelPoint(feature: FeatureLike): Point | undefined {
  const geometry = feature.getGeometry();
  if (geometry instanceof MultiPolygon) {
    let best: Polygon | undefined;
    for (const polygon of geometry.getPolygons()) if (!best || polygon.getArea() > best.getArea()) best = polygon;
    return best?.getInteriorPoint();
  }
  if (geometry && 'getInteriorPoint' in geometry && typeof geometry.getInteriorPoint === 'function') return (geometry as Polygon).getInteriorPoint();
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
