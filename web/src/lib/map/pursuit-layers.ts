/**
 * A pursuit on the incident map: where the target may be now (the reach polylines, stronger
 * where it more likely went), the track (sightings and LPR hits joined in time order, each with
 * its time) and the predicted cameras with their arrival windows and 구. Plain vector layers
 * redrawn only when `set` is called (a new prediction), so an idle board draws nothing; styles
 * are made once per feature when it is added, never per frame.
 */
import Feature from 'ol/Feature.js';
import LineString from 'ol/geom/LineString.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { createEmpty, extend, isEmpty, type Extent } from 'ol/extent.js';
import { fromLonLat } from 'ol/proj.js';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import type { LatLon } from './geo-api.ts';

export interface TrackMark extends LatLon {
  kind: 'sighting' | 'lpr';
  /** Shown beside the mark: its time (and plate, for those allowed to see it). */
  label: string;
}

export interface PredictedMark extends LatLon {
  cameraId: string;
  /** 1 = most likely. */
  rank: number;
  /** Its arrival window and 구, e.g. "20–45초 · 서초구"; empty to draw it without a label. */
  label: string;
}

export interface PursuitDrawing {
  /** Oldest first. */
  track: readonly TrackMark[];
  predicted: readonly PredictedMark[];
  reach: ReadonlyArray<{ path: ReadonlyArray<readonly [number, number]>; weight: number }>;
}

const TRACK_COLOR = '#ffd43b';
const LPR_COLOR = '#f06595';
const PREDICTED_COLOR = '#ff6b6b';
const OUTLINE = new Stroke({ color: 'rgba(10, 14, 22, 0.95)', width: 3 });
const LABEL_FONT = '600 11px system-ui, sans-serif';

export class PursuitLayers {
  readonly #reach = new VectorSource();
  readonly #track = new VectorSource();
  readonly #predicted = new VectorSource();
  /** Bottom to top: reach, predicted cameras, track. */
  readonly layers: [VectorLayer, VectorLayer, VectorLayer] = [
    new VectorLayer({ source: this.#reach }),
    new VectorLayer({ source: this.#predicted }),
    new VectorLayer({ source: this.#track })
  ];

  /** Replaces what is drawn; null clears it (no pursuit shown). */
  set(drawing: PursuitDrawing | null): void {
    this.#reach.clear(true);
    this.#track.clear(true);
    this.#predicted.clear(true);
    if (!drawing) return;
    this.#reach.addFeatures(drawing.reach.map((r) => styled(new Feature(line(r.path)), reachStyle(r.weight))));
    this.#predicted.addFeatures(drawing.predicted.map((c) => styled(new Feature({ geometry: point(c), cameraId: c.cameraId }), predictedStyle(c))));
    const marks = drawing.track.map((mark, i) => styled(new Feature({ geometry: point(mark), kind: mark.kind }), trackStyle(mark, i === drawing.track.length - 1)));
    if (drawing.track.length > 1) marks.unshift(styled(new Feature(line(drawing.track.map((m) => [m.lon, m.lat] as const))), TRACK_LINE));
    this.#track.addFeatures(marks);
  }

  /** Where the track and the predicted cameras are (EPSG:3857), or null with nothing drawn. */
  extent(): Extent | null {
    const extent = createEmpty();
    for (const source of [this.#track, this.#predicted]) {
      const part = source.getExtent();
      if (part) extend(extent, part);
    }
    return isEmpty(extent) ? null : extent;
  }

  /** How many of each are drawn (for tests: the map shows what the board says). */
  counts(): { track: number; predicted: number; reach: number } {
    return {
      track: this.#track.getFeatures().filter((f) => f.get('kind') !== undefined).length,
      predicted: this.#predicted.getFeatures().length,
      reach: this.#reach.getFeatures().length
    };
  }

  dispose(): void {
    for (const layer of this.layers) {
      layer.getSource()?.clear(true);
      layer.dispose();
    }
  }
}

const TRACK_LINE = [new Style({ stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 6 }) }), new Style({ stroke: new Stroke({ color: TRACK_COLOR, width: 3, lineDash: [10, 6] }) })];

function reachStyle(weight: number): Style {
  const alpha = 0.25 + 0.6 * Math.max(0, Math.min(1, weight));
  return new Style({ stroke: new Stroke({ color: `rgba(255, 107, 107, ${alpha.toFixed(2)})`, width: 5, lineCap: 'round' }) });
}

function predictedStyle(camera: PredictedMark): Style {
  const top = camera.rank <= 3;
  return new Style({
    image: new CircleStyle({ radius: top ? 9 : 7, fill: new Fill({ color: 'rgba(10, 14, 22, 0.6)' }), stroke: new Stroke({ color: PREDICTED_COLOR, width: top ? 3 : 2 }) }),
    text: camera.label
      ? new Text({ text: camera.label, offsetY: -17, font: LABEL_FONT, fill: new Fill({ color: '#ffc9c9' }), stroke: OUTLINE })
      : new Text({ text: String(camera.rank), font: '700 10px system-ui, sans-serif', fill: new Fill({ color: '#ffc9c9' }) }),
    zIndex: 100 - camera.rank
  });
}

function trackStyle(mark: TrackMark, last: boolean): Style {
  const color = mark.kind === 'lpr' ? LPR_COLOR : TRACK_COLOR;
  const radius = last ? 9 : 6;
  return new Style({
    image:
      mark.kind === 'lpr'
        ? new RegularShape({ points: 4, radius: radius + 1, angle: Math.PI / 4, fill: new Fill({ color }), stroke: new Stroke({ color: '#0a0e16', width: 2 }) })
        : new CircleStyle({ radius, fill: new Fill({ color }), stroke: new Stroke({ color: '#0a0e16', width: 2 }) }),
    text: new Text({ text: mark.label, offsetY: 18, font: LABEL_FONT, fill: new Fill({ color }), stroke: OUTLINE }),
    zIndex: last ? 10 : 1
  });
}

function styled(feature: Feature, style: Style | Style[]): Feature {
  feature.setStyle(style);
  return feature;
}

function point(at: LatLon): Point {
  return new Point(fromLonLat([at.lon, at.lat]));
}

function line(path: ReadonlyArray<readonly [number, number]>): LineString {
  return new LineString(path.map(([lon, lat]) => fromLonLat([lon, lat])));
}
