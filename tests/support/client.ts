/** A Socket.IO client of the hub as tests and benchmarks drive it: typed events, one request helper. */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '../../server/protocol/events.ts';

export type HubClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects over WebSocket only, without reconnection; rejects with the handshake's refusal (its
 * `data` carries the code). The connect timeout is a safety net, not a speed limit: a hub under a
 * test's load on a busy machine may take longer than socket.io's 20 s default to answer.
 */
export function connectClient(url: string, token: string | undefined, onSocket: (socket: HubClient) => void = () => {}): Promise<HubClient> {
  return new Promise((resolve, reject) => {
    const socket: HubClient = connect(url, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 120_000 });
    onSocket(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

/** Sends a request and resolves with its result (ok or error), as the server acknowledged it. */
export function request<E extends keyof ClientToServerEvents>(
  socket: HubClient,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0]
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  return new Promise((resolve) => {
    (socket.emit as (e: string, p: unknown, ack: (r: Result<unknown>) => void) => void)(event, payload, (result) => resolve(result as never));
  });
}
