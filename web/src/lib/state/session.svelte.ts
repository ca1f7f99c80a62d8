/**
 * The signed-in session, as the page sees it: the socket to the hub, who the hub says we are,
 * the cameras in scope and their states, and the current `MediaSession`.
 *
 * Every (re)connect of the socket is a new hub session: join, then load the device and create
 * the receive transport together; the session is `ready` then and tiles follow `media` and
 * watch at once. The directory of cameras in scope (a scan of the whole registry on the hub) is
 * loaded only for a page that shows it (`directory: true`), after the tiles' watches went out,
 * and never gates the pictures. A dropped socket closes the media session at once, so no
 * transport or consumer outlives its session.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { CameraInfo, CameraListRequest, CameraListResponse, CameraState, ServerToClientEvents, SessionInfo } from '$protocol/events.ts';
import { accessVerdict, AppError, isAuthError, toAppError } from '$lib/errors/app-error.ts';
import { joinAndCreate, MediaSession, terminalStateFor, warmDevice, type TileState } from '$lib/media/index.ts';
import { HubClient, type PushName, type RequestName, type RequestPayload, type ResponseOf } from '$lib/signaling/index.ts';
import type { EarlyConnection } from './early-connection.ts';

export type SessionStatus =
  /** Not started. */
  | 'idle'
  /** Socket connecting for the first time. */
  | 'connecting'
  /** Connected; joining and setting up media. */
  | 'joining'
  | 'ready'
  /** The socket dropped (or the join failed); trying again. */
  | 'reconnecting'
  /** The hub refused the token; `error` says why. */
  | 'refused'
  /** The hub ended the session (expiry, shutdown); `error` says why. */
  | 'ended'
  /** Closed by the page (signed out, left). */
  | 'closed';

export interface SessionManagerOptions {
  /** Hub origin; the page's own by default. */
  url?: string;
  /** Wait before asking again after a failed join or a refused, retryable handshake. */
  retryDelayMs?: number;
  /** After the token's expiry, how long to wait for the hub's `session:ended` before ending locally. */
  expiryGraceMs?: number;
  /**
   * Keep `cameras`/`directory` loaded and current (listed after each join, again when the scope
   * may have changed). Only for a page that shows the list: each listing scans the registry.
   */
  directory?: boolean;
}

/** Coalesces the causes of a re-list that arrive together. */
const RELIST_DELAY_MS = 250;
/** The list waits for the tiles' first pictures at most this long. */
const FIRST_LIST_CAP_MS = 2_000;

export class SessionManager {
  status = $state<SessionStatus>('idle');
  info = $state.raw<SessionInfo | null>(null);
  /** The first page of the cameras in scope (landmarks first); more through `list()`. With `directory` only. */
  cameras = $state.raw<CameraInfo[]>([]);
  /** How many cameras are in scope, and per 구; null until listed (with `directory` only). */
  directory = $state.raw<Pick<CameraListResponse, 'total' | 'districts'> | null>(null);
  /** Bumped whenever the scope may have changed: pages loaded before are stale. */
  listVersion = $state(0);
  /** Latest state per camera from `camera:state` pushes (the list's badges). */
  cameraStates = $state<Record<string, CameraState>>({});
  media = $state.raw<MediaSession | null>(null);
  /** Why the session is refused/ended, or the last failure while reconnecting. */
  error = $state.raw<AppError | null>(null);

  /** The state every tile shows while the session itself is not ready; null when it is. */
  readonly tileOverride: TileState | null = $derived.by(() => {
    switch (this.status) {
      case 'ready':
        return null;
      case 'refused':
      case 'ended':
        return this.error ? terminalStateFor(this.error.code) : 'offline';
      case 'closed':
        return 'offline';
      case 'reconnecting':
        return 'reconnecting';
      default:
        return 'connecting';
    }
  });

  /** A session that is (or is getting) connected: its token is worth keeping fresh. */
  readonly live = $derived(this.status !== 'idle' && this.status !== 'refused' && this.status !== 'ended' && this.status !== 'closed');

  readonly #options: Required<Omit<SessionManagerOptions, 'url'>> & { url?: string };
  #client: HubClient | null = null;
  #offs: Array<() => void> = [];
  /** Bumped on every (re)connect and on close: a join from an older epoch throws its result away. */
  #epoch = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #relistTimer: ReturnType<typeof setTimeout> | undefined;
  /** Every camera listed so far, by id (tiles take their labels from it). */
  readonly #seen = new SvelteMap<string, CameraInfo>();
  /** Pages' own handlers for hub events, attached to each client this session makes. */
  readonly #listeners: Array<(client: HubClient) => () => void> = [];
  /** The connection taken over at start, until its first join is taken. */
  #early: EarlyConnection | null = null;

  constructor(options: SessionManagerOptions = {}) {
    this.#options = { retryDelayMs: 2_000, expiryGraceMs: 5_000, directory: false, ...options };
  }

  get active(): boolean {
    return this.#client !== null;
  }

  cameraState(camera: CameraInfo): CameraState {
    return this.cameraStates[camera.id] ?? camera.state;
  }

  /** A camera in scope, or one that was in scope earlier in this page's life (its tile keeps its name). */
  camera(id: string): CameraInfo | undefined {
    return this.#seen.get(id);
  }

  /** A page of the cameras in scope (a 구, a search); the cameras become known to `camera()`. */
  async list(request: CameraListRequest): Promise<CameraListResponse> {
    const client = this.#client;
    if (!client) throw new AppError('CLIENT_CLOSED', 'cameras:list: session closed');
    const page = await client.request('cameras:list', request);
    this.#remember(page.cameras);
    return page;
  }

  /** Fetches the entries of cameras named by id that are not known yet (deep-linked tiles). */
  async lookup(ids: readonly string[]): Promise<void> {
    const client = this.#client;
    const unknown = [...new Set(ids)].filter((id) => !this.#seen.has(id)).slice(0, 64);
    if (!client || unknown.length === 0) return;
    const { cameras } = await client.request('cameras:get', { ids: unknown });
    this.#remember(cameras);
  }

  #remember(cameras: readonly CameraInfo[]): void {
    for (const camera of cameras) {
      this.#seen.set(camera.id, camera);
      this.cameraStates[camera.id] ??= camera.state;
    }
  }

  #setList(list: CameraListResponse): void {
    this.#remember(list.cameras);
    this.cameras = list.cameras;
    this.directory = { total: list.total, districts: list.districts };
    this.listVersion++;
  }

  /** A request of a page's own domain (a shared view's join, ops …) over this session's socket. */
  request<E extends RequestName>(event: E, payload: RequestPayload<E>): Promise<ResponseOf<E>> {
    const client = this.#client;
    if (!client) return Promise.reject(new AppError('CLIENT_CLOSED', `${event}: session closed`));
    return client.request(event, payload);
  }

  /** A page's own handler for a hub push (e.g. `incident:dispatch`), for as long as the session lives. */
  on<E extends PushName>(event: E, handler: ServerToClientEvents[E]): void {
    const attach = (client: HubClient) => client.on(event, handler);
    this.#listeners.push(attach);
    if (this.#client) this.#offs.push(attach(this.#client));
  }

  /**
   * Connects with the token `token()` returns (read again on every reconnect), or takes over
   * `early`, a connection opened for this page as the app started (early-connection.ts) with
   * the same token source, and the join it may have sent already.
   */
  start(token: () => string | null, early: EarlyConnection | null = null): void {
    if (this.#client) return;
    const client = early?.client ?? new HubClient({ token, ...(this.#options.url ? { url: this.#options.url } : {}) });
    this.#client = client;
    this.#early = early;
    this.status = 'connecting';
    this.error = null;
    // The browser's codec probe runs while the socket connects and joins (see media/device.ts).
    warmDevice().catch(() => {
      // MediaSession.open reports it, as MEDIA_FAILED.
    });
    this.#offs.push(
      client.onConnect(() => void this.#join(client)),
      client.onDisconnect((reason) => this.#lost(client, reason)),
      client.onConnectError((wire, message) => this.#refused(client, wire ? AppError.fromWire(wire) : new AppError('CONNECTION_LOST', message))),
      client.on('session:ended', (reason) => this.#ended(AppError.fromWire(reason))),
      client.on('camera:state', (event) => {
        this.cameraStates[event.cameraId] = event.state;
      }),
      // A view ended by a verdict (grant over, scope changed): the list may have changed too.
      client.on('consumer:closed', (event) => {
        if (accessVerdict(event.reason.code)) this.#relistSoon(client);
      }),
      // A grant was issued to this agency: new cameras may be in view.
      client.on('cameras:changed', () => this.#relistSoon(client)),
      ...this.#listeners.map((attach) => attach(client))
    );
    // A connection taken over is connected or on its way (connecting it again would send a
    // second handshake); once connected, it joins here.
    if (!early) client.connect();
    else if (client.connected) void this.#join(client);
  }

  /**
   * Hands the hub a fresh token for this session (`session:refresh`): pictures keep flowing,
   * and the expiry shown and guarded here moves to the new token's. Rejects with the hub's
   * refusal, or CONNECTION_LOST when there is no socket to send it on.
   */
  async refresh(token: string): Promise<number> {
    const client = this.#client;
    if (!client) throw new AppError('CLIENT_CLOSED', 'session:refresh: session closed');
    const { expiresAt } = await client.request('session:refresh', { token });
    if (client !== this.#client || this.#finished()) return expiresAt;
    if (this.info) this.info = { ...this.info, expiresAt };
    this.#armExpiry(expiresAt);
    this.#relistSoon(client);
    // The new token may see more: tiles refused for their scope ask again.
    this.media?.scopeChanged();
    return expiresAt;
  }

  /** Leaves: closes media, the socket and every timer. Idempotent. */
  close(): void {
    if (this.status !== 'refused' && this.status !== 'ended') this.status = 'closed';
    this.#teardown();
  }

  async #join(client: HubClient): Promise<void> {
    const epoch = ++this.#epoch;
    clearTimeout(this.#retryTimer);
    this.status = 'joining';
    let media: MediaSession | null = null;
    try {
      // The first join may be on its way already, sent by the early connection.
      const early = this.#early?.takeJoin() ?? null;
      this.#early = null;
      const { join: joining, created, early: earlyWatches } = early ?? joinAndCreate(client);
      const join = await joining;
      if (epoch !== this.#epoch) return;
      this.info = join.session;
      this.#armExpiry(join.session.expiresAt);
      const opening = await MediaSession.open(client, join, created, { early: earlyWatches });
      media = opening;
      if (epoch !== this.#epoch) {
        opening.close();
        return;
      }
      this.cameraStates = {};
      // An ICE/DTLS failure cannot be repaired within the session: start a fresh one.
      opening.onTransportFailed(() => client.reconnect());
      this.media = opening;
      this.error = null;
      this.status = 'ready';
      // Tiles watch as soon as `media` is set (their effects run next). The list scans the whole
      // registry on the hub: it goes once their pictures (or answers) are in.
      if (this.#options.directory) {
        // A timer of the previous session would swallow this one's first listing.
        clearTimeout(this.#relistTimer);
        this.#relistTimer = undefined;
        setTimeout(() => {
          void opening.settled(FIRST_LIST_CAP_MS).then(() => {
            if (epoch === this.#epoch) this.#relistSoon(client, 0);
          });
        }, 0);
      }
    } catch (cause) {
      media?.close();
      if (epoch !== this.#epoch) return;
      const error = toAppError(cause);
      if (error.code === 'CONNECTION_LOST' || error.code === 'CLIENT_CLOSED') return; // #lost handles it.
      if (isAuthError(error.code)) {
        this.#end('refused', error);
        return;
      }
      this.error = error;
      this.status = 'reconnecting';
      this.#retryTimer = setTimeout(() => client.reconnect(), this.#options.retryDelayMs);
    }
  }

  /**
   * Lists the cameras in scope (again), once for a burst of causes (a wall of tiles closing at
   * once) — only where the list is shown. A failed listing is tried again after the retry delay.
   */
  #relistSoon(client: HubClient, delayMs = RELIST_DELAY_MS): void {
    if (!this.#options.directory || this.#relistTimer !== undefined) return;
    const epoch = this.#epoch;
    this.#relistTimer = setTimeout(() => {
      this.#relistTimer = undefined;
      if (epoch !== this.#epoch || this.status !== 'ready') return;
      client.request('cameras:list', {}).then(
        (list) => {
          if (epoch !== this.#epoch) return;
          this.#setList(list);
        },
        () => {
          if (epoch === this.#epoch) this.#relistSoon(client, this.#options.retryDelayMs);
        }
      );
    }, delayMs);
  }

  #lost(client: HubClient, reason: string): void {
    this.#epoch++;
    // A join sent on the lost connection is answered by no one.
    this.#early = null;
    this.#closeMedia();
    if (this.#finished()) return;
    this.status = 'reconnecting';
    // The hub dropped us without `session:ended`: Socket.IO will not retry this on its own.
    if (reason === 'io server disconnect') {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => client.connect(), this.#options.retryDelayMs);
    }
  }

  #refused(client: HubClient, error: AppError): void {
    if (this.#finished()) return;
    if (isAuthError(error.code)) {
      this.#end('refused', error);
      return;
    }
    this.error = error;
    this.status = this.status === 'connecting' ? 'connecting' : 'reconnecting';
    // Refused by the hub for another reason (shutting down, rate limit): the socket will not
    // retry a refusal by itself, so ask again later.
    if (!client.retrying) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => client.connect(), this.#options.retryDelayMs);
    }
  }

  /**
   * The hub ended the session. A hub going down for a restart does not end the sign-in: the
   * token is still good, so the socket keeps trying and the wall comes back by itself.
   */
  #ended(error: AppError): void {
    if (error.code === 'SHUTTING_DOWN' && !this.#finished()) {
      this.error = error;
      this.status = 'reconnecting';
      return;
    }
    this.#end('ended', error);
  }

  #end(status: 'refused' | 'ended', error: AppError): void {
    if (this.#finished()) return;
    this.error = error;
    this.status = status;
    this.#teardown();
  }

  /** If the hub's `session:ended` never comes (a lost socket), the token still expires. */
  #armExpiry(expiresAt: number): void {
    clearTimeout(this.#expiryTimer);
    const wait = expiresAt - Date.now() + this.#options.expiryGraceMs;
    // setTimeout overflows past ~24.8 days; such a token will be re-armed on reconnect.
    if (wait > 2 ** 31 - 1) return;
    this.#expiryTimer = setTimeout(() => this.#end('ended', new AppError('AUTH_TOKEN_EXPIRED', 'token expired')), Math.max(0, wait));
  }

  #finished(): boolean {
    return this.status === 'refused' || this.status === 'ended' || this.status === 'closed';
  }

  #closeMedia(): void {
    const media = this.media;
    this.media = null;
    media?.close();
  }

  #teardown(): void {
    this.#epoch++;
    this.#early = null;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#expiryTimer);
    clearTimeout(this.#relistTimer);
    this.#relistTimer = undefined;
    this.#closeMedia();
    for (const off of this.#offs) off();
    this.#offs = [];
    this.#client?.close();
    this.#client = null;
  }
}
