/**
 * The one socket of the page: Socket.IO typed with the hub's event maps, and a `request()`
 * that turns the ack's `{ ok, data | error }` into a promise rejecting with an `AppError`.
 *
 * - `auth` is a function, so every (re)connect reads the current token.
 * - A request never hangs: it rejects on timeout, when the socket drops, and on `close()`.
 * - `on*()` return an unsubscribe function; `close()` removes everything this client added.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '$protocol/events.ts';
import type { WireError } from '$protocol/errors.ts';
import { AppError, parseWireError } from '$lib/errors/app-error.ts';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type RequestName = keyof ClientToServerEvents;
export type RequestPayload<E extends RequestName> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends RequestName> = Parameters<ClientToServerEvents[E]>[1];
export type ResponseOf<E extends RequestName> = Parameters<AckOf<E>>[0] extends Result<infer T> ? T : never;
export type PushName = keyof ServerToClientEvents;
export type PushPayload<E extends PushName> = Parameters<ServerToClientEvents[E]>[0];

export interface HubClientOptions {
  /** Read on every (re)connect. */
  token: () => string | null;
  /** Origin of the hub; defaults to the page's own. */
  url?: string;
  requestTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class HubClient {
  readonly #socket: HubSocket;
  readonly #timeoutMs: number;
  readonly #pending = new Set<(error: AppError) => void>();
  #closed = false;

  constructor(options: HubClientOptions) {
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const socketOptions = {
      path: '/socket.io',
      autoConnect: false,
      // One manager per client: a closed client's socket must never be handed out again.
      forceNew: true,
      // WebSocket first: one round trip less before the first picture; polling as a fallback.
      transports: ['websocket', 'polling'] as string[],
      tryAllTransports: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      auth: (cb: (data: object) => void) => cb({ token: options.token() ?? '' })
    };
    this.#socket = (options.url ? io(options.url, socketOptions) : io(socketOptions)) as HubSocket;
    // Whatever was waiting for an answer will not get one from a dropped socket.
    this.#socket.on('disconnect', () => this.#rejectPending(new AppError('CONNECTION_LOST', 'socket disconnected')));
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Socket id of the current connection (changes on reconnect). */
  get id(): string | undefined {
    return this.#socket.id;
  }

  connect(): void {
    if (!this.#closed) this.#socket.connect();
  }

  /** Drops the connection and connects anew (a fresh hub session). */
  reconnect(): void {
    if (this.#closed) return;
    this.#socket.disconnect();
    this.#socket.connect();
  }

  request<E extends RequestName>(event: E, payload: RequestPayload<E>, timeoutMs = this.#timeoutMs): Promise<ResponseOf<E>> {
    if (this.#closed) return Promise.reject(new AppError('CLIENT_CLOSED', `${event}: client closed`));
    if (!this.#socket.connected) return Promise.reject(new AppError('CONNECTION_LOST', `${event}: not connected`));
    return new Promise<ResponseOf<E>>((resolve, reject) => {
      const fail = (error: AppError): void => {
        clearTimeout(timer);
        this.#pending.delete(fail);
        reject(error);
      };
      const timer = setTimeout(() => fail(new AppError('REQUEST_TIMEOUT', `${event}: no answer in ${timeoutMs} ms`)), timeoutMs);
      this.#pending.add(fail);
      const ack = (result: Result<ResponseOf<E>>): void => {
        if (!this.#pending.has(fail)) return;
        clearTimeout(timer);
        this.#pending.delete(fail);
        if (result?.ok === true) resolve(result.data);
        else reject(AppError.fromWire(parseWireError(result?.ok === false ? result.error : null) ?? { code: 'INTERNAL', message: `${event}: malformed answer` }));
      };
      // The event maps type each request's ack; a generic event name cannot be narrowed here.
      (this.#socket.emit as (event: string, ...args: unknown[]) => void)(event, payload, ack);
    });
  }

  /** Subscribes to a push from the hub; returns the unsubscribe function. */
  on<E extends PushName>(event: E, handler: ServerToClientEvents[E]): () => void {
    const socket = this.#socket as unknown as { on(e: string, h: unknown): void; off(e: string, h: unknown): void };
    socket.on(event, handler);
    return () => socket.off(event, handler);
  }

  onConnect(handler: () => void): () => void {
    this.#socket.on('connect', handler);
    return () => this.#socket.off('connect', handler);
  }

  onDisconnect(handler: (reason: string) => void): () => void {
    const listener = (reason: string): void => handler(reason);
    this.#socket.on('disconnect', listener);
    return () => this.#socket.off('disconnect', listener);
  }

  /**
   * A refused or failed connection attempt. `error` is set when the hub refused the
   * handshake (`err.data = { code, message }`); then the socket does not retry on its own.
   */
  onConnectError(handler: (error: WireError | null, message: string) => void): () => void {
    const listener = (err: Error & { data?: unknown }): void => handler(parseWireError(err.data), err.message);
    this.#socket.on('connect_error', listener);
    return () => this.#socket.off('connect_error', listener);
  }

  /** Whether the socket will try again by itself (false after a refused handshake). */
  get retrying(): boolean {
    return this.#socket.active;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectPending(new AppError('CLIENT_CLOSED', 'client closed'));
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }

  #rejectPending(error: AppError): void {
    for (const fail of [...this.#pending]) fail(error);
  }
}
