/**
 * One signed-in user floods the hub with `cameras:list` from many sockets while a bystander of
 * another agency times its own requests: how much one user can delay another (issue 8's
 * per-user budget). Real Socket.IO clients against a running hub; loopback only.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '../../server/protocol/events.ts';
import { summary } from '../bench/stats.ts';

export interface FloodResult {
  bystander: { count: number; p50: number; p95: number; max: number };
  flooder: { sent: number; served: number; limited: number };
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Requests each flooding socket keeps in flight. */
const IN_FLIGHT = 4;
/** Pause between the bystander's requests, as a person's clicks would be spaced. */
const BYSTANDER_GAP_MS = 50;
const REQUEST_TIMEOUT_MS = 30_000;

function connect(url: string, token: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Client = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

/** `cameras:list` of the whole scope (the costly query), answered or not; rejects only on timeout. */
function list(socket: Client): Promise<Result<unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cameras:list: no answer in ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    socket.emit('cameras:list', {}, (result) => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}

export async function runFlood(options: { url: string; flooderToken: string; bystanderToken: string; sockets?: number; durationMs?: number }): Promise<FloodResult> {
  const durationMs = options.durationMs ?? 5_000;
  const sockets: Client[] = [];
  try {
    for (let i = 0; i < (options.sockets ?? 16); i++) sockets.push(await connect(options.url, options.flooderToken));
    const bystander = await connect(options.url, options.bystanderToken);
    sockets.push(bystander);
    const flooder = { sent: 0, served: 0, limited: 0 };
    const endAt = performance.now() + durationMs;

    const flood = async (socket: Client): Promise<void> => {
      while (performance.now() < endAt) {
        flooder.sent++;
        const result = await list(socket);
        if (result.ok) flooder.served++;
        else if (result.error.code === 'RATE_LIMITED') flooder.limited++;
      }
    };
    const delays: number[] = [];
    const time = async (): Promise<void> => {
      while (performance.now() < endAt) {
        const started = performance.now();
        const result = await list(bystander);
        if (!result.ok) throw new Error(`bystander refused: ${result.error.code}`);
        delays.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, BYSTANDER_GAP_MS));
      }
    };
    await Promise.all([...sockets.slice(0, -1).flatMap((socket) => Array.from({ length: IN_FLIGHT }, () => flood(socket))), time()]);
    const stats = summary(delays);
    return { bystander: { count: stats.n, p50: stats.p50 ?? 0, p95: stats.p95 ?? 0, max: stats.max ?? 0 }, flooder };
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}
