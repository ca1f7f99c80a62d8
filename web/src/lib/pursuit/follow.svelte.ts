/**
 * Follow mode (추적 모드): while it runs, the wall's tiles hand off to the predicted cameras by
 * themselves, by the rule in `handoff.ts` — at each new prediction, once a second (a tile's
 * dwell runs out with time alone), and at once when the hub refuses a tile's camera or ends its
 * view (the grant moved on): the next candidate takes that tile, and the refused camera is not
 * handed to again until the next prediction. Pinned tiles and the last sighting's stay. `run()`
 * starts it and returns the stop (one owned timer and one effect), so a page runs it inside an `$effect`.
 */
import { untrack } from 'svelte';
import type { TileState } from '$lib/media/tile-state.ts';
import type { GridManager } from '$lib/state/index.ts';
import { DEFAULT_HANDOFF, handOff, type HandoffPolicy, type RankedCamera } from './handoff.ts';

export type FollowGrid = Pick<GridManager, 'slots' | 'pinned' | 'assign' | 'stateOf'>;

export interface FollowOptions {
  policy?: HandoffPolicy;
  now?: () => number;
  tickMs?: number;
}

export class FollowMode {
  running = $state(false);
  /** Tiles handed off so far (a tile that took a camera, from another or free). */
  handoffs = $state(0);

  readonly #grid: FollowGrid;
  readonly #policy: HandoffPolicy;
  readonly #now: () => number;
  readonly #tickMs: number;
  #ranked: readonly RankedCamera[] = [];
  #keep: ReadonlySet<string> = new Set();
  #since = new Map<string, number>();
  /** Cameras the hub refused (or whose view it ended) since the last prediction. */
  #refused = new Set<string>();

  constructor(grid: FollowGrid, options: FollowOptions = {}) {
    this.#grid = grid;
    this.#policy = options.policy ?? DEFAULT_HANDOFF;
    this.#now = options.now ?? Date.now;
    this.#tickMs = options.tickMs ?? 1_000;
  }

  /** Starts following: every camera on the wall now may go at once. Returns the stop. */
  run(): () => void {
    this.#since = new Map(this.#grid.slots.filter((id): id is string => id !== null).map((id) => [id, Number.NEGATIVE_INFINITY]));
    this.running = true;
    this.step();
    const timer = setInterval(() => this.step(), this.#tickMs);
    // A refusal is answered at once, not on the next tick.
    const stopWatching = $effect.root(() => {
      $effect(() => {
        if (this.#refusedOnWall().size > 0) untrack(() => this.step());
      });
    });
    return () => {
      clearInterval(timer);
      stopWatching();
      this.running = false;
    };
  }

  /** The prediction (best first) and the cameras that stay (the last sighting's); steps at once. */
  update(ranked: readonly RankedCamera[], keep: ReadonlySet<string>): void {
    this.#ranked = ranked;
    this.#keep = keep;
    this.#refused.clear();
    this.step();
  }

  step(): void {
    if (!this.running) return;
    const keep = new Set([...this.#keep, ...this.#grid.pinned]);
    const slots = this.#grid.slots;
    const refused = this.#refusedOnWall();
    for (const id of refused) this.#refused.add(id);
    const ranked = this.#ranked.filter((c) => !this.#refused.has(c.cameraId));
    const next = handOff({ slots, since: this.#since, ranked, keep, refused, now: this.#now() }, this.#policy);
    this.#since = next.since;
    for (const change of next.changes) this.#grid.assign(change.index, change.to);
    if (next.changes.length) this.handoffs += next.changes.length;
  }

  /** Cameras on the wall whose tile the hub refused or whose view it ended. */
  #refusedOnWall(): Set<string> {
    return new Set(this.#grid.slots.filter((id, index): id is string => id !== null && ENDED.has(this.#grid.stateOf(index))));
  }
}

/** Tile states of a view the hub refused or ended: the tile is free for the next candidate. */
const ENDED: ReadonlySet<TileState | undefined> = new Set<TileState>(['denied', 'expired']);
