/**
 * The shared view's map: the incident map (districts, roads, the cameras this participant may
 * see, numbered rings on the tiles' cameras) with the view's annotations drawn over it. One per
 * page; `dispose()` removes the annotations, the listeners and the map.
 */
import { AnnotationLayer, IncidentMap, type AnnotationShape, type GeoApi, type LatLon, type MapAnnotation, type MapClick, type MapViewState } from '$lib/map/index.ts';
import type { ShareMap } from './shared-view.svelte.ts';

export class ShareMapView implements ShareMap {
  readonly map: IncidentMap;
  readonly #annotations = new AnnotationLayer();
  readonly #unmount: () => void;
  readonly #offMove: () => void;
  readonly #api: Pick<GeoApi, 'districts' | 'layers' | 'cameras'>;

  constructor(
    target: HTMLElement,
    api: Pick<GeoApi, 'districts' | 'layers' | 'cameras'>,
    handlers: { click(click: MapClick): void; ownMove(view: MapViewState): void },
    options: { controls?: boolean } = {}
  ) {
    this.#api = api;
    this.map = new IncidentMap(target, handlers.click, options);
    this.#unmount = this.map.mount(this.#annotations);
    this.#offMove = this.map.onMoveEnd((view, own) => {
      if (own) handlers.ownMove(view);
    });
  }

  /** The districts, the base map and the cameras this participant may see. */
  async load(signal: AbortSignal): Promise<void> {
    const [districts, layers, cameras] = await Promise.all([this.#api.districts(signal), this.#api.layers(signal), this.#api.cameras(signal)]);
    if (signal.aborted) return;
    this.map.setDistricts(districts);
    this.map.setBase(layers);
    this.map.setCameras(cameras);
  }

  setView(view: MapViewState): void {
    this.map.setView(view);
  }

  viewState(): MapViewState | null {
    return this.map.viewState();
  }

  setAnnotations(annotations: readonly MapAnnotation[]): void {
    this.#annotations.set(annotations);
  }

  setWall(slots: ReadonlyArray<string | null>): void {
    this.map.setWall(slots);
  }

  startDrawing(shape: AnnotationShape, kind: string, done: (points: LatLon[]) => void): void {
    this.#annotations.startDrawing(shape, kind, done);
  }

  stopDrawing(): void {
    this.#annotations.stopDrawing();
  }

  dispose(): void {
    this.#offMove();
    this.#unmount();
    this.map.dispose();
  }
}
