/**
 * A flood of Socket.IO handshakes with garbage tokens, run as its own process so that the
 * flood's client work does not share the hub's event loop in an in-process test:
 *   node --import tsx tests/support/garbage-handshakes.ts <url> <count> <concurrency>
 * prints one JSON line: { startedAt, endedAt (epoch ms), codes: { [refusal code]: n } }.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { connectClient } from './client.ts';

export interface HandshakeFloodResult {
  startedAt: number;
  endedAt: number;
  codes: Record<string, number>;
}

export async function floodHandshakes(url: string, count: number, concurrency: number): Promise<HandshakeFloodResult> {
  const codes: Record<string, number> = {};
  const startedAt = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const code = await connectClient(url, `garbage.${n}.${'x'.repeat(n % 40)}`).then(
          (socket) => {
            socket.disconnect();
            return 'ACCEPTED';
          },
          (error: Error & { data?: { code?: string } }) => error.data?.code ?? error.message
        );
        codes[code] = (codes[code] ?? 0) + 1;
      }
    })
  );
  return { startedAt, endedAt: Date.now(), codes };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [url, count, concurrency] = process.argv.slice(2);
  const result = await floodHandshakes(url!, Number(count), Number(concurrency));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
