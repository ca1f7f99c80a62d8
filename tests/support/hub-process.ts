/**
 * The hub as `npm start` runs it — `server/main.ts` in a process of its own, configured only
 * through its environment — for benchmarks that must not share the hub's event loop with the
 * browser driver. The handle owns the process; everything else is asked over HTTP, as a
 * browser or a CAD system would. `/metrics` is served on a loopback port of its own
 * (`metrics.listen`, as for a scrape network), so the harness scrapes without a token.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Purpose } from '../../server/protocol/events.ts';
import { describeStall, StartWatch } from '../../media/sim/start-watch.ts';

export interface HubProcess {
  url: string;
  pid: number;
  /** A development token for a demo agency (`POST /api/dev/token`). */
  token(agency: string, purpose?: Purpose): Promise<string>;
  /** One sample per metric series from `GET /metrics` (which also starts a new event-loop window). */
  metrics(): Promise<Map<string, number>>;
  /** SIGTERM, then waits for the hub's own orderly shutdown (SIGKILL after 15 s). */
  close(): Promise<void>;
}

export interface HubProcessOptions {
  /** GTH_* variables on top of a loopback port chosen by the OS and a quiet log. */
  env: Record<string, string>;
  /** Extra Node flags for the hub process (e.g. `--cpu-prof --cpu-prof-dir=…`). */
  nodeArgs?: readonly string[];
  /**
   * How long the start may make no progress (no CPU used by the hub, its cameras and workers, no
   * line) before it is taken to hang, default 60 s; a slow start that keeps moving is waited for.
   */
  stallMs?: number;
}

export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const metricsPort = await freeLoopbackPort();
  const configDir = mkdtempSync(join(tmpdir(), 'gth-hub-process-'));
  const configFile = join(configDir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ metrics: { listen: { host: '127.0.0.1', port: metricsPort } } }));
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, GTH_CONFIG: configFile, GTH_HOST: '127.0.0.1', GTH_PORT: '0', GTH_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      rmSync(configDir, { recursive: true, force: true });
      resolve();
    })
  );
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const watch = new StartWatch(child.pid, options.stallMs ?? 60_000, (stall) => {
      void close();
      reject(new Error(`the hub did not start: ${describeStall(stall)}`));
    });
    const onExit = (code: number | null) => {
      watch.stop();
      reject(new Error(`the hub exited during start-up (code ${code})`));
    };
    child.once('exit', onExit);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      // main.ts prints "  → http://127.0.0.1:PORT" once it listens.
      const url = /→ (http:\/\/\S+)/.exec(line)?.[1];
      if (!url) return watch.progress();
      watch.stop();
      child.off('exit', onExit);
      lines.removeAllListeners('line');
      child.stdout.resume();
      resolve({ url, pid: child.pid!, token: (agency, purpose) => devToken(url, agency, purpose), metrics: () => scrape(metricsUrl), close });
    });
  });
}

async function devToken(url: string, agency: string, purpose?: Purpose): Promise<string> {
  const res = await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agency, purpose }) });
  if (!res.ok) throw new Error(`dev token for ${agency}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A loopback port nothing listens on now (the OS picks it; the hub binds it a moment later). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Prometheus text → `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}
