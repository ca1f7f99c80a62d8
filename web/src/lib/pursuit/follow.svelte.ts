/**
 * Follow mode (추적 모드): while it runs, the wall's tiles hand off to the predicted cameras by
 * themselves, by the rule in `handoff.ts` — at each new prediction and once a second (a tile's
 * dwell runs out with time alone, a refused tile shows 권한 없음 until the next step). Pinned tiles and the last sighting's stay. `run()` starts it
 * and returns the stop (one owned timer), so a page runs it inside an `$effect`.
 */
import type { GridManager } from '$lib/state/index.ts';
import { DEFAULT_HANDOFF, handOff, type HandoffPolicy, type RankedCamera } from './handoff.ts';

export type FollowGrid = Pick<GridManager, 'slots' | 'pinned' | 'assign' | 'tileStates'>;

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
    return () => {
      clearInterval(timer);
      this.running = false;
    };
  }

  /** The prediction (best first) and the cameras that stay (the last sighting's); steps at once. */
  update(ranked: readonly RankedCamera[], keep: ReadonlySet<string>): void {
    this.#ranked = ranked;
    this.#keep = keep;
    this.step();
  }

  step(): void {
    if (!this.running) return;
    const keep = new Set([...this.#keep, ...this.#grid.pinned]);
    const slots = this.#grid.slots;
    const refused = new Set(slots.filter((id, index): id is string => id !== null && this.#grid.tileStates[index] === 'denied'));
    const next = handOff({ slots, since: this.#since, ranked: this.#ranked, keep, refused, now: this.#now() }, this.#policy);
    this.#since = next.since;
    for (const change of next.changes) this.#grid.assign(change.index, change.to);
    if (next.changes.length) this.handoffs += next.changes.length;
  }
}
