/**
 * The grants API (`GET /api/grants`, `POST /api/grants/:id/approve|deny`) with the page's agency
 * token, read on every call so a renewed token is used at once.
 */
import type { GrantDecisionResponse, GrantsOverview } from '$protocol/grants.ts';
import { AppError } from '$lib/errors/app-error.ts';
import { callJson, type Fetch } from '$lib/http/request.ts';

export type GrantDecision = 'approve' | 'deny';

export class GrantsApi {
  readonly #token: () => string | null;
  readonly #fetch: Fetch;

  constructor(token: () => string | null, fetchFn: Fetch = (input, init) => fetch(input, init)) {
    this.#token = token;
    this.#fetch = fetchFn;
  }

  async overview(): Promise<GrantsOverview> {
    const body = (await this.#call('GET', '/api/grants')) as Partial<GrantsOverview>;
    if (!Array.isArray(body.overOwnCameras) || !Array.isArray(body.pending) || !Array.isArray(body.held)) throw new AppError('HTTP', 'grants: malformed answer');
    return body as GrantsOverview;
  }

  async decide(grantId: string, decision: GrantDecision): Promise<GrantDecisionResponse> {
    return (await this.#call('POST', `/api/grants/${encodeURIComponent(grantId)}/${decision}`, {})) as GrantDecisionResponse;
  }

  #call(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
    return callJson(this.#fetch, this.#token(), method, url, body);
  }
}
