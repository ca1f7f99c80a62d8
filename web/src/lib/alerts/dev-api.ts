/**
 * The development alert scenarios (`POST /api/dev/alert-scenario`): a bell press, crowding
 * rising through its levels, water rising in an underpass, a fire, an SOS walk. Offered only
 * where the hub says it runs in development (`/healthz`), so a production page never asks
 * for a control that is not there.
 */
import { ALERT_SCENARIOS, type AlertScenarioRequest, type AlertScenarioResponse } from '$protocol/alerts.ts';
import { AppError } from '$lib/errors/app-error.ts';
import { bearer, failure, send, type Fetch } from '$lib/http/request.ts';

export type AlertScenario = (typeof ALERT_SCENARIOS)[number];

/** The scenarios the page offers (the tag scenario is the police's and shown too). */
export async function offeredScenarios(fetchFn: Fetch = fetch, signal?: AbortSignal): Promise<readonly AlertScenario[]> {
  const response = await send(fetchFn, '/healthz', { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!response.ok) return [];
  const health = (await response.json()) as { mode?: unknown };
  return health.mode === 'development' ? ALERT_SCENARIOS : [];
}

export async function startScenario(token: string | null, request: AlertScenarioRequest, fetchFn: Fetch = fetch): Promise<AlertScenarioResponse> {
  if (!token) throw new AppError('AUTH_REQUIRED', 'alert scenario: not signed in');
  const url = '/api/dev/alert-scenario';
  const response = await send(fetchFn, url, { method: 'POST', headers: bearer(token, { 'content-type': 'application/json', accept: 'application/json' }), body: JSON.stringify(request) });
  if (!response.ok) throw await failure(response, url);
  return (await response.json()) as AlertScenarioResponse;
}
