/**
 * The registry's cameras on the incident map, by level of detail, all drawn with Canvas 2D:
 * below DOTS_ZOOM one mark per cell with its count (a few hundred features); from DOTS_ZOOM on,
 * one dot per camera coloured by category, painted straight from the projected coordinates onto
 * one canvas per view (no OpenLayers feature per camera: 68k features held ≈190 MB of heap, and
 * every major GC of the idle page had to mark it — most of the idle board's CPU at street zoom);
 * from CONE_ZOOM on, field-of-view cones for the cameras in view.
 *
 * Not WebGL: with software GL (Chromium without a GPU, `--disable-gpu`) OpenLayers' WebGL points
 * are one instanced draw of every camera per frame, and SwiftShader spends seconds on each
 * (≈4 s for 68k quads on this machine) after the page has moved on, so an idle board kept a
 * core busy for tens of seconds and blocked the page on its next synchronous GL call.
 */
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import Polygon from 'ol/geom/Polygon.js';
import ImageLayer from 'ol/layer/Image.js';
import VectorLayer from 'ol/layer/Vector.js';
import ImageCanvasSource from 'ol/source/ImageCanvas.js';
import VectorSource from 'ol/source/Vector.js';
import { fromLonLat } from 'ol/proj.js';
import type { Extent } from 'ol/extent.js';
import type View from 'ol/View.js';
import type { Size } from 'ol/size.js';
import { Circle as CircleStyle, Fill, Stroke, Style, Text } from 'ol/style.js';
import type { LatLon, MapCameras } from './geo-api.ts';
import { categoryColor } from './categories.ts';
import { conePolygon } from './cone.ts';
import { densityCells } from './camera-density.ts';

/** One dot per camera from this zoom on; below it, counts per cell. */
export const DOTS_ZOOM = 13.5;
/** Cameras can be picked by clicking from this zoom on; below it a click is a place on the map. */
export const PICK_ZOOM = 15;
const PICK_RADIUS_PX = 9;
/** Field-of-view cones from this zoom on, at most this many (those in view). */
const CONE_ZOOM = 15.5;
const MAX_CONES = 2500;
const CONE_RANGE_M = 45;
/** Density cells are about this many pixels wide at their zoom level. */
const CELL_PX = 64;

const DENSITY_FILL = new Fill({ color: 'rgba(74, 163, 255, 0.32)' });
const DENSITY_STROKE = new Stroke({ color: 'rgba(160, 205, 255, 0.85)', width: 1.5 });
const DENSITY_TEXT_FILL = new Fill({ color: '#e8f1ff' });
const DENSITY_TEXT_STROKE = new Stroke({ color: 'rgba(10, 14, 22, 0.9)', width: 3 });
const DOT_OUTLINE = 'rgba(10, 14, 22, 0.9)';
/** Dot radius (px) by scale band, and the resolutions (m/px) the bands start below. */
const DOT_RADII = [2.5, 3.5, 5, 7] as const;
const dotBand = (resolution: number): number => (resolution > 6 ? 0 : resolution > 2.5 ? 1 : resolution > 1 ? 2 : 3);

export class CameraLayers {
  readonly #density = new VectorSource();
  readonly #dots: ImageCanvasSource;
  readonly #cones = new VectorSource();
  /** Bottom to top: cones, dots, density marks. */
  readonly layers: [VectorLayer, ImageLayer<ImageCanvasSource>, VectorLayer];
  #data: MapCameras | null = null;
  /** The cameras projected once (EPSG:3857 metres), for density, picking and cones. */
  #x = new Float64Array(0);
  #y = new Float64Array(0);
  readonly #index = new Map<string, number>();
  /** Density marks per whole zoom level, made when first shown. */
  readonly #levels = new Map<number, Feature[]>();
  #level: number | null = null;
  #conesDrawn = false;

  constructor() {
    this.#dots = new ImageCanvasSource({ canvasFunction: (extent, resolution, pixelRatio, size) => this.#paintDots(extent, resolution, pixelRatio, size) });
    this.layers = [
      new VectorLayer({
        source: this.#cones,
        minZoom: CONE_ZOOM,
        style: (feature) => {
          const color = categoryColor(String(feature.get('category') ?? ''));
          return new Style({ fill: new Fill({ color: `${color}33` }), stroke: new Stroke({ color: `${color}88`, width: 1 }) });
        }
      }),
      new ImageLayer({ source: this.#dots, minZoom: DOTS_ZOOM }),
      new VectorLayer({ source: this.#density, maxZoom: DOTS_ZOOM })
    ];
  }

  /** Every in-scope camera (replaces the previous answer). */
  set(cameras: MapCameras, view: View, size: Size | undefined): void {
    this.#data = cameras;
    this.#x = new Float64Array(cameras.count);
    this.#y = new Float64Array(cameras.count);
    this.#index.clear();
    for (let i = 0; i < cameras.count; i++) {
      const [x = 0, y = 0] = fromLonLat([cameras.lon[i]!, cameras.lat[i]!]);
      this.#x[i] = x;
      this.#y[i] = y;
      this.#index.set(cameras.ids[i]!, i);
    }
    this.#dots.changed();
    this.#levels.clear();
    this.#level = null;
    this.update(view, size);
  }

  /** After the view moved: the density level and the cones for what is in view now. */
  update(view: View, size: Size | undefined): void {
    const zoom = view.getZoom() ?? 0;
    if (zoom <= DOTS_ZOOM) this.#showLevel(view, Math.max(Math.floor(zoom), Math.ceil(view.getMinZoom())));
    this.#drawCones(view, size);
  }

  /** The camera's position, if it is on the map. */
  at(id: string): LatLon | null {
    const i = this.#index.get(id);
    return i === undefined || !this.#data ? null : { lat: this.#data.lat[i]!, lon: this.#data.lon[i]! };
  }

  /**
   * The camera nearest (x, y) within a few pixels, when zoomed in enough to tell cameras apart;
   * among cameras on one pole (the same spot), one not in `shown` yet.
   */
  pick(x: number, y: number, view: View, shown: ReadonlySet<string>): string | null {
    if (!this.#data || (view.getZoom() ?? 0) < PICK_ZOOM) return null;
    const tolerance = PICK_RADIUS_PX * (view.getResolution() ?? 1);
    let best = -1;
    let bestD = tolerance * tolerance;
    let bestShown = true;
    for (let i = 0; i < this.#x.length; i++) {
      const dx = this.#x[i]! - x;
      const dy = this.#y[i]! - y;
      const d = dx * dx + dy * dy;
      if (d > bestD + 0.01) continue;
      const isShown = shown.has(this.#data.ids[i]!);
      if (d < bestD - 0.01 || (bestShown && !isShown)) {
        bestD = d;
        best = i;
        bestShown = isShown;
      }
    }
    return best < 0 ? null : this.#data.ids[best]!;
  }

  dispose(): void {
    this.#density.clear(true);
    this.#cones.clear(true);
    for (const layer of this.layers) layer.dispose();
    this.#levels.clear();
    this.#data = null;
  }

  /** The dots in `extent` (a view and its margin), one path per category: OpenLayers shows the canvas until the view leaves it. */
  #paintDots(extent: Extent, resolution: number, pixelRatio: number, size: number[]): HTMLCanvasElement {
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(size[0] ?? 0);
    canvas.height = Math.round(size[1] ?? 0);
    const data = this.#data;
    const context = canvas.getContext('2d');
    if (!data || !context) return canvas;
    const [minX = 0, minY = 0, maxX = 0, maxY = 0] = extent;
    const band = dotBand(resolution);
    const radius = DOT_RADII[band]! * pixelRatio;
    const scale = pixelRatio / resolution;
    const paths = data.categories.map(() => new Path2D());
    for (let i = 0; i < this.#x.length; i++) {
      const x = this.#x[i]!;
      const y = this.#y[i]!;
      if (x < minX || x > maxX || y < minY || y > maxY) continue;
      const px = (x - minX) * scale;
      const py = (maxY - y) * scale;
      const path = paths[data.category[i]!];
      path?.moveTo(px + radius, py);
      path?.arc(px, py, radius, 0, 2 * Math.PI);
    }
    context.strokeStyle = DOT_OUTLINE;
    context.lineWidth = pixelRatio;
    paths.forEach((path, c) => {
      context.fillStyle = categoryColor(data.categories[c] ?? '');
      context.fill(path);
      if (band > 0) context.stroke(path);
    });
    return canvas;
  }

  #showLevel(view: View, level: number): void {
    if (level === this.#level) return;
    this.#level = level;
    let marks = this.#levels.get(level);
    if (!marks) {
      const size = CELL_PX * (view.getResolutionForZoom(level) ?? 1);
      marks = densityCells(this.#x, this.#y, size).map((cell) => {
        const mark = new Feature({ geometry: new Point([cell.x, cell.y]), count: cell.count });
        mark.setStyle(densityStyle(cell.count));
        return mark;
      });
      this.#levels.set(level, marks);
    }
    this.#density.clear(true);
    this.#density.addFeatures(marks);
  }

  /** Cones for the cameras in view (there are few once zoomed in enough to see them). */
  #drawCones(view: View, size: Size | undefined): void {
    const data = this.#data;
    if (!data || (view.getZoom() ?? 0) < CONE_ZOOM) {
      // Nothing to take away: no change, so no extra frame.
      if (this.#conesDrawn) this.#cones.clear();
      this.#conesDrawn = false;
      return;
    }
    const [minX = 0, minY = 0, maxX = 0, maxY = 0] = view.calculateExtent(size);
    const features: Feature[] = [];
    for (let i = 0; i < this.#x.length && features.length < MAX_CONES; i++) {
      const x = this.#x[i]!;
      const y = this.#y[i]!;
      if (x < minX || x > maxX || y < minY || y > maxY || data.facing[i]! < 0) continue;
      const ring = conePolygon({ lat: data.lat[i]!, lon: data.lon[i]! }, data.facing[i]!, data.fov[i]!, CONE_RANGE_M).map(([lon, lat]) => fromLonLat([lon, lat]));
      features.push(new Feature({ geometry: new Polygon([ring]), category: data.categories[data.category[i]!] }));
    }
    this.#cones.clear(true);
    this.#cones.addFeatures(features);
    this.#conesDrawn = true;
  }
}

/** A density mark: a disc that grows with the count, the count inside. */
function densityStyle(count: number): Style {
  const label = count.toLocaleString('en-US');
  return new Style({
    image: new CircleStyle({ radius: Math.max(9, Math.min(22, 6 + 4 * Math.log10(count + 1)), label.length * 3.6 + 4), fill: DENSITY_FILL, stroke: DENSITY_STROKE }),
    text: new Text({ text: label, font: '600 11px system-ui, sans-serif', fill: DENSITY_TEXT_FILL, stroke: DENSITY_TEXT_STROKE })
  });
}
