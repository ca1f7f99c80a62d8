/**
 * Load as the benchmarks offer it to a hub's ingestion endpoints (LPR reads, alert events): JSON
 * POSTs over kept-alive connections, as an ingesting system's client keeps them (a TCP handshake
 * per request would be measured instead), sent at a steady pace.
 */
import { Agent, request } from 'node:http';

export interface JsonAnswer {
  status: number;
  answer: unknown;
  /** Request sent → answer read, ms. */
  ms: number;
}

/** Owns its connection pool: `close()` ends it. */
export class JsonPoster {
  readonly #agent: Agent;

  constructor(maxSockets = 16) {
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  post(url: string, token: string, body: unknown): Promise<JsonAnswer> {
    const payload = JSON.stringify(body);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent: this.#agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, answer: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, ms: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

const TICK_MS = 10;

/**
 * Calls `send(i)` for i = 0 … count-1 at `perS` calls a second, from a 10 ms tick that sends as
 * many as are due by now (the pace holds when a tick comes late), and waits for every call to
 * settle. Resolves with the seconds from the first call to the last one settled.
 */
export async function paced(perS: number, count: number, send: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * perS) + 1);
      for (; sent < due; sent++) inFlight.push(send(sent));
      if (sent >= count) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
    tick();
  });
  await Promise.all(inFlight);
  return (performance.now() - started) / 1000;
}
