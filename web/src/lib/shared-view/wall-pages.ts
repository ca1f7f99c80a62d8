/**
 * The wall's address options and its pages, as pure functions. `?map=1` shows the map beside
 * the tiles; `?per=4&dwell=15` shows the tiles that hold something four at a time, turning
 * every 15 s.
 */
import type { ShownTile } from './shared-view.svelte.ts';

export interface WallOptions {
  map: boolean;
  /** Tiles per page (1, 4, 9 or 16); null shows the view's layout as it is. */
  per: 1 | 4 | 9 | 16 | null;
  dwellMs: number;
}

const DEFAULT_DWELL_S = 15;
const MIN_DWELL_S = 3;

export function parseWallOptions(params: URLSearchParams): WallOptions {
  const per = Number(params.get('per'));
  const dwell = Number(params.get('dwell'));
  return {
    map: params.get('map') === '1',
    per: per === 1 || per === 4 || per === 9 || per === 16 ? per : null,
    dwellMs: Math.max(MIN_DWELL_S, Number.isFinite(dwell) && dwell > 0 ? dwell : DEFAULT_DWELL_S) * 1000
  };
}

/**
 * The wall's pages: tile indexes per page. Without paging, one page of every tile of the
 * layout; with `per`, the tiles that hold something (a camera, or a withheld one) `per` at a
 * time — never an empty page.
 */
export function wallPages(tiles: readonly ShownTile[], per: WallOptions['per']): number[][] {
  const all = tiles.map((_, index) => index);
  if (per === null) return [all];
  const held = all.filter((index) => tiles[index]!.kind !== 'empty');
  if (held.length <= per) return [held.length ? held : all.slice(0, per)];
  const pages: number[][] = [];
  for (let i = 0; i < held.length; i += per) pages.push(held.slice(i, i + per));
  return pages;
}

