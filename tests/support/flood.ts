/**
 * One signed-in user floods the hub with costly camera searches from many sockets while a
 * bystander of another agency times its own requests: what the per-user budget must make
 * harmless. Talks to any hub by URL (an in-process test hub or `npm start`'s), over loopback.
 *
 * The flood: `sockets` Socket.IO connections for the flooder, each joining as the web does
 * (`media:join`), each keeping a few `cameras:list` searches in flight and sending the next the
 * moment an answer comes back. The bystander: every ~100 ms, a `cameras:list` on its own socket
 * and a `GET /healthz`, each timed from send to answer. A bystander request that is not
 * answered ok rejects the whole run (the flood must never cost a bystander an answer).
 */
import { quantile } from '../bench/stats.ts';
import { connectClient, request, type HubClient as Client } from './client.ts';

export interface FloodResult {
  bystander: { count: number; p50: number; p95: number; max: number };
  flooder: { sent: number; served: number; limited: number };
}

/** Requests each flooding socket keeps in flight. */
const IN_FLIGHT = 3;
/** How often the bystander asks. */
const BYSTANDER_EVERY_MS = 100;
/** Varied searches (ids, Korean and English names, addresses of the synthetic registry), none of them cacheable as one. */
const QUERIES = ['합성데이터로', 'SYN-', '강남', 'Gangnam', '합성동', '역', 'gu', '11', 'camera', '서울'];

export async function runFlood(options: { url: string; flooderToken: string; bystanderToken: string; sockets?: number; durationMs?: number }): Promise<FloodResult> {
  const sockets = options.sockets ?? 16;
  const durationMs = options.durationMs ?? 5000;
  const opened: Client[] = [];
  try {
    const flooders = await Promise.all(Array.from({ length: sockets }, () => open(options.url, options.flooderToken, opened)));
    const bystander = await open(options.url, options.bystanderToken, opened);
    await Promise.all([...flooders, bystander].map(join));

    const flooder = { sent: 0, served: 0, limited: 0 };
    const end = Date.now() + durationMs;
    let next = 0;
    const flood = async (socket: Client) => {
      while (Date.now() < end) {
        const n = next++;
        const query = `${QUERIES[n % QUERIES.length]}${n % 3 === 0 ? String(n % 120) : ''}`;
        flooder.sent++;
        const result = await request(socket, 'cameras:list', { query, limit: 500 });
        if (result.ok) flooder.served++;
        else if (result.error.code === 'RATE_LIMITED') flooder.limited++;
        else throw new Error(`flooder's cameras:list failed: ${result.error.code} ${result.error.message}`);
      }
    };

    const times: number[] = [];
    const timed = async <T>(what: string, call: () => Promise<T>, ok: (value: T) => boolean) => {
      const started = performance.now();
      const value = await call();
      const ms = performance.now() - started;
      if (!ok(value)) throw new Error(`bystander's ${what} was not answered ok: ${JSON.stringify(value).slice(0, 200)}`);
      times.push(ms);
    };
    const watch = async () => {
      const pending: Array<Promise<void>> = [];
      while (Date.now() < end) {
        pending.push(
          timed('cameras:list', () => request(bystander, 'cameras:list', { limit: 50 }), (r) => r.ok),
          timed('GET /healthz', () => fetch(new URL('/healthz', options.url)).then(async (r) => ({ status: r.status, body: await r.text() })), (r) => r.status === 200)
        );
        await new Promise((resolve) => setTimeout(resolve, BYSTANDER_EVERY_MS));
      }
      await Promise.all(pending);
    };

    await Promise.all([watch(), ...flooders.flatMap((socket) => Array.from({ length: IN_FLIGHT }, () => flood(socket)))]);
    const sorted = times.sort((a, b) => a - b);
    const ms = (q: number) => Math.round((quantile(sorted, q) ?? 0) * 10) / 10;
    return { bystander: { count: sorted.length, p50: ms(0.5), p95: ms(0.95), max: ms(1) }, flooder };
  } finally {
    for (const socket of opened) socket.disconnect();
  }
}

async function open(url: string, token: string, opened: Client[]): Promise<Client> {
  try {
    return await connectClient(url, token, (socket) => opened.push(socket));
  } catch (error) {
    const refusal = error as Error & { data?: { code?: string } };
    throw new Error(`flood socket refused: ${refusal.data?.code ?? ''} ${refusal.message}`);
  }
}

async function join(socket: Client): Promise<void> {
  const result = await request(socket, 'media:join', {});
  if (!result.ok) throw new Error(`media:join failed: ${result.error.code} ${result.error.message}`);
}
