/**
 * The video wall (`/wall/<view>`): a room's big screen showing a shared view, with no person at
 * it. It signs in with a wall device's own token (role `wall`; in development the dev sign-in
 * mints one), shows the view's tiles (and, if chosen, the map), optionally in pages that turn
 * after a dwell time, and recovers by itself: the session reconnects and the view resumes from
 * the version it held.
 * Its options and pages: `wall-pages.ts`.
 */
import { loadToken, peekClaims, requestDemoToken, saveToken } from '$lib/auth/index.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';

/** Turns the wall's pages after each dwell time. Start it in an `$effect`; the returned stop is its cleanup. */
export class WallCycle {
  page = $state(0);
  readonly #dwellMs: number;

  constructor(dwellMs: number) {
    this.#dwellMs = dwellMs;
  }

  /** `count()` is the number of pages now (it changes with the view). */
  start(count: () => number): () => void {
    const timer = setInterval(() => {
      const pages = count();
      this.page = pages > 1 ? (this.page + 1) % pages : 0;
    }, this.#dwellMs);
    return () => clearInterval(timer);
  }

  /** The page to show of `pages` now (a shrinking view never leaves the wall on a page that is gone). */
  current(pages: number): number {
    return this.page < pages ? this.page : 0;
  }
}

/** The wall device's sign-in: a stored token of role `wall`, one pasted, or (development) one minted. */
export class WallDevice {
  token = $state<string | null>(null);
  busy = $state(false);
  error = $state.raw<AppError | null>(null);

  constructor() {
    const stored = loadToken();
    this.token = stored && peekClaims(stored)?.role === 'wall' ? stored : null;
  }

  /** A token pasted by whoever sets the screen up; only a wall device's is taken. */
  usePasted(text: string): boolean {
    const token = text.trim();
    if (peekClaims(token)?.role !== 'wall') return false;
    saveToken(token, { kind: 'pasted' });
    this.token = token;
    return true;
  }

  /** Development: the dev sign-in mints a wall token for `agency` (renewed like any demo token). */
  async mint(agency: string): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const issued = await requestDemoToken(agency, undefined, fetch, 'wall');
      saveToken(issued.token, { kind: 'demo', agency, purpose: peekClaims(issued.token)?.purpose ?? undefined });
      this.token = issued.token;
    } catch (error) {
      this.error = toAppError(error);
    } finally {
      this.busy = false;
    }
  }
}
