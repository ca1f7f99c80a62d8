/**
 * The pursuit API (`/api/pursuits…`, and the development scenario control) with the page's
 * agency token, read on every call. Errors come back as the AppError the one error handler knows
 * (PURSUIT_NOT_FOUND, PURSUIT_CLOSED, …).
 */
import type {
  OpenPursuitRequest,
  Pursuit,
  PursuitListResponse,
  PursuitResponse,
  PursuitScenarioRequest,
  PursuitScenarioState,
  RoadsLeavingResponse,
  SightingRequest
} from '$protocol/pursuit.ts';
import { hubHasDevControls } from '$lib/auth/dev-api.ts';
import { AppError } from '$lib/errors/app-error.ts';
import { bearer, failure, send, type Fetch } from '$lib/http/request.ts';

export type Road = RoadsLeavingResponse['roads'][number];

export class PursuitApi {
  readonly #token: () => string | null;
  readonly #fetch: Fetch;
  readonly #devControls: () => Promise<boolean>;

  constructor(token: () => string | null, fetchFn: Fetch = (input, init) => fetch(input, init), devControls: () => Promise<boolean> = () => hubHasDevControls(fetchFn)) {
    this.#token = token;
    this.#fetch = fetchFn;
    this.#devControls = devControls;
  }

  async open(request: OpenPursuitRequest): Promise<Pursuit> {
    return (await this.#call<PursuitResponse>('POST', '/api/pursuits', request)).pursuit;
  }

  async list(signal?: AbortSignal): Promise<Pursuit[]> {
    return (await this.#call<PursuitListResponse>('GET', '/api/pursuits?status=open', undefined, signal)).pursuits;
  }

  async get(id: string, signal?: AbortSignal): Promise<Pursuit> {
    return (await this.#call<PursuitResponse>('GET', `/api/pursuits/${encodeURIComponent(id)}`, undefined, signal)).pursuit;
  }

  async sight(id: string, sighting: SightingRequest): Promise<Pursuit> {
    return (await this.#call<PursuitResponse>('POST', `/api/pursuits/${encodeURIComponent(id)}/sightings`, sighting)).pursuit;
  }

  async close(id: string): Promise<Pursuit> {
    return (await this.#call<PursuitResponse>('POST', `/api/pursuits/${encodeURIComponent(id)}/close`, {})).pursuit;
  }

  /** The directions a target can leave a camera by (for a sighting's direction of travel). */
  async roads(cameraId: string, signal?: AbortSignal): Promise<Road[]> {
    return (await this.#call<RoadsLeavingResponse>('GET', `/api/pursuits/roads?cameraId=${encodeURIComponent(cameraId)}`, undefined, signal)).roads;
  }

  /** The development scenario control; null where the hub has none (asked first: production is not sent to a 404). */
  async scenario(signal?: AbortSignal): Promise<PursuitScenarioState | null> {
    if (!(await this.#devControls())) return null;
    const response = await this.#send('GET', '/api/dev/pursuit-scenario', undefined, signal);
    if (response.status === 404) return null;
    return this.#read(response, '/api/dev/pursuit-scenario');
  }

  /** `speedFactor`: the vehicle drives that many times faster than road speeds (a quick demo). */
  startScenario(request: PursuitScenarioRequest): Promise<PursuitScenarioState> {
    return this.#call('POST', '/api/dev/pursuit-scenario', request);
  }

  async #call<T>(method: 'GET' | 'POST', url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.#read(await this.#send(method, url, body, signal), url);
  }

  async #send(method: 'GET' | 'POST', url: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
    const token = this.#token();
    if (!token) throw new AppError('AUTH_REQUIRED', `${url}: not signed in`);
    return send(this.#fetch, url, {
      method,
      headers: bearer(token, { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {})
    });
  }

  async #read<T>(response: Response, url: string): Promise<T> {
    if (!response.ok) throw await failure(response, url);
    return (await response.json()) as T;
  }
}
