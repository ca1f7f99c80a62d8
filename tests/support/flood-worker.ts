/**
 * One side of the per-user flood (see flood.ts), on a thread of its own: the flooder's many
 * sockets, or the bystander. Each side is another person at another browser; on one thread the
 * bystander's answers waited behind the flooder's own client work (parsing its pages, answering
 * its refusals at once), which timed the harness, not the hub.
 *
 * Protocol with the parent: workerData says the role; the worker connects and joins, posts
 * `{ ready: true }`, waits for `{ endAt }` (Date.now() when the flood stops), runs, and posts
 * `{ result }` or `{ error }`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { connectClient, request, type HubClient } from './client.ts';

export type FloodRole = { role: 'flooder'; url: string; token: string; sockets: number } | { role: 'bystander'; url: string; token: string };

export type FloodWorkerResult =
  | { role: 'flooder'; sent: number; served: number; limited: number }
  /** Every bystander request: what, when (ms after the flood began), its time from send to answer (ms); and how late this thread's own event loop ran at worst (ms beyond 10 ms sampling). */
  | { role: 'bystander'; samples: BystanderSample[]; ownLoopMaxMs: number };

export interface BystanderSample {
  what: 'cameras:list' | 'GET /healthz';
  atMs: number;
  ms: number;
}

export type FloodWorkerMessage = { ready: true } | { result: FloodWorkerResult } | { error: string };

/** Requests each flooding socket keeps in flight. */
const IN_FLIGHT = 3;
/** How often the bystander asks. */
const BYSTANDER_EVERY_MS = 100;
/** Varied searches (ids, Korean and English names, addresses of the synthetic registry), none of them cacheable as one. */
const QUERIES = ['합성데이터로', 'SYN-', '강남', 'Gangnam', '합성동', '역', 'gu', '11', 'camera', '서울'];

const port = parentPort!;
const setup = workerData as FloodRole;
const opened: HubClient[] = [];

async function open(count: number): Promise<HubClient[]> {
  const sockets = await Promise.all(
    Array.from({ length: count }, () =>
      connectClient(setup.url, setup.token, (socket) => opened.push(socket)).catch((error: Error & { data?: { code?: string } }) => {
        throw new Error(`${setup.role} socket refused: ${error.data?.code ?? ''} ${error.message}`);
      })
    )
  );
  for (const socket of sockets) {
    const joined = await request(socket, 'media:join', {});
    if (!joined.ok) throw new Error(`media:join failed: ${joined.error.code} ${joined.error.message}`);
  }
  return sockets;
}

async function flood(sockets: HubClient[], endAt: number): Promise<FloodWorkerResult> {
  const counts = { sent: 0, served: 0, limited: 0 };
  let next = 0;
  const loop = async (socket: HubClient) => {
    while (Date.now() < endAt) {
      const n = next++;
      const query = `${QUERIES[n % QUERIES.length]}${n % 3 === 0 ? String(n % 120) : ''}`;
      counts.sent++;
      const result = await request(socket, 'cameras:list', { query, limit: 500 });
      if (result.ok) counts.served++;
      else if (result.error.code === 'RATE_LIMITED') counts.limited++;
      else throw new Error(`flooder's cameras:list failed: ${result.error.code} ${result.error.message}`);
    }
  };
  await Promise.all(sockets.flatMap((socket) => Array.from({ length: IN_FLIGHT }, () => loop(socket))));
  return { role: 'flooder', ...counts };
}

/** The bystander's two requests, each resolving with its answer's time (ms); rejects if it was not answered ok. */
function bystanderAsks(socket: HubClient): Record<BystanderSample['what'], () => Promise<number>> {
  const timed = async <T>(what: string, call: () => Promise<T>, ok: (value: T) => boolean) => {
    const started = performance.now();
    const value = await call();
    const ms = performance.now() - started;
    if (!ok(value)) throw new Error(`bystander's ${what} was not answered ok: ${JSON.stringify(value).slice(0, 200)}`);
    return ms;
  };
  return {
    'cameras:list': () => timed('cameras:list', () => request(socket, 'cameras:list', { limit: 50 }), (r) => r.ok),
    'GET /healthz': () => timed('GET /healthz', () => fetch(new URL('/healthz', setup.url)).then(async (r) => ({ status: r.status, body: await r.text() })), (r) => r.status === 200)
  };
}

async function watch(socket: HubClient, endAt: number): Promise<FloodWorkerResult> {
  const asks = bystanderAsks(socket);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const startedAt = performance.now();
  const samples: BystanderSample[] = [];
  const pending: Array<Promise<void>> = [];
  while (Date.now() < endAt) {
    for (const what of ['cameras:list', 'GET /healthz'] as const) {
      const atMs = performance.now() - startedAt;
      pending.push(asks[what]().then((ms) => void samples.push({ what, atMs, ms })));
    }
    await new Promise((resolve) => setTimeout(resolve, BYSTANDER_EVERY_MS));
  }
  await Promise.all(pending);
  delay.disable();
  return { role: 'bystander', samples, ownLoopMaxMs: Math.max(0, delay.max / 1e6 - 10) };
}

async function main(): Promise<void> {
  const sockets = await open(setup.role === 'flooder' ? setup.sockets : 1);
  // A bystander is someone already at work: its first request in this thread (loading fetch,
  // the session's first listing) is its own start-up, not the flood's doing, so it is not timed.
  if (setup.role === 'bystander') for (const ask of Object.values(bystanderAsks(sockets[0]!))) await ask();
  const started = new Promise<number>((resolve) => port.once('message', (message: { endAt: number }) => resolve(message.endAt)));
  port.postMessage({ ready: true } satisfies FloodWorkerMessage);
  const endAt = await started;
  const result = setup.role === 'flooder' ? await flood(sockets, endAt) : await watch(sockets[0]!, endAt);
  port.postMessage({ result } satisfies FloodWorkerMessage);
}

main()
  .catch((error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies FloodWorkerMessage))
  .finally(() => {
    for (const socket of opened) socket.disconnect();
  });
