/**
 * Keeping a browser's copy of a shared view in step with the hub, as pure functions: ops are
 * folded in order with the same fold the hub uses (`$protocol/shared-view-fold.ts`); a gap in
 * the versions means "join again from the version held" (`RESYNC`), never a guess.
 */
import { applyOp, VersionGapError } from '$protocol/shared-view-fold.ts';
import type { JoinViewResponse, ViewSnapshot, WireEnvelope } from '$protocol/shared-view.ts';

export const RESYNC = 'resync' as const;
export type Synced = ViewSnapshot | typeof RESYNC;

/** `state` with `ops` folded in; duplicates are skipped, a gap asks for a resync. */
export function foldIn(state: ViewSnapshot, ops: readonly WireEnvelope[]): Synced {
  let next = state;
  for (const envelope of ops) {
    try {
      next = applyOp(next, envelope);
    } catch (error) {
      if (error instanceof VersionGapError) return RESYNC;
      throw error;
    }
  }
  return next;
}

/**
 * The state after a join's answer: a snapshot replaces what was held; ops after `sinceVersion`
 * continue it, with every tile as this participant's scope resolves it now (a grant may have
 * begun or ended while away). A resync when nothing is held for that view, or the ops do not follow on.
 */
export function afterJoin(held: ViewSnapshot | null, answer: JoinViewResponse): Synced {
  if (answer.kind === 'snapshot') return answer.view;
  if (!held || held.id !== answer.viewId) return RESYNC;
  const next = foldIn(held, answer.ops);
  return next === RESYNC ? RESYNC : { ...next, tiles: answer.tiles };
}

/**
 * The state with its tiles as this participant may see them now (a grant extended or ended),
 * re-resolved by the hub at `version`: a resync when that is not the version held.
 */
export function withTiles(state: ViewSnapshot, event: { version: number; tiles: ViewSnapshot['tiles'] }): Synced {
  return event.version === state.version ? { ...state, tiles: event.tiles } : RESYNC;
}

/** The version to resume from: what is held of this view, else nothing (a snapshot). */
export function resumeFrom(held: ViewSnapshot | null, viewId: string): number | undefined {
  return held && held.id === viewId ? held.version : undefined;
}
