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
 *
 * Flooder and bystander each run on a thread of their own (flood-worker.ts), as two people at
 * two browsers: the bystander's times are then the hub's doing and the network's, not the
 * flooder's client work queued on the same event loop. The bystander's own loop delay is
 * reported beside its times, so a late harness shows as such.
 */
import type { Worker } from 'node:worker_threads';
import { typescriptWorker } from '../../server/ts-worker.ts';
import { quantile } from '../bench/stats.ts';
import type { BystanderSample, FloodRole, FloodWorkerMessage, FloodWorkerResult } from './flood-worker.ts';

export interface FloodResult {
  /** `slowest`: the three slowest requests, to tell what a high max was. */
  bystander: { count: number; p50: number; p95: number; max: number; ownLoopMaxMs: number; slowest: BystanderSample[] };
  flooder: { sent: number; served: number; limited: number };
}

const WORKER = new URL('./flood-worker.ts', import.meta.url);

export async function runFlood(options: { url: string; flooderToken: string; bystanderToken: string; sockets?: number; durationMs?: number }): Promise<FloodResult> {
  const durationMs = options.durationMs ?? 5000;
  const sides = [
    side({ role: 'flooder', url: options.url, token: options.flooderToken, sockets: options.sockets ?? 16 }),
    side({ role: 'bystander', url: options.url, token: options.bystanderToken })
  ];
  try {
    await Promise.all(sides.map((s) => s.ready));
    const endAt = Date.now() + durationMs;
    for (const s of sides) s.worker.postMessage({ endAt });
    const results = await Promise.all(sides.map((s) => s.result));
    const flooder = results.find((r) => r.role === 'flooder')!;
    const bystander = results.find((r) => r.role === 'bystander')!;
    const sorted = bystander.samples.map((s) => s.ms).sort((a, b) => a - b);
    const ms = (value: number | null) => Math.round((value ?? 0) * 10) / 10;
    const slowest = [...bystander.samples].sort((a, b) => b.ms - a.ms).slice(0, 3).map((s) => ({ ...s, atMs: ms(s.atMs), ms: ms(s.ms) }));
    return {
      bystander: { count: sorted.length, p50: ms(quantile(sorted, 0.5)), p95: ms(quantile(sorted, 0.95)), max: ms(quantile(sorted, 1)), ownLoopMaxMs: ms(bystander.ownLoopMaxMs), slowest },
      flooder: { sent: flooder.sent, served: flooder.served, limited: flooder.limited }
    };
  } finally {
    await Promise.all(sides.map((s) => s.worker.terminate()));
  }
}

/** One side on its own thread: `ready` once its sockets joined, `result` once it ran (rejects with its failure). */
function side(role: FloodRole): { worker: Worker; ready: Promise<void>; result: Promise<FloodWorkerResult> } {
  const worker = typescriptWorker(WORKER, { workerData: role });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FloodWorkerMessage) => {
      if ('error' in message) reject(new Error(message.error));
    });
  });
  const ready = Promise.race([failed, new Promise<void>((resolve) => worker.on('message', (message: FloodWorkerMessage) => 'ready' in message && resolve()))]);
  const result = Promise.race([failed, new Promise<FloodWorkerResult>((resolve) => worker.on('message', (message: FloodWorkerMessage) => 'result' in message && resolve(message.result)))]);
  // Both are awaited in turn; an early failure must not be reported as unhandled meanwhile.
  result.catch(() => undefined);
  return { worker, ready, result };
}
