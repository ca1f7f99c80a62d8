/**
 * The watchlist API (`GET/POST /api/lpr/watchlist`, `DELETE /api/lpr/watchlist/:id`) with the
 * page's agency token, read on every call. Police agencies list it; their supervisors keep it
 * (the hub audits each change before it takes effect).
 */
import type { WatchlistAddRequest, WatchlistEntry, WatchlistResponse } from '$protocol/lpr.ts';
import { callJson, type Fetch } from '$lib/http/request.ts';

export class WatchlistApi {
  readonly #token: () => string | null;
  readonly #fetch: Fetch;

  constructor(token: () => string | null, fetchFn: Fetch = (input, init) => fetch(input, init)) {
    this.#token = token;
    this.#fetch = fetchFn;
  }

  list(): Promise<WatchlistResponse> {
    return this.#call('GET', '/api/lpr/watchlist');
  }

  async add(request: WatchlistAddRequest): Promise<WatchlistEntry> {
    return (await this.#call<{ entry: WatchlistEntry }>('POST', '/api/lpr/watchlist', request)).entry;
  }

  async remove(id: string): Promise<void> {
    await this.#call('DELETE', `/api/lpr/watchlist/${encodeURIComponent(id)}`);
  }

  #call<T>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<T> {
    return callJson(this.#fetch, this.#token(), method, url, body);
  }
}
