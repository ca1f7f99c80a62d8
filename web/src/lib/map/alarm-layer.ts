/**
 * An alarm on the incident map: where it is (a ring in the alarm's colour, labelled with its
 * kind) and, for a person on foot, the path walked so far — each fix with its time, the latest
 * one largest. A plain vector layer, redrawn only when `set` is called (a new fix, another alarm
 * shown), so an idle board draws nothing. Mounted on an `IncidentMap` (`map.mount(layer)`).
 */
import type Map from 'ol/Map.js';
import Feature from 'ol/Feature.js';
import LineString from 'ol/geom/LineString.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { fromLonLat } from 'ol/proj.js';
import { Circle as CircleStyle, Fill, Stroke, Style, Text } from 'ol/style.js';
import type { LatLon } from './geo-api.ts';

export interface AlarmFix extends LatLon {
  /** Its time of day, shown beside it. */
  label: string;
}

export interface AlarmDrawing {
  at: LatLon;
  /** The alarm's kind (and level), written above the ring. */
  label: string;
  /** Ring colour: the alarm's priority. */
  color: string;
  /** A walking person's fixes, oldest first (empty for a fixed place). */
  path: readonly AlarmFix[];
}

const OUTLINE = new Stroke({ color: 'rgba(10, 14, 22, 0.95)', width: 3 });
const LABEL_FONT = '600 11px system-ui, sans-serif';
const PATH_COLOR = '#63e6be';
const PATH_LINE = [new Style({ stroke: new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 6 }) }), new Style({ stroke: new Stroke({ color: PATH_COLOR, width: 3 }) })];

export class AlarmLayer {
  readonly #source = new VectorSource();
  readonly #layer = new VectorLayer({ source: this.#source, zIndex: 50 });

  mount(map: Map): () => void {
    map.addLayer(this.#layer);
    return () => {
      map.removeLayer(this.#layer);
      this.#source.clear(true);
      this.#layer.dispose();
    };
  }

  /** Replaces what is drawn; null clears it (no alarm shown). */
  set(drawing: AlarmDrawing | null): void {
    this.#source.clear(true);
    if (!drawing) return;
    const features: Feature[] = [];
    if (drawing.path.length > 1) features.push(styled(new Feature(new LineString(drawing.path.map(project))), PATH_LINE));
    drawing.path.forEach((fix, i) => {
      const last = i === drawing.path.length - 1;
      features.push(styled(new Feature({ geometry: new Point(project(fix)), kind: 'fix' }), fixStyle(fix.label, last)));
    });
    features.push(styled(new Feature({ geometry: new Point(project(drawing.at)), kind: 'alarm' }), alarmStyle(drawing)));
    this.#source.addFeatures(features);
  }

  /** How many fixes are drawn (for tests: the map shows what the board says). */
  counts(): { alarm: number; fixes: number } {
    const features = this.#source.getFeatures();
    return { alarm: features.filter((f) => f.get('kind') === 'alarm').length, fixes: features.filter((f) => f.get('kind') === 'fix').length };
  }
}

function alarmStyle(drawing: AlarmDrawing): Style {
  return new Style({
    image: new CircleStyle({ radius: 14, fill: new Fill({ color: 'rgba(10, 14, 22, 0.35)' }), stroke: new Stroke({ color: drawing.color, width: 4 }) }),
    text: new Text({ text: drawing.label, offsetY: -26, font: '700 12px system-ui, sans-serif', fill: new Fill({ color: drawing.color }), stroke: OUTLINE }),
    zIndex: 20
  });
}

function fixStyle(label: string, last: boolean): Style {
  return new Style({
    image: new CircleStyle({ radius: last ? 7 : 4, fill: new Fill({ color: PATH_COLOR }), stroke: new Stroke({ color: '#0a0e16', width: 2 }) }),
    text: new Text({ text: label, offsetY: 15, font: LABEL_FONT, fill: new Fill({ color: PATH_COLOR }), stroke: OUTLINE }),
    zIndex: last ? 10 : 1
  });
}

function styled(feature: Feature, style: Style | Style[]): Feature {
  feature.setStyle(style);
  return feature;
}

function project(at: LatLon): number[] {
  return fromLonLat([at.lon, at.lat]);
}
