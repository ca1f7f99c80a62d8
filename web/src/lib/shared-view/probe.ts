/**
 * `window.__gthShare`: what end-to-end tests and benchmarks read from a shared view's page or
 * wall (the view as this participant holds it, follow, the map's own view) and do on it (move
 * the map as the person would, find a point or a camera on screen). Installed inside an
 * `$effect`, removed when the page goes.
 */
import type { IncidentMap, MapViewState } from '$lib/map/index.ts';
import type { SharedView } from './shared-view.svelte.ts';

export interface ShareProbeView {
  status: string;
  version: number;
  title: string;
  layout: number;
  /** Per shown tile: the camera id, `withheld` or `empty`. */
  tiles: string[];
  highlight: number | null;
  annotations: Array<{ id: string; kind: string; shape: string; label: string; author: string }>;
  notes: string[];
  presenter: string | null;
  presenting: boolean;
  following: boolean;
  /** The view's map (the presenter's) and where this page's map looks. */
  sharedMap: MapViewState | null;
  map: MapViewState | null;
  mapStatus: string;
  participants: string[];
  grants: string[];
}

export interface ShareProbe {
  view(): ShareProbeView;
  /** Moves the map as the person would (a drag): a follower then looks around, a presenter's move is shared. */
  moveMap(lat: number, lon: number, zoom: number): void;
  pixelOf(lat: number, lon: number): [number, number] | null;
  cameraPixel(id: string): [number, number] | null;
}

type ProbeWindow = Window & { __gthShare?: ShareProbe };

export function installShareProbe(view: SharedView, map: () => IncidentMap | null): () => void {
  const probe: ShareProbe = {
    view: () => {
      const state = view.state;
      return {
        status: view.status,
        version: state?.version ?? 0,
        title: state?.title ?? '',
        layout: view.layout,
        tiles: view.tiles.map((tile) => (tile.kind === 'camera' ? tile.camera.id : tile.kind)),
        highlight: state?.highlight ?? null,
        annotations: (state?.annotations ?? []).map((a) => ({ id: a.id, kind: a.kind, shape: a.geometry.type, label: a.label, author: a.author.agency })),
        notes: (state?.notes ?? []).map((n) => n.text),
        presenter: state ? `${state.presenter.agency}/${state.presenter.subject}` : null,
        presenting: view.presenting,
        following: view.follow.following,
        sharedMap: state?.map ?? null,
        map: map()?.viewState() ?? null,
        mapStatus: view.mapStatus,
        participants: view.participants.map((p) => `${p.agency}/${p.role}`),
        grants: (state?.grants ?? []).map((g) => g.agency)
      };
    },
    moveMap: (lat, lon, zoom) => map()?.centerOn({ lat, lon }, zoom),
    pixelOf: (lat, lon) => map()?.pixelOf({ lat, lon }) ?? null,
    cameraPixel: (id) => {
      const shown = map();
      const at = shown?.cameraAt(id);
      return shown && at ? shown.pixelOf(at) : null;
    }
  };
  const target = window as ProbeWindow;
  target.__gthShare = probe;
  return () => {
    if (target.__gthShare === probe) delete target.__gthShare;
  };
}
