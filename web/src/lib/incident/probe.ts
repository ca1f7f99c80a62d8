/**
 * `window.__gthIncident`: what end-to-end tests and benchmarks do on a running incident board
 * (flag at a point, find a point or a camera on screen, move the view). Installed by the board
 * page inside an `$effect` and removed when the page goes. One object: add a method here.
 */
import type { IncidentMap } from '$lib/map/index.ts';
import type { Dispatch } from '$lib/map/geo-api.ts';
import type { IncidentBoard } from './board.svelte.ts';

export interface IncidentProbe {
  flagAt(lat: number, lon: number): Promise<Dispatch | null>;
  pixelOf(lat: number, lon: number): [number, number] | null;
  cameraPixel(id: string): [number, number] | null;
  centerOn(lat: number, lon: number, zoom?: number): void;
  centerOnCamera(id: string, zoom: number): void;
  /** Map frames drawn so far and whether the last one showed everything (null before the map exists). */
  mapRender(): { frames: number; settled: boolean } | null;
  /** What the map draws of the pursuit shown: track marks, predicted cameras, reach polylines. */
  pursuitDrawn(): { track: number; predicted: number; reach: number } | null;
}

type ProbeWindow = Window & { __gthIncident?: IncidentProbe };

/** `map()` is the page's map of the moment (null before it is made). Returns the removal. */
export function installIncidentProbe(board: IncidentBoard, map: () => IncidentMap | null): () => void {
  const probe: IncidentProbe = {
    flagAt: (lat, lon) => board.flagAt({ lat, lon }),
    pixelOf: (lat, lon) => map()?.pixelOf({ lat, lon }) ?? null,
    cameraPixel: (id) => {
      const shown = map();
      const at = shown?.cameraAt(id);
      return shown && at ? shown.pixelOf(at) : null;
    },
    centerOn: (lat, lon, zoom) => map()?.centerOn({ lat, lon }, zoom),
    centerOnCamera: (id, zoom) => {
      const shown = map();
      const at = shown?.cameraAt(id);
      if (shown && at) shown.centerOn(at, zoom);
    },
    mapRender: () => map()?.renderStats() ?? null,
    pursuitDrawn: () => map()?.pursuitCounts() ?? null
  };
  const target = window as ProbeWindow;
  target.__gthIncident = probe;
  return () => {
    if (target.__gthIncident === probe) delete target.__gthIncident;
  };
}
