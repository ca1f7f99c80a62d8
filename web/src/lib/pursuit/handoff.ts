/**
 * Follow mode's hand-off rule, pure: which tiles move to which predicted cameras at one step.
 * Tiles must follow the target without flickering, so a tile changes camera only
 * - when its camera has been on it for `dwellMs` at least (however it got there: a hand-off or
 *   the operator), and
 * - for a camera that clearly outranks its own: `ratio` times its score and `gap` more (a camera
 *   no longer predicted scores 0, so any predicted one outranks it once the dwell is over).
 * Kept cameras (pinned, the last sighting's) never move; a free tile takes the best camera not
 * shown at once (nothing to flicker from), and so does a tile whose camera the hub refused (its
 * grant moved on): nothing to keep it for.
 */

export interface HandoffPolicy {
  /** How long a camera stays on its tile before it may be replaced (ms). */
  dwellMs: number;
  /** A candidate must score at least `ratio` × the tile's camera's score … */
  ratio: number;
  /** … and `gap` more than it. */
  gap: number;
}

export const DEFAULT_HANDOFF: HandoffPolicy = { dwellMs: 4_000, ratio: 1.5, gap: 0.05 };

export interface RankedCamera {
  cameraId: string;
  /** Higher is better (the prediction's probability). */
  score: number;
}

export interface HandoffInput {
  slots: ReadonlyArray<string | null>;
  /** When each camera on the wall got its tile (ms); a camera not in it is taken as placed `now`. */
  since: ReadonlyMap<string, number>;
  /** The prediction, best first. */
  ranked: readonly RankedCamera[];
  /** Cameras that stay where they are: pinned ones and the last sighting's. */
  keep: ReadonlySet<string>;
  /** Cameras on the wall the hub refused: their tiles count as free. */
  refused?: ReadonlySet<string>;
  now: number;
}

export interface HandoffStep {
  slots: Array<string | null>;
  since: Map<string, number>;
  /** The tiles that changed camera, with what they showed before (null: a free tile). */
  changes: Array<{ index: number; from: string | null; to: string }>;
}

export function handOff(input: HandoffInput, policy: HandoffPolicy = DEFAULT_HANDOFF): HandoffStep {
  const { slots, ranked, keep, now } = input;
  const score = new Map(ranked.map((c) => [c.cameraId, c.score]));
  const since = new Map<string, number>();
  for (const id of slots) if (id !== null) since.set(id, input.since.get(id) ?? now);

  const next = [...slots];
  const shown = new Set(slots.filter((id): id is string => id !== null));
  const candidates = ranked.filter((c) => !shown.has(c.cameraId));
  const changes: HandoffStep['changes'] = [];
  const put = (index: number, to: RankedCamera): void => {
    changes.push({ index, from: next[index] ?? null, to: to.cameraId });
    if (next[index]) since.delete(next[index]);
    next[index] = to.cameraId;
    since.set(to.cameraId, now);
  };

  // Free tiles first (and refused ones), in order, with the best cameras.
  const refused = input.refused ?? new Set<string>();
  const free = (id: string | null): boolean => id === null || (refused.has(id) && !keep.has(id));
  for (let i = 0; i < next.length && candidates.length > 0; i++) if (free(next[i] ?? null)) put(i, candidates.shift()!);

  // Then the weakest tiles that have dwelt long enough, each against the best camera left.
  const movable = next
    .map((id, index) => ({ id, index, score: id === null ? 0 : (score.get(id) ?? 0) }))
    .filter((tile): tile is { id: string; index: number; score: number } => tile.id !== null && !keep.has(tile.id) && now - (since.get(tile.id) ?? now) >= policy.dwellMs)
    .sort((a, b) => a.score - b.score || a.index - b.index);
  for (const tile of movable) {
    const best = candidates[0];
    if (!best || !outranks(best.score, tile.score, policy)) break;
    put(tile.index, candidates.shift()!);
  }
  return { slots: next, since, changes };
}

function outranks(candidate: number, current: number, policy: HandoffPolicy): boolean {
  return candidate >= current * policy.ratio && candidate - current >= policy.gap;
}
