/**
 * The watchlist (수배차량) as a police agency sees it: its entries, and for a supervisor the
 * form that adds one (plate, reason, how long) and the removal. A non-police agency has none
 * (the hub answers FORBIDDEN): `available` stays false and nothing is shown.
 */
import type { WatchlistEntry } from '$protocol/lpr.ts';
import { toAppError, type AppError } from '$lib/errors/app-error.ts';
import type { WatchlistApi } from './api.ts';
import { EXPIRY_HOURS } from './text.ts';

export class WatchlistManager {
  available = $state(false);
  entries = $state.raw<WatchlistEntry[]>([]);
  masked = $state(false);
  /** A supervisor of the agency: may add and remove. */
  readonly canEdit: boolean;
  plate = $state('');
  reason = $state('');
  hours = $state<number>(EXPIRY_HOURS[2]);
  /** The entry (or 'new') whose change is on its way. */
  busy = $state<string | null>(null);
  problem = $state.raw<AppError | null>(null);

  readonly #api: WatchlistApi;
  readonly #now: () => number;

  constructor(api: WatchlistApi, canEdit: boolean, now: () => number = Date.now) {
    this.#api = api;
    this.canEdit = canEdit;
    this.#now = now;
  }

  async load(): Promise<void> {
    try {
      const list = await this.#api.list();
      this.entries = list.entries;
      this.masked = list.masked;
      this.available = true;
    } catch (error) {
      const problem = toAppError(error);
      // Not a police agency: no watchlist to show, and nothing wrong.
      if (problem.code === 'FORBIDDEN') this.available = false;
      else this.problem = problem;
    }
  }

  async add(): Promise<void> {
    if (this.busy) return;
    this.busy = 'new';
    this.problem = null;
    try {
      await this.#api.add({ plate: this.plate.replace(/\s+/g, ''), reason: this.reason.trim(), expiresAt: this.#now() + this.hours * 3_600_000 });
      this.plate = '';
      this.reason = '';
      await this.load();
    } catch (error) {
      this.problem = toAppError(error);
    } finally {
      this.busy = null;
    }
  }

  async remove(id: string): Promise<void> {
    if (this.busy) return;
    this.busy = id;
    this.problem = null;
    try {
      await this.#api.remove(id);
      this.entries = this.entries.filter((e) => e.id !== id);
    } catch (error) {
      this.problem = toAppError(error);
    } finally {
      this.busy = null;
    }
  }
}
