/**
 * The multi-view grid: layout (1/4/9/16), which camera is in which tile, and the selected
 * tile. Pure state — the tiles' streams are made by the tile components and only registered
 * here, so the test/benchmark probe can read them. Deep-linkable: `?layout=4&cams=a,b,,d`
 * (an empty entry keeps a tile free).
 */
import type { MessageKey } from '$lib/i18n/index.ts';
import { tileDisplayState, type TileState, type TileStats, type TileStream } from '$lib/media/index.ts';
import { DEFAULT_LAYOUT, fitSlots, formatGridQuery, parseGridQuery, type Layout } from './grid-query.ts';
import { fillSlots, pickSlot } from './pins.ts';

export type PlaceResult = 'placed' | 'shown' | 'full';

export interface TileProbe extends Partial<TileStats> {
  index: number;
  cameraId: string;
  state: TileState;
  framesDecoded: number;
  delays: number[];
  receiveDelays: number[];
  fps: number;
  /** Why the tile is not live, as a wire or client error code (`TOKEN_REVOKED`, `CAMERA_OFFLINE` …). */
  reason?: string;
}

export class GridManager {
  layout = $state<Layout>(DEFAULT_LAYOUT);
  /** Camera id per tile (length = layout), null for a free tile. */
  slots = $state<Array<string | null>>(fitSlots([], DEFAULT_LAYOUT));
  selected = $state<number | null>(null);
  /** A short message for the person (no free tile, already shown), with when it was raised. */
  notice = $state.raw<{ key: MessageKey; at: number } | null>(null);

  /** Each occupied tile's badge, as the tiles report it (for counts in the header). */
  tileStates = $state<Record<number, TileState>>({});
  /** The camera each tile's state was reported for: right after a hand-off it may still be the one before. */
  #stateCameras = $state<Record<number, string>>({});

  readonly columns = $derived(Math.sqrt(this.layout));
  readonly liveCount = $derived(
    this.slots.reduce((count, id, index) => (id !== null && this.tileStates[index] === 'live' ? count + 1 : count), 0)
  );
  readonly shown: ReadonlySet<string> = $derived(new Set(this.slots.filter((id): id is string => id !== null)));

  /** Cameras the operator pinned (incident wall): auto-fill leaves them where they are. */
  pinned = $state.raw<ReadonlySet<string>>(new Set());

  readonly #streams = new Map<number, TileStream>();

  togglePin(cameraId: string): void {
    const next = new Set(this.pinned);
    if (!next.delete(cameraId)) next.add(cameraId);
    this.pinned = next;
  }

  /** The given cameras, in order, into every tile that is not pinned. */
  fill(ids: readonly string[]): void {
    this.slots = fillSlots(this.slots, ids, this.pinned);
  }

  setLayout(layout: Layout): void {
    if (layout === this.layout) return;
    this.layout = layout;
    this.slots = fitSlots(this.slots, layout);
    if (this.selected !== null && this.selected >= layout) this.selected = null;
  }

  /**
   * Shows exactly `layout` and these cameras (a shared view's tiles, which the view decides):
   * an unchanged tile keeps its stream.
   */
  show(layout: Layout, slots: ReadonlyArray<string | null>): void {
    const next = fitSlots(slots, layout);
    if (layout !== this.layout) this.layout = layout;
    if (next.some((id, i) => id !== this.slots[i]) || next.length !== this.slots.length) this.slots = next;
    if (this.selected !== null && this.selected >= layout) this.selected = null;
  }

  /**
   * Puts a camera in the selected tile, else the next free one; with `replace` (the incident
   * wall), else in the last tile that is not pinned.
   */
  place(cameraId: string, options: { replace?: boolean } = {}): PlaceResult {
    const existing = this.slots.indexOf(cameraId);
    if (existing >= 0) {
      this.selected = existing;
      this.#notify('monitor.alreadyShown');
      return 'shown';
    }
    const target = pickSlot(this.slots, this.selected, options.replace ? this.pinned : null);
    if (target < 0) {
      this.#notify('monitor.noFreeTile');
      return 'full';
    }
    this.assign(target, cameraId);
    this.selected = null;
    return 'placed';
  }

  /**
   * Puts `cameraId` in tile `index`. A camera is in at most one tile: if it was elsewhere,
   * the two tiles swap (dragging a tile onto another).
   */
  assign(index: number, cameraId: string): void {
    if (index < 0 || index >= this.slots.length) return;
    const slots = [...this.slots];
    const from = slots.indexOf(cameraId);
    if (from === index) return;
    if (from >= 0) slots[from] = slots[index] ?? null;
    slots[index] = cameraId;
    this.slots = slots;
  }

  clear(index: number): void {
    const id = this.slots[index];
    if (id === undefined) return;
    if (id !== null && this.pinned.has(id)) this.togglePin(id);
    const slots = [...this.slots];
    slots[index] = null;
    this.slots = slots;
  }

  select(index: number | null): void {
    this.selected = index === null || index === this.selected ? null : index;
  }

  dismissNotice(): void {
    this.notice = null;
  }

  /** Takes layout and cameras from a URL query (see `grid-query.ts`). */
  loadQuery(params: URLSearchParams): void {
    const { layout, slots } = parseGridQuery(params);
    this.layout = layout;
    this.slots = slots;
    this.selected = null;
  }

  /** The grid as a URL query (`layout=4&cams=a,b`). */
  toQuery(): string {
    return formatGridQuery({ layout: this.layout, slots: this.slots });
  }

  /** A tile reports its badge (of `cameraId`); call the returned function when it no longer shows one. */
  reportState(index: number, state: TileState, cameraId: string): () => void {
    this.tileStates[index] = state;
    this.#stateCameras[index] = cameraId;
    return () => {
      if (this.tileStates[index] === state) delete this.tileStates[index];
    };
  }

  /** The tile's badge, if it is of the camera on it now. */
  stateOf(index: number): TileState | undefined {
    const state = this.tileStates[index];
    return this.#stateCameras[index] === this.slots[index] ? state : undefined;
  }

  /** A tile registers its stream for the probe; call the returned function on close. */
  register(index: number, stream: TileStream): () => void {
    this.#streams.set(index, stream);
    return () => {
      if (this.#streams.get(index) === stream) this.#streams.delete(index);
    };
  }

  /**
   * Per-tile numbers for tests and benchmarks (`window.__gth.tiles()`). While a session-wide
   * state wins, the session's error code is each tile's reason.
   */
  probe(sessionOverride: TileState | null, sessionReason: string | null = null): TileProbe[] {
    const tiles: TileProbe[] = [];
    this.slots.forEach((cameraId, index) => {
      if (!cameraId) return;
      const stream = this.#streams.get(index);
      const own = stream && stream.cameraId === cameraId ? stream : null;
      const stats = own?.stats() ?? null;
      const base = stats ?? { framesDecoded: 0, delays: [], receiveDelays: [], fps: 0 };
      const state = tileDisplayState(sessionOverride, stats?.state);
      const reason = state === 'live' ? null : sessionOverride ? sessionReason : (own?.status.error?.code ?? null);
      tiles.push({ ...base, index, cameraId, state, ...(reason ? { reason } : {}) });
    });
    return tiles;
  }

  resetSamples(): void {
    for (const stream of this.#streams.values()) stream.resetSamples();
  }

  #notify(key: MessageKey): void {
    this.notice = { key, at: Date.now() };
  }
}
