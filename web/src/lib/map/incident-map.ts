/**
 * The incident map: Seoul's districts, water, roads and stations, every in-scope camera (by
 * level of detail, see camera-layers.ts) with field-of-view cones when zoomed in, the incident,
 * the dispatch route, detour and congestion flags, a pursuit (pursuit-layers.ts), and numbered
 * rings on the cameras shown in the tiles. Vector layers on Canvas 2D only (no tile server: the
 * hub runs offline; no WebGL). It draws a frame only when something changed: `renderStats()`
 * counts them. One instance per page; `dispose()` removes the listeners, the layers and the map.
 */
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import LineString from 'ol/geom/LineString.js';
import MultiPolygon from 'ol/geom/MultiPolygon.js';
import Point from 'ol/geom/Point.js';
import Polygon from 'ol/geom/Polygon.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { defaults as defaultControls } from 'ol/control/defaults.js';
import { containsCoordinate, getCenter, isEmpty } from 'ol/extent.js';
import { defaults as defaultInteractions } from 'ol/interaction/defaults.js';
import { fromLonLat, toLonLat } from 'ol/proj.js';
import { unByKey } from 'ol/Observable.js';
import type BaseLayer from 'ol/layer/Base.js';
import type { EventsKey } from 'ol/events.js';
import type { FeatureLike } from 'ol/Feature.js';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import type { DispatchRoute, FlaggedSegment, LatLon, MapCameras, MapLayers } from './geo-api.ts';
import { CameraLayers } from './camera-layers.ts';
import { PursuitLayers, type PursuitDrawing } from './pursuit-layers.ts';

const ROUTE_COLOR = '#ff8a3d';
const DETOUR_COLOR = '#22d3ee';

/** Where the map opens (the default region); it moves to the hub's region when the districts arrive. */
export const SEOUL_CENTER: LatLon = { lat: 37.55, lon: 126.99 };

const ROAD_WIDTH: Readonly<Record<string, number>> = { trunk: 3.5, primary: 3, secondary: 2.2, tertiary: 1.6, residential: 1 };
const MAJOR_ROADS = new Set(['trunk', 'primary', 'secondary']);

const point = (at: LatLon): Point => new Point(fromLonLat([at.lon, at.lat]));
const line = (coordinates: ReadonlyArray<readonly [number, number]>): LineString => new LineString(coordinates.map(([lon, lat]) => fromLonLat([lon, lat])));

/** What a click on the map means: a place, and the camera under the pointer when zoomed in. */
export interface MapClick {
  at: LatLon;
  cameraId: string | null;
}

/** Where the map looks. */
export interface MapViewState {
  center: LatLon;
  zoom: number;
}

/** Something drawn on the map from outside it (annotations): `mount` adds it and returns its removal. */
export interface MapPart {
  mount(map: Map): () => void;
}

export class IncidentMap {
  readonly #map: Map;
  readonly #districts = new VectorSource();
  readonly #water = new VectorSource();
  readonly #majorRoads = new VectorSource();
  readonly #minorRoads = new VectorSource();
  readonly #stations = new VectorSource();
  readonly #cameras = new CameraLayers();
  readonly #pursuit = new PursuitLayers();
  readonly #wall = new VectorSource();
  readonly #route = new VectorSource();
  readonly #marker = new VectorSource();
  readonly #detour = new VectorSource();
  readonly #flags = new VectorSource();
  /** Once a detour is drawn, the original route is drawn dashed. */
  #superseded = false;
  readonly #layers: BaseLayer[];
  readonly #keys: EventsKey[] = [];
  #onWall = new Set<string>();
  /** Frames drawn so far, and the last one that showed everything (nothing loading or moving). */
  #frames = 0;
  #completeFrame = -1;
  /** The view was moved by the page, not the person: the next `moveend` is not theirs (nor is the first). */
  #placed = true;
  /** The centre and zoom at the last `moveend`: a resize moves neither, and is no move. */
  #lastView: MapViewState | null = null;
  readonly #moveHandlers = new Set<(view: MapViewState, own: boolean) => void>();

  /** `controls: false`: no zoom buttons (a wall, which no one operates). */
  constructor(target: HTMLElement, onClick: (click: MapClick) => void, options: { controls?: boolean } = {}) {
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
    const waterLayer = new VectorLayer({ source: this.#water, style: new Style({ fill: new Fill({ color: 'rgba(40, 110, 170, 0.45)' }) }) });
    // Thin at city scale (the grid would hide the districts), full width from street scale on.
    const roadStyles = new globalThis.Map<string, Style>();
    const roadStyle = (feature: FeatureLike, resolution: number) => {
      const highway = String(feature.get('highway'));
      const scale = resolution > 30 ? 0.35 : resolution > 8 ? 0.65 : 1;
      const key = `${highway}/${scale}`;
      let style = roadStyles.get(key);
      if (!style) {
        const major = MAJOR_ROADS.has(highway);
        const alpha = (major ? 0.5 : 0.3) * (scale < 1 ? 0.7 : 1);
        style = new Style({ stroke: new Stroke({ color: major ? `rgba(200, 200, 215, ${alpha})` : `rgba(150, 160, 180, ${alpha})`, width: (ROAD_WIDTH[highway] ?? 1) * scale }) });
        roadStyles.set(key, style);
      }
      return style;
    };
    const majorRoadLayer = new VectorLayer({ source: this.#majorRoads, style: roadStyle });
    const minorRoadLayer = new VectorLayer({ source: this.#minorRoads, style: roadStyle, minZoom: 12.5 });
    const stationStyle = (feature: FeatureLike, resolution: number) => {
      const fire = feature.get('kind') === 'fire';
      return new Style({
        image: new RegularShape({ points: 4, radius: 6, angle: Math.PI / 4, fill: new Fill({ color: fire ? '#e5484d' : '#3e63dd' }), stroke: new Stroke({ color: '#0a0e16', width: 1.5 }) }),
        text:
          resolution < 20
            ? new Text({ text: String(feature.get('name') ?? ''), offsetY: -14, font: '600 11px system-ui, sans-serif', fill: new Fill({ color: fire ? '#ffb4b4' : '#b4c6ff' }), stroke: new Stroke({ color: '#0a0e16', width: 3 }) })
            : undefined
      });
    };
    const stationLayer = new VectorLayer({ source: this.#stations, style: stationStyle, minZoom: 11.5 });
    const routeLayer = new VectorLayer({
      source: this.#route,
      style: (feature) =>
        feature.get('kind') === 'approach'
          ? new Style({ stroke: new Stroke({ color: '#ff8a3d', width: 2, lineDash: [4, 5] }) })
          : feature.get('kind') === 'station'
          ? new Style({
              // The stations layer names it.
              image: new RegularShape({ points: 4, radius: 9, angle: Math.PI / 4, fill: new Fill({ color: '#ff8a3d' }), stroke: new Stroke({ color: '#111', width: 2 }) })
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
    // The cameras on the tiles: a white ring with the tile's number.
    const wallLayer = new VectorLayer({
      source: this.#wall,
      style: (feature) =>
        new Style({
          image: new CircleStyle({ radius: 10, stroke: new Stroke({ color: '#ffffff', width: 3 }), fill: new Fill({ color: 'rgba(10, 14, 22, 0.55)' }) }),
          text: new Text({ text: String(feature.get('slot') ?? ''), font: '700 11px system-ui, sans-serif', fill: new Fill({ color: '#ffffff' }) }),
          zIndex: 3
        })
    });
    const markerLayer = new VectorLayer({
      source: this.#marker,
      style: new Style({
        // Drawn above its point (an upside-down pin) so the camera right there stays visible.
        image: new RegularShape({ points: 3, radius: 11, angle: Math.PI, displacement: [0, 14], fill: new Fill({ color: '#ff4d4f' }), stroke: new Stroke({ color: '#fff', width: 2 }) })
      })
    });
    this.#layers = [districtLayer, waterLayer, minorRoadLayer, majorRoadLayer, routeLayer, detourLayer, stationLayer, flagLayer, wallLayer, markerLayer];
    this.#map = new Map({
      target,
      // The cameras above the roads, below the route, flags and rings.
      layers: [districtLayer, waterLayer, minorRoadLayer, majorRoadLayer, ...this.#cameras.layers, routeLayer, detourLayer, stationLayer, ...this.#pursuit.layers, flagLayer, wallLayer, markerLayer],
      controls: options.controls === false ? [] : defaultControls({ attribution: false, rotate: false }),
      // A click places an incident at once: OpenLayers' `singleclick` waits 250 ms to rule out a
      // double click, so the board listens to `click` and the map has no double-click zoom.
      interactions: defaultInteractions({ doubleClickZoom: false }),
      view: new View({ center: fromLonLat([SEOUL_CENTER.lon, SEOUL_CENTER.lat]), zoom: 11, minZoom: 9, maxZoom: 19 })
    });
    this.#keys.push(
      this.#map.on('click', (event) => {
        const [lon, lat] = toLonLat(event.coordinate);
        if (lon === undefined || lat === undefined) return;
        onClick({ at: { lat: round(lat), lon: round(lon) }, cameraId: this.#cameras.pick(event.coordinate[0] ?? 0, event.coordinate[1] ?? 0, this.#map.getView(), this.#onWall) });
      }),
      this.#map.on('moveend', () => {
        this.#cameras.update(this.#map.getView(), this.#map.getSize());
        const own = !this.#placed;
        this.#placed = false;
        const view = this.viewState();
        if (!view || sameView(view, this.#lastView)) return;
        this.#lastView = view;
        for (const handler of this.#moveHandlers) handler(view, own);
      }),
      this.#map.on('postrender', () => void this.#frames++),
      this.#map.on('rendercomplete', () => void (this.#completeFrame = this.#frames))
    );
  }

  setDistricts(geojson: unknown): void {
    const features = new GeoJSON().readFeatures(geojson, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
    this.#districts.clear();
    this.#districts.addFeatures(features);
    // The hub's region may be another city (GTH_REGION=gwangju): go there unless the view already is.
    const extent = this.#districts.getExtent();
    const view = this.#map.getView();
    const center = view.getCenter();
    if (extent && !isEmpty(extent) && center && !containsCoordinate(extent, center)) {
      this.#placed = true;
      view.setCenter(getCenter(extent));
    }
  }

  setBase(layers: MapLayers): void {
    this.#water.clear();
    this.#water.addFeatures(layers.water.map((ring) => new Feature({ geometry: new Polygon([ring.map(([lon, lat]) => fromLonLat([lon, lat]))]) })));
    const major: Feature[] = [];
    const minor: Feature[] = [];
    for (const road of layers.roads) {
      (MAJOR_ROADS.has(road.highway) ? major : minor).push(new Feature({ geometry: line(road.line), highway: road.highway, name: road.name }));
    }
    this.#majorRoads.clear();
    this.#majorRoads.addFeatures(major);
    this.#minorRoads.clear();
    this.#minorRoads.addFeatures(minor);
    this.#stations.clear();
    this.#stations.addFeatures(layers.stations.map((s) => new Feature({ geometry: point(s), kind: s.kind, name: s.name, id: s.id })));
  }

  /** Every in-scope camera: counts per cell at city scale, a dot each when zoomed in. */
  setCameras(cameras: MapCameras): void {
    this.#cameras.set(cameras, this.#map.getView(), this.#map.getSize());
  }

  /** The camera's position, if it is on the map. */
  cameraAt(id: string): LatLon | null {
    return this.#cameras.at(id);
  }

  /** Numbered rings on the cameras shown in the tiles (`slots[i]` is tile i + 1). */
  setWall(slots: ReadonlyArray<string | null>): void {
    this.#onWall = new Set(slots.filter((id): id is string => id !== null));
    this.#wall.clear();
    slots.forEach((id, i) => {
      const at = id ? this.cameraAt(id) : null;
      if (at) this.#wall.addFeature(new Feature({ geometry: point(at), slot: i + 1, id }));
    });
  }

  setIncident(at: LatLon | null): void {
    this.#marker.clear();
    if (at) this.#marker.addFeature(new Feature({ geometry: point(at) }));
  }

  /** The route, its station, and a dashed last leg from the road to the incident itself. */
  setRoute(route: DispatchRoute | null, incident?: LatLon, fit = true): void {
    this.#route.clear();
    if (!route) return;
    const path = line(route.polyline);
    const features = [new Feature({ geometry: path, kind: 'route' }), new Feature({ geometry: point(route.station.location), kind: 'station', name: route.station.name })];
    const end = path.getLastCoordinate();
    if (incident && end.length) features.push(new Feature({ geometry: new LineString([end, fromLonLat([incident.lon, incident.lat])]), kind: 'approach' }));
    this.#route.addFeatures(features);
    const extent = this.#route.getExtent();
    if (fit && extent) this.#map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 15, duration: 300 });
  }

  /** The detour around flagged segments (cyan; the original route turns dashed), or none. */
  setDetour(detour: DispatchRoute | null): void {
    this.#detour.clear();
    this.#superseded = detour !== null;
    this.#route.changed();
    if (!detour) return;
    this.#detour.addFeature(new Feature({ geometry: line(detour.polyline) }));
  }

  /** Red crosses where operators flagged congestion. */
  setFlags(flags: readonly FlaggedSegment[]): void {
    this.#flags.clear();
    this.#flags.addFeatures(flags.map((flag) => new Feature({ geometry: point(flag.at), edgeId: flag.edgeId })));
  }

  /** A pursuit's reach, track and predicted cameras (see pursuit-layers.ts); null takes it away. `fit`: the view moves to them. */
  setPursuit(drawing: PursuitDrawing | null, fit = false): void {
    this.#pursuit.set(drawing);
    const extent = fit ? this.#pursuit.extent() : null;
    if (extent) this.#map.getView().fit(extent, { padding: [80, 80, 80, 80], maxZoom: 15, duration: 300 });
  }

  /** What the pursuit layers hold now. */
  pursuitCounts(): { track: number; predicted: number; reach: number } {
    return this.#pursuit.counts();
  }

  /** Where `at` is on screen, in CSS pixels relative to the map element (null before the first render). */
  pixelOf(at: LatLon): [number, number] | null {
    const pixel = this.#map.getPixelFromCoordinate(fromLonLat([at.lon, at.lat]));
    return pixel ? [pixel[0] ?? 0, pixel[1] ?? 0] : null;
  }

  /** Centres the view on `at` (at `zoom`, if given), as the person would (tests and benchmarks). */
  centerOn(at: LatLon, zoom?: number): void {
    const view = this.#map.getView();
    view.setCenter(fromLonLat([at.lon, at.lat]));
    if (zoom !== undefined) view.setZoom(zoom);
    this.#map.renderSync();
  }

  /** Where the map looks now (null before it has a centre). */
  viewState(): MapViewState | null {
    const view = this.#map.getView();
    const center = view.getCenter();
    if (!center) return null;
    const [lon, lat] = toLonLat(center);
    return { center: { lat: round(lat ?? 0), lon: round(lon ?? 0) }, zoom: Math.round((view.getZoom() ?? 0) * 100) / 100 };
  }

  /** Moves the view to `next` for the person (a presenter's view, followed): not their own move. */
  setView(next: MapViewState): void {
    if (sameView(this.viewState(), next)) return;
    this.#placed = true;
    const view = this.#map.getView();
    view.setCenter(fromLonLat([next.center.lon, next.center.lat]));
    view.setZoom(next.zoom);
  }

  /** `handler` runs each time the view stops moving; `own` when the person moved it (drag, wheel, buttons). */
  onMoveEnd(handler: (view: MapViewState, own: boolean) => void): () => void {
    this.#moveHandlers.add(handler);
    return () => this.#moveHandlers.delete(handler);
  }

  /** Adds a part drawn on this map; call the returned function to remove it (before `dispose`). */
  mount(part: MapPart): () => void {
    return part.mount(this.#map);
  }

  /**
   * Frames drawn since the map was made, and whether the last one showed everything (no layer
   * loading, no animation): once settled, an idle map draws no more frames.
   */
  renderStats(): { frames: number; settled: boolean } {
    return { frames: this.#frames, settled: this.#completeFrame === this.#frames };
  }

  zoom(): number {
    return this.#map.getView().getZoom() ?? 0;
  }

  dispose(): void {
    unByKey(this.#keys);
    this.#keys.length = 0;
    this.#moveHandlers.clear();
    this.#map.setTarget(undefined);
    this.#cameras.dispose();
    this.#pursuit.dispose();
    for (const layer of this.#layers) {
      if (layer instanceof VectorLayer) layer.getSource()?.clear();
      layer.dispose();
    }
    this.#map.dispose();
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
  if (geometry instanceof Polygon) return geometry.getInteriorPoint();
  return undefined;
}

function sameView(a: MapViewState | null, b: MapViewState | null): boolean {
  return a !== null && b !== null && a.zoom === b.zoom && a.center.lat === b.center.lat && a.center.lon === b.center.lon;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
