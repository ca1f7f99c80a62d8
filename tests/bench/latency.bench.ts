/**
 * `npm run bench:latency`: glass-to-glass delay, per-tile frame rate and first-frame time of the
 * whole pipeline — simulated RTSP cameras → hub (its own process, as deployed) → Debian's
 * Chromium — for 1, 4 and 16 tiles. Prints a table and one JSON line. Not a pass/fail test.
 *
 *   --smoke         short run (npm test uses it so the benchmark cannot rot)
 *   --seconds N     measuring time per case (default 15)
 *   --runs N        first-frame repetitions (default 5)
 *   --tiles 4,16    which tile cases to run
 *   --chromium-arg  an extra Chromium flag (repeatable)
 *
 * Delay is read from the timestamp strip each camera burns into its frames: sender Date.now()
 * → the frame's expected display time in the browser (requestVideoFrameCallback). Receive delay
 * is sender → last packet of the frame in the browser (rVFC receiveTime), which FACTS.md shows is
 * the stable figure for comparing servers.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, CameraInfo } from '../../server/protocol/events.ts';
import { quantile, summary } from './stats.ts';
import { spawnHub } from '../support/processes.ts';
import { launchBrowser, openMonitor, readTiles, useToken, waitForTiles, type TestBrowser, type Viewer } from '../support/browser.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    runs: { type: 'string' },
    port: { type: 'string', default: '18181' },
    /** Extra Chromium flags, to find out which lift multi-video frame rates. */
    'chromium-arg': { type: 'string', multiple: true, default: [] },
    tiles: { type: 'string' }
  }
});
const SMOKE = values.smoke;
const SECONDS = Number(values.seconds ?? (SMOKE ? 2 : 15));
const RUNS = Number(values.runs ?? (SMOKE ? 1 : 5));
const WARMUP_MS = SMOKE ? 1000 : 3000;
const TILE_CASES = values.tiles ? values.tiles.split(',').map(Number) : SMOKE ? [1, 4] : [1, 4, 16];
// Cold first frames use cameras nobody has watched yet (past the 16 the tile cases use).
const CAMERAS = Math.max(...TILE_CASES) + RUNS;
const PORT = Number(values.port);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user+system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
function descendants(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return out;
}
function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
/** CPU of the hub's own processes (node + mediasoup workers) and of the simulated cameras. */
function hubCpu(hubPid: number): { hub: number; cameras: number } {
  let hub = cpuSeconds(hubPid);
  let cameras = 0;
  for (const pid of descendants(hubPid)) {
    if (comm(pid).startsWith('mediasoup-worke')) hub += cpuSeconds(pid);
    else cameras += cpuSeconds(pid);
  }
  return { hub, cameras };
}

function startHubProcess(): Promise<{ child: ChildProcess; url: string }> {
  return spawnHub({ GTH_PORT: String(PORT), GTH_SIM_CAMERAS: String(CAMERAS), GTH_LOG_LEVEL: 'warn', GTH_DATA_DIR: 'data/bench', GTH_SIM_BASE_PORT: '0' });
}

async function token(url: string, agency: string): Promise<string> {
  const res = await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agency }) });
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function listCameras(url: string, jwt: string): Promise<CameraInfo[]> {
  const socket = io(url, { auth: { token: jwt }, transports: ['websocket'], reconnection: false }) as import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>;
  try {
    return await new Promise<CameraInfo[]>((resolve, reject) => {
      socket.once('connect_error', reject);
      socket.emit('cameras:list', {}, (result) => (result.ok ? resolve(result.data.cameras) : reject(new Error(result.error.message))));
    });
  } finally {
    socket.disconnect();
  }
}

interface TileCase {
  tiles: number;
  delay: ReturnType<typeof summary>;
  receiveDelay: ReturnType<typeof summary>;
  fpsMin: number;
  fpsMedian: number;
  framesDecoded: number;
  cpuHubPct: number;
  cpuCamerasPct: number;
}

async function measureTiles(browser: TestBrowser, url: string, jwt: string, cameraIds: string[], hubPid: number): Promise<TileCase> {
  const viewer = await browser.newViewer({ baseURL: url, viewport: cameraIds.length > 4 ? { width: 1920, height: 1080 } : { width: 1280, height: 800 } });
  try {
    await useToken(viewer, jwt);
    await openMonitor(viewer, cameraIds);
    await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
    await sleep(WARMUP_MS);
    await viewer.page.evaluate(() => window.__gth?.resetSamples());
    const delays: number[] = [];
    const receive: number[] = [];
    const counts = new Map<number, { delay: number; receive: number }>();
    const cpuStart = hubCpu(hubPid);
    const startedAt = Date.now();
    const fpsSamples = new Map<number, number[]>();
    const firstDecoded = new Map<number, number>();
    while (Date.now() - startedAt < SECONDS * 1000) {
      await sleep(500);
      for (const tile of await readTiles(viewer.page)) {
        const seen = counts.get(tile.index) ?? { delay: 0, receive: 0 };
        const fresh = (tile.delayCount ?? 0) - seen.delay;
        if (fresh > 0) delays.push(...tile.delays.slice(-Math.min(fresh, tile.delays.length)));
        const receiveFresh = tile.receiveDelays.length ? Math.min(fresh, tile.receiveDelays.length) : 0;
        if (receiveFresh > 0) receive.push(...tile.receiveDelays.slice(-receiveFresh));
        counts.set(tile.index, { delay: tile.delayCount ?? 0, receive: 0 });
        fpsSamples.set(tile.index, [...(fpsSamples.get(tile.index) ?? []), tile.fps]);
        if (!firstDecoded.has(tile.index)) firstDecoded.set(tile.index, tile.framesDecoded);
      }
    }
    const elapsed = (Date.now() - startedAt) / 1000;
    const cpuEnd = hubCpu(hubPid);
    const final = await readTiles(viewer.page);
    // Per tile: the median of its 1-second fps readings.
    const perTile = [...fpsSamples.values()].map((s) => quantile([...s].sort((a, b) => a - b), 0.5) ?? 0);
    const sortedFps = [...perTile].sort((a, b) => a - b);
    await viewer.page.screenshot({ path: `${process.env.GTH_ARTIFACTS ?? 'artifacts'}/bench-${cameraIds.length}-tiles.png` }).catch(() => undefined);
    return {
      tiles: cameraIds.length,
      delay: summary(delays),
      receiveDelay: summary(receive),
      fpsMin: Math.round((sortedFps[0] ?? 0) * 10) / 10,
      fpsMedian: Math.round((quantile(sortedFps, 0.5) ?? 0) * 10) / 10,
      framesDecoded: final.reduce((sum, t) => sum + t.framesDecoded - (firstDecoded.get(t.index) ?? 0), 0),
      cpuHubPct: Math.round(((cpuEnd.hub - cpuStart.hub) / elapsed) * 1000) / 10,
      cpuCamerasPct: Math.round(((cpuEnd.cameras - cpuStart.cameras) / elapsed) * 1000) / 10
    };
  } finally {
    await viewer.close();
  }
}

/** subscribe → first presented frame for one tile on a fresh page. */
async function firstFrame(browser: TestBrowser, url: string, jwt: string, cameraId: string): Promise<number> {
  const viewer: Viewer = await browser.newViewer({ baseURL: url });
  try {
    await useToken(viewer, jwt);
    await openMonitor(viewer, [cameraId], 1);
    await viewer.page.waitForFunction(() => (window.__gth?.tiles()[0]?.firstFrameMs ?? 0) > 0, undefined, { timeout: 30_000 });
    return (await readTiles(viewer.page))[0]!.firstFrameMs!;
  } finally {
    await viewer.close();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`[bench] starting hub with ${CAMERAS} simulated cameras…\n`);
  const hub = await startHubProcess();
  const browser = await launchBrowser({ args: values['chromium-arg'] });
  try {
    const jwt = await token(hub.url, 'seoul-119');
    const cameras = (await listCameras(hub.url, jwt)).map((c) => c.id);
    if (cameras.length < CAMERAS) throw new Error(`expected ${CAMERAS} cameras, hub lists ${cameras.length}`);

    // First frames first, while the ingests are still cold.
    const cold: number[] = [];
    const warm: number[] = [];
    const holders: Viewer[] = [];
    for (let i = 0; i < RUNS; i++) {
      const camera = cameras[Math.max(...TILE_CASES) + i]!;
      process.stderr.write(`[bench] first frame, cold camera ${camera}\n`);
      cold.push(await firstFrame(browser, hub.url, jwt, camera));
    }
    for (let i = 0; i < RUNS; i++) {
      const camera = cameras[i]!;
      // A holder keeps the ingest running, so the measured viewer joins a warm stream mid-GOP.
      const holder = await browser.newViewer({ baseURL: hub.url });
      holders.push(holder);
      await useToken(holder, jwt);
      await openMonitor(holder, [camera], 1);
      await waitForTiles(holder.page, { state: 'live', timeoutMs: 30_000 });
      await sleep(700 + Math.random() * 600);
      process.stderr.write(`[bench] first frame, warm camera ${camera}\n`);
      warm.push(await firstFrame(browser, hub.url, jwt, camera));
    }
    await Promise.all(holders.map((h) => h.close()));

    const cases: TileCase[] = [];
    for (const tiles of TILE_CASES) {
      process.stderr.write(`[bench] ${tiles} tile(s), ${SECONDS} s…\n`);
      cases.push(await measureTiles(browser, hub.url, jwt, cameras.slice(0, tiles), hub.child.pid!));
    }

    const firstFrames = { cold: summary(cold), warm: summary(warm) };
    const rows = cases.map((c) =>
      [
        `${c.tiles}`.padStart(5),
        `${c.delay.p50 ?? '-'} / ${c.delay.p95 ?? '-'}`.padStart(14),
        `${c.receiveDelay.p50 ?? '-'} / ${c.receiveDelay.p95 ?? '-'}`.padStart(14),
        `${c.fpsMin} / ${c.fpsMedian}`.padStart(13),
        `${c.delay.n}`.padStart(8),
        `${c.cpuHubPct}%`.padStart(8),
        `${c.cpuCamerasPct}%`.padStart(8)
      ].join(' │ ')
    );
    const out = [
      '',
      'Golden Time Hub — glass-to-glass latency (simulated RTSP cameras → hub → Chromium)',
      `tiles │ glass p50/p95 ms │ recv p50/p95 ms │ fps min/median │ samples │ hub CPU │ cam CPU`,
      ...rows,
      '',
      `first frame (subscribe → first frame), ms: cold p50 ${firstFrames.cold.p50} / p95 ${firstFrames.cold.p95} (n=${firstFrames.cold.n}); warm p50 ${firstFrames.warm.p50} / p95 ${firstFrames.warm.p95} (n=${firstFrames.warm.n})`,
      `aims: 4 tiles p50 ≤ 100 ms and p95 ≤ 200 ms; 16 tiles every tile ≥ 14 fps; warm first frame ≤ 400 ms`,
      ''
    ];
    process.stdout.write(out.join('\n') + '\n');
    process.stdout.write(
      JSON.stringify({ bench: 'latency', smoke: SMOKE, seconds: SECONDS, cameras: CAMERAS, cases, firstFrameMs: firstFrames, at: new Date().toISOString() }) + '\n'
    );
  } finally {
    await browser.close();
    hub.child.kill('SIGTERM');
    await new Promise((r) => hub.child.once('exit', r));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
