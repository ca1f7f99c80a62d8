/**
 * `node scripts/in-netns.mjs node --import tsx tests/bench/registry.bench.ts [--smoke]`: the hub
 * with the full SYNTHETIC Seoul registry (68,000 cameras + the landmarks, on 16 simulated
 * feeds), started for real (startHub) in a fresh process per start, no browsers. Reports time
 * from start to listening — the first start (generates and imports into hub.sqlite) and later
 * starts (read back from SQLite) — RSS after start and after a burst of `cameras:list` pages
 * and searches and `/api/geo/nearest` queries, with their latencies. Prints a table and one JSON
 * line `{"bench":"registry",…}`. Aim: hub RSS ≤ 300 MB.
 *
 *   --smoke        3,000 cameras, one later start, fewer queries
 *   --cameras N    synthetic cameras (default 68000)
 *   --starts N     later starts (default 3)
 *   --queries N    queries per kind (default 300)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { loadConfig, UNLIMITED_BUDGETS } from '../../server/config.ts';
import { startHub } from '../../server/hub.ts';
import { createLogger } from '../../server/log.ts';
import type { CameraListRequest, ClientToServerEvents, Result, ServerToClientEvents } from '../../server/protocol/events.ts';
import { seededRandom } from '../../server/geo/random.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    cameras: { type: 'string' },
    starts: { type: 'string' },
    queries: { type: 'string' },
    child: { type: 'string' },
    data: { type: 'string' }
  }
});
const SMOKE = values.smoke;
const CAMERAS = Number(values.cameras ?? (SMOKE ? 3000 : 68_000));
const STARTS = Number(values.starts ?? (SMOKE ? 1 : 3));
const QUERIES = Number(values.queries ?? (SMOKE ? 40 : 300));
const FEEDS = 16;
const MB = (bytes: number) => Math.round(bytes / 1e5) / 10;

interface StartReport {
  imported: boolean;
  cameras: number;
  /** Process start to listening (includes loading the code). */
  processToListeningMs: number;
  /** startHub() call to listening. */
  startHubMs: number;
  registryMs: number;
  rssAfterStartMB: number;
  heapAfterStartMB: number;
  rssAfterBurstMB: number;
  heapAfterBurstMB: number;
  listMs: ReturnType<typeof summary>;
  searchMs: ReturnType<typeof summary>;
  nearestMs: ReturnType<typeof summary>;
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function child(dataDir: string): Promise<void> {
  const t0 = performance.now();
  const config = loadConfig({}, {
    http: { host: '127.0.0.1', port: 0 },
    dataDir,
    logLevel: 'warn',
    simulator: { cameras: FEEDS, basePort: 0 },
    registry: { synthetic: CAMERAS },
    // Queries back to back from one socket: the per-socket rate limit and the user's budget would refuse the burst.
    signaling: { ratePerSecond: 10_000, rateBurst: 10_000 },
    budgets: UNLIMITED_BUDGETS
  });
  const hub = await startHub(config, { log: createLogger('warn'), webDir: join(dataDir, 'no-web') });
  const startHubMs = performance.now() - t0;
  const processToListeningMs = process.uptime() * 1000;
  const afterStart = process.memoryUsage();
  const random = seededRandom(7);
  try {
    const fire = DEMO_AGENCIES.find((a) => a.id === 'seoul-119')!;
    const token = await hub.devIssuer!.sign(fire, { audience: config.auth.audience, ttlSec: 600, purpose: 'dispatch-119' });
    const socket: Client = io(hub.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const ask = <E extends 'cameras:list' | 'media:join'>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]) =>
      new Promise<unknown>((resolve, reject) =>
        (socket.emit as (e: string, p: unknown, ack: (r: Result<unknown>) => void) => void)(event, payload, (r) => (r.ok ? resolve(r.data) : reject(new Error(r.error.message))))
      );
    await ask('media:join', {});
    const first = (await ask('cameras:list', { limit: 1 })) as { districts: Array<{ code: string; count: number }> };
    const timed = async (run: () => Promise<unknown>) => {
      const s = performance.now();
      await run();
      return performance.now() - s;
    };
    const listMs: number[] = [];
    const searchMs: number[] = [];
    const nearestMs: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const d = first.districts[Math.floor(random() * first.districts.length)]!;
      const page: CameraListRequest = { district: d.code, offset: Math.floor((random() * d.count) / 100) * 100, limit: 100 };
      listMs.push(await timed(() => ask('cameras:list', page)));
      searchMs.push(await timed(() => ask('cameras:list', { query: `합성데이터로${1 + Math.floor(random() * 120)}길`, limit: 100 })));
      const lat = 37.45 + random() * 0.2;
      const lon = 126.85 + random() * 0.3;
      nearestMs.push(
        await timed(async () => {
          const response = await fetch(`${hub.url}/api/geo/nearest?lat=${lat}&lon=${lon}&n=8`, { headers: { authorization: `Bearer ${token}` } });
          if (!response.ok) throw new Error(`nearest: HTTP ${response.status}`);
          await response.json();
        })
      );
    }
    socket.disconnect();
    const afterBurst = process.memoryUsage();
    const report: StartReport = {
      imported: hub.registryLoad.imported,
      cameras: hub.registry.size,
      processToListeningMs: Math.round(processToListeningMs),
      startHubMs: Math.round(startHubMs),
      registryMs: hub.registryLoad.ms,
      rssAfterStartMB: MB(afterStart.rss),
      heapAfterStartMB: MB(afterStart.heapUsed),
      rssAfterBurstMB: MB(afterBurst.rss),
      heapAfterBurstMB: MB(afterBurst.heapUsed),
      listMs: summary(listMs),
      searchMs: summary(searchMs),
      nearestMs: summary(nearestMs)
    };
    process.stdout.write(JSON.stringify(report) + '\n');
  } finally {
    await hub.close();
  }
}

function start(dataDir: string): StartReport {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', 'start', '--data', dataDir, '--cameras', String(CAMERAS), '--queries', String(QUERIES)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`hub start failed (${run.status}):\n${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as StartReport;
}

async function main(): Promise<void> {
  if (values.child) return child(values.data!);
  const dataDir = mkdtempSync(join(tmpdir(), 'gth-bench-registry-'));
  try {
    const first = start(dataDir);
    const later = Array.from({ length: STARTS }, () => start(dataDir));
    if (!first.imported || later.some((r) => r.imported)) throw new Error('expected the first start to import and later ones to load from SQLite');
    const med = (pick: (r: StartReport) => number) => summary(later.map(pick), 0);
    const rows: Array<[string, string, string]> = [
      ['cameras', `${first.cameras}`, `${FEEDS} simulated feeds`],
      ['first start: process → listening', `${first.processToListeningMs} ms`, `startHub ${first.startHubMs} ms, of which generate+import+store ${first.registryMs} ms`],
      ['later starts: process → listening', `p50 ${med((r) => r.processToListeningMs).p50} ms`, `startHub p50 ${med((r) => r.startHubMs).p50} ms, load from SQLite p50 ${med((r) => r.registryMs).p50} ms (n=${later.length})`],
      ['RSS after start', `first ${first.rssAfterStartMB} MB, later p50 ${summary(later.map((r) => r.rssAfterStartMB)).p50} MB`, `heap ${later[0]!.heapAfterStartMB} MB (aim ≤ 300 MB)`],
      ['RSS after burst', `first ${first.rssAfterBurstMB} MB, later p50 ${summary(later.map((r) => r.rssAfterBurstMB)).p50} MB`, `${QUERIES} each of list/search/nearest (aim ≤ 300 MB)`],
      ['cameras:list 구 page (100)', `p50 ${later[0]!.listMs.p50} / p95 ${later[0]!.listMs.p95} ms`, `max ${later[0]!.listMs.max} ms, city-wide scope`],
      ['cameras:list search', `p50 ${later[0]!.searchMs.p50} / p95 ${later[0]!.searchMs.p95} ms`, `max ${later[0]!.searchMs.max} ms`],
      ['GET /api/geo/nearest n=8', `p50 ${later[0]!.nearestMs.p50} / p95 ${later[0]!.nearestMs.p95} ms`, `max ${later[0]!.nearestMs.max} ms, over HTTP`]
    ];
    process.stdout.write(`registry bench — hub with the SYNTHETIC Seoul registry${SMOKE ? ' (smoke)' : ''}\n`);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const [a, b, c] of rows) process.stdout.write(`  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}\n`);
    process.stdout.write(JSON.stringify({ bench: 'registry', smoke: SMOKE, cameras: first.cameras, feeds: FEEDS, first, later }) + '\n');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
