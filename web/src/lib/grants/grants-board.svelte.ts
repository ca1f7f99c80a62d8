/**
 * The grants page's state: the overview the hub answers (`GET /api/grants`), kept current by
 * `grants:changed` pushes, and a supervisor's decisions. The overview is asked again on every
 * (re)connect, so a push missed while the socket was down is never missed on screen.
 */
import type { GrantsChangedEvent, GrantsOverview } from '$protocol/grants.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';
import type { GrantDecision, GrantsApi } from './api.ts';
import { applyGrantChange } from './merge.ts';

export type GrantsStatus = 'idle' | 'loading' | 'ready' | 'error';

export class GrantsBoard {
  overview = $state.raw<GrantsOverview | null>(null);
  status = $state<GrantsStatus>('idle');
  error = $state.raw<AppError | null>(null);
  /** The grant a decision is being sent for. */
  deciding = $state<string | null>(null);
  decisionError = $state.raw<AppError | null>(null);

  readonly #api: GrantsApi;
  /** Bumped per load: an older, slower answer never overwrites a newer one or a push after it. */
  #epoch = 0;

  constructor(api: GrantsApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const epoch = ++this.#epoch;
    this.status = 'loading';
    try {
      const overview = await this.#api.overview();
      if (epoch !== this.#epoch) return;
      this.overview = overview;
      this.error = null;
      this.status = 'ready';
    } catch (cause) {
      if (epoch !== this.#epoch) return;
      this.error = toAppError(cause);
      this.status = 'error';
    }
  }

  handleChanged(event: GrantsChangedEvent): void {
    if (!this.overview) return;
    // A load in flight was asked before this change: its answer may not hold it.
    if (this.status === 'loading') {
      void this.load();
      return;
    }
    this.overview = applyGrantChange(this.overview, event);
  }

  async decide(grantId: string, decision: GrantDecision): Promise<void> {
    if (this.deciding) return;
    this.deciding = grantId;
    this.decisionError = null;
    try {
      await this.#api.decide(grantId, decision);
      // The push that follows moves it; asking again covers a socket that is down.
      await this.load();
    } catch (cause) {
      this.decisionError = toAppError(cause);
    } finally {
      this.deciding = null;
    }
  }

  close(): void {
    this.#epoch++;
  }
}
