/**
 * Annotations on the map (a shared situation view's 통제구역, 대피경로, 집결지, 위험): points,
 * lines and polygons, each kind in its own colour and pattern, labelled; and the Draw
 * interaction that makes a new one. What is drawn is handed back as points; the shape appears
 * when the annotations come back from the view (`set`), so every participant draws the same.
 * Mounted on an `IncidentMap` (`map.mount(layer)`); the mount's removal ends any drawing.
 */
import type Map from 'ol/Map.js';
import Feature from 'ol/Feature.js';
import LineString from 'ol/geom/LineString.js';
import Point from 'ol/geom/Point.js';
import Polygon from 'ol/geom/Polygon.js';
import Draw from 'ol/interaction/Draw.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { fromLonLat, toLonLat } from 'ol/proj.js';
import type { Coordinate } from 'ol/coordinate.js';
import type { FeatureLike } from 'ol/Feature.js';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import type { LatLon } from './geo-api.ts';

export type AnnotationShape = 'point' | 'line' | 'polygon';

/** One annotation as the map draws it. */
export interface MapAnnotation {
  id: string;
  kind: string;
  shape: AnnotationShape;
  points: readonly LatLon[];
  label: string;
}

interface KindLook {
  color: string;
  fill: string;
  dash?: number[];
  /** How a point of this kind is marked. */
  mark: 'cross' | 'circle' | 'triangle' | 'square';
}

/** Each kind in its own colour and pattern; an unknown kind is drawn grey. */
export const ANNOTATION_LOOKS: Readonly<Record<string, KindLook>> = {
  통제구역: { color: '#ff3b3b', fill: 'rgba(255, 59, 59, 0.22)', dash: [10, 6], mark: 'cross' },
  대피경로: { color: '#3ecf8e', fill: 'rgba(62, 207, 142, 0.18)', mark: 'circle' },
  집결지: { color: '#4d8dff', fill: 'rgba(77, 141, 255, 0.25)', mark: 'square' },
  위험: { color: '#ffb020', fill: 'rgba(255, 176, 32, 0.25)', dash: [3, 5], mark: 'triangle' }
};
const UNKNOWN_LOOK: KindLook = { color: '#9aa4b2', fill: 'rgba(154, 164, 178, 0.2)', mark: 'circle' };

const OL_TYPE = { point: 'Point', line: 'LineString', polygon: 'Polygon' } as const;

const project = (at: LatLon): Coordinate => fromLonLat([at.lon, at.lat]);
const unproject = (coordinate: Coordinate): LatLon => {
  const [lon, lat] = toLonLat(coordinate);
  return { lat: Math.round((lat ?? 0) * 1e6) / 1e6, lon: Math.round((lon ?? 0) * 1e6) / 1e6 };
};

function geometryOf(annotation: MapAnnotation): Point | LineString | Polygon | null {
  const coordinates = annotation.points.map(project);
  if (annotation.shape === 'point') return coordinates[0] ? new Point(coordinates[0]) : null;
  if (annotation.shape === 'line') return coordinates.length >= 2 ? new LineString(coordinates) : null;
  return coordinates.length >= 3 ? new Polygon([[...coordinates, coordinates[0]!]]) : null;
}

function markOf(look: KindLook): RegularShape | CircleStyle {
  const stroke = new Stroke({ color: '#0a0e16', width: 1.5 });
  const fill = new Fill({ color: look.color });
  switch (look.mark) {
    case 'cross':
      return new RegularShape({ points: 4, radius: 10, radius2: 0, angle: Math.PI / 4, stroke: new Stroke({ color: look.color, width: 4 }) });
    case 'triangle':
      return new RegularShape({ points: 3, radius: 10, fill, stroke });
    case 'square':
      return new RegularShape({ points: 4, radius: 9, angle: Math.PI / 4, fill, stroke });
    default:
      return new CircleStyle({ radius: 8, fill, stroke });
  }
}

function styleOf(feature: FeatureLike): Style[] {
  const look = ANNOTATION_LOOKS[String(feature.get('kind'))] ?? UNKNOWN_LOOK;
  const shape = feature.get('shape') as AnnotationShape;
  const text = new Text({
    text: String(feature.get('label') ?? ''),
    font: '700 12px system-ui, sans-serif',
    fill: new Fill({ color: '#ffffff' }),
    stroke: new Stroke({ color: look.color, width: 3 }),
    offsetY: shape === 'point' ? -18 : 0,
    placement: shape === 'line' ? 'line' : 'point',
    overflow: true
  });
  if (shape === 'point') return [new Style({ image: markOf(look), text, zIndex: 5 })];
  const outline = new Stroke({ color: look.color, width: shape === 'line' ? 5 : 3, ...(look.dash ? { lineDash: look.dash } : {}) });
  return [
    new Style({ stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.85)', width: shape === 'line' ? 8 : 5 }), zIndex: 4 }),
    new Style({ stroke: outline, ...(shape === 'polygon' ? { fill: new Fill({ color: look.fill }) } : {}), text, zIndex: 4 })
  ];
}

export class AnnotationLayer {
  readonly #source = new VectorSource();
  readonly #layer = new VectorLayer({ source: this.#source, style: styleOf });
  #map: Map | null = null;
  #draw: Draw | null = null;

  mount(map: Map): () => void {
    this.#map = map;
    map.addLayer(this.#layer);
    return () => {
      this.stopDrawing();
      map.removeLayer(this.#layer);
      this.#source.clear();
      this.#layer.dispose();
      this.#map = null;
    };
  }

  /** Shows exactly these annotations. */
  set(annotations: readonly MapAnnotation[]): void {
    const features: Feature[] = [];
    for (const annotation of annotations) {
      const geometry = geometryOf(annotation);
      if (geometry) features.push(new Feature({ geometry, id: annotation.id, kind: annotation.kind, shape: annotation.shape, label: annotation.label }));
    }
    this.#source.clear();
    this.#source.addFeatures(features);
  }

  get drawing(): boolean {
    return this.#draw !== null;
  }

  /**
   * The person draws one `shape` of `kind` on the map (a click for a point; clicks and a double
   * click, or a click on the first point, to finish a line or polygon); `done` gets its points.
   */
  startDrawing(shape: AnnotationShape, kind: string, done: (points: LatLon[]) => void): void {
    this.stopDrawing();
    const map = this.#map;
    if (!map) return;
    const look = ANNOTATION_LOOKS[kind] ?? UNKNOWN_LOOK;
    const draw = new Draw({
      type: OL_TYPE[shape],
      style: new Style({
        stroke: new Stroke({ color: look.color, width: 3, lineDash: [6, 4] }),
        fill: new Fill({ color: look.fill }),
        image: new CircleStyle({ radius: 6, fill: new Fill({ color: look.color }) })
      })
    });
    draw.on('drawend', (event) => {
      const geometry = event.feature.getGeometry();
      let coordinates: Coordinate[] = [];
      if (geometry instanceof Point) coordinates = [geometry.getCoordinates()];
      else if (geometry instanceof LineString) coordinates = geometry.getCoordinates();
      // A polygon's ring repeats its first point at the end.
      else if (geometry instanceof Polygon) coordinates = (geometry.getCoordinates()[0] ?? []).slice(0, -1);
      // The interaction is removed after its own event has run.
      setTimeout(() => {
        if (this.#draw === draw) this.stopDrawing();
      }, 0);
      done(coordinates.map(unproject));
    });
    this.#draw = draw;
    map.addInteraction(draw);
  }

  stopDrawing(): void {
    if (!this.#draw) return;
    this.#map?.removeInteraction(this.#draw);
    this.#draw.dispose();
    this.#draw = null;
  }
}
