/**
 * The grid as a URL query — `?layout=4&cams=a,b,,d` (an empty entry keeps a tile free) — so a
 * wall can be bookmarked, shared and opened by tests and benchmarks. Pure functions.
 */

export const LAYOUTS = [1, 4, 9, 16] as const;
export type Layout = (typeof LAYOUTS)[number];
export const DEFAULT_LAYOUT: Layout = 4;

/** Same rule as the hub's request schema for a camera id. */
const CAMERA_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface GridQuery {
  layout: Layout;
  /** Camera id per tile, null for a free tile; length = layout. */
  slots: Array<string | null>;
}

export function isLayout(value: number): value is Layout {
  return (LAYOUTS as readonly number[]).includes(value);
}

/** The smallest layout that holds `count` tiles. */
export function layoutFor(count: number): Layout {
  return LAYOUTS.find((layout) => layout >= count) ?? 16;
}

/**
 * Reads `layout` and `cams`. Invalid and repeated ids leave their tile free; without a valid
 * `layout` the smallest layout holding the cameras is used (4 when there are none).
 */
export function parseGridQuery(params: URLSearchParams): GridQuery {
  const ids: Array<string | null> = [];
  const seen = new Set<string>();
  for (const raw of (params.get('cams') ?? '').split(',')) {
    const id = raw.trim();
    if (id && CAMERA_ID.test(id) && !seen.has(id)) {
      seen.add(id);
      ids.push(id);
    } else ids.push(null);
  }
  while (ids.length && ids[ids.length - 1] === null) ids.pop();
  const asked = Number(params.get('layout'));
  const layout = isLayout(asked) ? asked : ids.length ? layoutFor(ids.length) : DEFAULT_LAYOUT;
  return { layout, slots: fitSlots(ids, layout) };
}

export function formatGridQuery({ layout, slots }: GridQuery): string {
  const cams = [...slots];
  while (cams.length && cams[cams.length - 1] === null) cams.pop();
  const params = new URLSearchParams({ layout: String(layout) });
  if (cams.length) params.set('cams', cams.map((id) => id ?? '').join(','));
  // Keep commas readable in the address bar.
  return params.toString().replace(/%2C/g, ',');
}

/** `slots` cut or padded with free tiles to `layout`. */
export function fitSlots(slots: ReadonlyArray<string | null>, layout: Layout): Array<string | null> {
  const fitted = slots.slice(0, layout);
  while (fitted.length < layout) fitted.push(null);
  return fitted;
}
