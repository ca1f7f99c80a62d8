/**
 * The audit page's state: the filter in force, the page of records shown, and the CSV export.
 * A new search aborts the one in flight, so an older, slower answer never overwrites a newer
 * one; `close()` aborts whatever is still running. The token is read on every request, so a
 * renewed token is used at once.
 */
import { AppError, toAppError } from '$lib/errors/app-error.ts';
import type { Fetch } from '$lib/http/request.ts';
import { fetchAuditCsv, fetchAuditPage, type CsvExport } from './api.ts';
import { EMPTY_FILTER, type AuditFilter } from './query.ts';
import { AUDIT_PAGE_SIZE, type AuditEntry } from './types.ts';

export type AuditLoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface AuditLogOptions {
  /** The bearer token, read on every request. */
  token: () => string | null;
  /** Saves an export (a download in the browser). */
  save: (file: CsvExport) => void;
  pageSize?: number;
  fetchFn?: Fetch;
}

export class AuditLog {
  filter = $state.raw<AuditFilter>(EMPTY_FILTER);
  offset = $state(0);
  entries = $state.raw<AuditEntry[]>([]);
  total = $state(0);
  status = $state<AuditLoadStatus>('idle');
  error = $state.raw<AppError | null>(null);
  exporting = $state(false);
  exportError = $state.raw<AppError | null>(null);

  readonly pageSize: number;
  readonly hasPrevious = $derived(this.offset > 0);
  readonly hasNext = $derived(this.offset + this.entries.length < this.total);

  readonly #options: AuditLogOptions;
  #load: AbortController | null = null;
  #export: AbortController | null = null;
  #closed = false;

  constructor(options: AuditLogOptions) {
    this.#options = options;
    this.pageSize = options.pageSize ?? AUDIT_PAGE_SIZE;
  }

  /** Shows the records matching `filter`, from `offset` (the first page by default). */
  search(filter: AuditFilter, offset = 0): Promise<void> {
    this.filter = filter;
    this.offset = Math.max(0, offset);
    return this.reload();
  }

  next(): Promise<void> {
    return this.hasNext ? this.search(this.filter, this.offset + this.pageSize) : Promise.resolve();
  }

  previous(): Promise<void> {
    return this.hasPrevious ? this.search(this.filter, Math.max(0, this.offset - this.pageSize)) : Promise.resolve();
  }

  /** Asks again for the current filter and page. */
  async reload(): Promise<void> {
    if (this.#closed) return;
    this.#load?.abort();
    const load = new AbortController();
    this.#load = load;
    this.status = 'loading';
    this.error = null;
    try {
      const page = await fetchAuditPage({
        token: this.#token(),
        filter: this.filter,
        limit: this.pageSize,
        offset: this.offset,
        signal: load.signal,
        ...(this.#options.fetchFn ? { fetchFn: this.#options.fetchFn } : {})
      });
      if (load !== this.#load) return;
      this.entries = page.entries;
      this.total = page.total;
      this.status = 'ready';
    } catch (cause) {
      if (load !== this.#load) return;
      this.entries = [];
      this.total = 0;
      this.error = toAppError(cause);
      this.status = 'error';
    } finally {
      if (load === this.#load) this.#load = null;
    }
  }

  /** Downloads every record matching the filter in force as CSV. */
  async exportCsv(): Promise<void> {
    if (this.#closed || this.exporting) return;
    const run = new AbortController();
    this.#export = run;
    this.exporting = true;
    this.exportError = null;
    try {
      const file = await fetchAuditCsv({
        token: this.#token(),
        filter: this.filter,
        signal: run.signal,
        ...(this.#options.fetchFn ? { fetchFn: this.#options.fetchFn } : {})
      });
      if (!run.signal.aborted) this.#options.save(file);
    } catch (cause) {
      if (!run.signal.aborted) this.exportError = toAppError(cause);
    } finally {
      if (this.#export === run) this.#export = null;
      this.exporting = false;
    }
  }

  /** Aborts whatever is in flight; nothing is asked after this. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#load?.abort();
    this.#load = null;
    this.#export?.abort();
    this.#export = null;
  }

  #token(): string {
    const token = this.#options.token();
    if (!token) throw new AppError('AUTH_REQUIRED', 'not signed in');
    return token;
  }
}
