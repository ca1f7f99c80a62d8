/**
 * `npm run bench:cameras`: what the hub costs and gives per camera kind, against the bar in
 * FACTS.md (Janus 1.1.2: 1.1 % of a core for one 640×360@15 camera and one viewer, RTSP over UDP).
 * Simulated RTSP cameras run in this process; the hub runs in its own (as deployed), once with
 * RTSP over UDP (straight into mediasoup) and once over TCP (relayed by Node); Debian's Chromium
 * is the viewer. Prints a table and one JSON line. Not a pass/fail test.
 *
 * - passthrough, 1 camera × 1 tile: hub CPU (node + mediasoup workers, % of one core), receive
 *   delay (strip stamp → the frame's last packet in the browser) and glass delay (→ expected
 *   display time), per transport;
 * - first picture of a warm camera with a 4 s GOP that ignores keyframe requests: tile ask
 *   (camera:watch sent) → the hub's keyframe still on screen, and → first live frame;
 * - transcode: a slot for tests/bench/transcode.bench.ts (built elsewhere), reported as null here.
 *
 *   --smoke       short run (npm test runs it so the benchmark cannot rot)
 *   --seconds N   one CPU window per passthrough case (default 20)
 *   --runs N      CPU windows per case (the median is reported) and first-picture repetitions (default 5)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { IngestTransport } from '../../media/camera-stream.ts';
import { CameraFarm } from '../../media/sim/camera-farm.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/events.ts';
import { launchBrowser, openMonitor, readTiles, useToken, waitForTiles, type TestBrowser } from '../support/browser.ts';
import { sampleCpuPercent } from '../support/cpu.ts';
import { spawnHub } from '../support/processes.ts';
import { round, summary } from './stats.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, seconds: { type: 'string' }, runs: { type: 'string' } } });
const SMOKE = values.smoke;
const SECONDS = Number(values.seconds ?? (SMOKE ? 3 : 20));
const RUNS = Number(values.runs ?? (SMOKE ? 1 : 5));
const WARMUP_MS = SMOKE ? 1_000 : 3_000;
/** After start-up the hub still compiles and loads lazily for a few seconds: not its idle floor. */
const SETTLE_MS = SMOKE ? 1_000 : 10_000;
/** FACTS.md: Janus 1.1.2 on this machine, one camera and one viewer, RTSP over UDP. */
const JANUS_CPU_PCT = 1.1;
const TARGET_CPU_PCT = 1.5 * JANUS_CPU_PCT;
const STILL_TARGET_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface RunningHub {
  child: ChildProcess;
  url: string;
  close(): Promise<void>;
}

async function startHubProcess(dataDir: string, cameras: Array<{ id: string; source: string }>, transport: IngestTransport): Promise<RunningHub> {
  const configFile = join(dataDir, `config-${transport}.json`);
  const registry = cameras.map((camera, i) => ({
    id: camera.id,
    name: `벤치 카메라 ${i + 1}`,
    nameEn: `Bench camera ${i + 1}`,
    district: { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
    category: '생활방범',
    location: { lat: 37.498 + i * 0.001, lon: 127.028 },
    source: camera.source
  }));
  await writeFile(configFile, JSON.stringify({ cameras: registry, ingest: { transport } }));
  const { child, url } = await spawnHub({ GTH_CONFIG: configFile, GTH_PORT: '0', GTH_SIM_CAMERAS: '0', GTH_REGISTRY_SYNTHETIC: '0', GTH_LOG_LEVEL: 'warn', GTH_DATA_DIR: join(dataDir, transport) });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    url,
    close: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
}

async function devToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agency: 'seoul-119' }) });
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

function ask<E extends keyof ClientToServerEvents>(socket: HubSocket, event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const emit = socket.emit.bind(socket) as (event: string, payload: unknown, ack: (result: { ok: boolean; data?: unknown; error?: { message: string } }) => void) => void;
    emit(event, payload, (result) => (result.ok ? resolve(result.data) : reject(new Error(`${event}: ${result.error?.message}`))));
  });
}

/** Another operator watching the camera: keeps its ingest warm (the hub holds its latest keyframe). */
async function warmWatcher(url: string, token: string, cameraId: string): Promise<HubSocket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false }) as HubSocket;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const join = (await ask(socket, 'media:join', {})) as { routerRtpCapabilities: Parameters<ClientToServerEvents['camera:watch']>[0]['rtpCapabilities'] };
  await ask(socket, 'transport:create', {});
  await ask(socket, 'camera:watch', { cameraId, rtpCapabilities: join.routerRtpCapabilities });
  for (let i = 0; i < 100; i++) {
    const answer = (await ask(socket, 'camera:still', { cameraId })) as { still: unknown };
    if (answer.still) return socket;
    await sleep(200);
  }
  throw new Error('no keyframe held for the warm camera after 20 s');
}

interface Passthrough {
  transport: IngestTransport;
  /** The hub with nothing to do (no ingest, no viewer), over the same time: its own floor. Medians of the windows. */
  idleHubCpuPct: number;
  hubCpuPct: number;
  /** The hub's Node process alone (what JavaScript costs: the rest is its mediasoup workers). */
  hubNodeCpuPct: number;
  /** Each window's figures, % of a core. */
  cpuWindows: { idleHub: number[]; hub: number[]; hubNode: number[] };
  receiveDelay: ReturnType<typeof summary>;
  glassDelay: ReturnType<typeof summary>;
  fps: number;
}

async function passthrough(browser: TestBrowser, hub: RunningHub, token: string, cameraId: string, transport: IngestTransport): Promise<Passthrough> {
  const pid = hub.child.pid!;
  await sleep(SETTLE_MS);
  const idleHub: number[] = [];
  for (let run = 0; run < RUNS; run++) idleHub.push(await sampleCpuPercent(pid, SECONDS * 1000));
  const viewer = await browser.newViewer({ baseURL: hub.url });
  try {
    await useToken(viewer, token);
    await openMonitor(viewer, [cameraId], 1);
    await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
    await sleep(WARMUP_MS);
    await viewer.page.evaluate(() => window.__gth?.resetSamples());
    const whole: number[] = [];
    const node: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const [total, nodeOnly] = await Promise.all([sampleCpuPercent(pid, SECONDS * 1000), sampleCpuPercent(pid, SECONDS * 1000, (p) => p === pid)]);
      whole.push(total);
      node.push(nodeOnly);
    }
    const [tile] = await readTiles(viewer.page);
    await viewer.page.screenshot({ path: `${process.env.GTH_ARTIFACTS ?? 'artifacts'}/bench-cameras-${transport}.png` }).catch(() => undefined);
    const median = (values: number[]) => summary(values, 2).p50!;
    const windows = (values: number[]) => values.map((v) => round(v, 2)!);
    return {
      transport,
      idleHubCpuPct: median(idleHub),
      hubCpuPct: median(whole),
      hubNodeCpuPct: median(node),
      cpuWindows: { idleHub: windows(idleHub), hub: windows(whole), hubNode: windows(node) },
      receiveDelay: summary(tile?.receiveDelays ?? []),
      glassDelay: summary(tile?.delays ?? []),
      fps: round(tile?.fps ?? 0)!
    };
  } finally {
    await viewer.close();
  }
}

/** Tile ask → still shown and → first live frame, on a fresh page each run. */
async function firstPicture(browser: TestBrowser, hub: RunningHub, token: string, cameraId: string): Promise<{ stillMs: number[]; liveMs: number[] }> {
  const stillMs: number[] = [];
  const liveMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const viewer = await browser.newViewer({ baseURL: hub.url });
    try {
      await useToken(viewer, token);
      await openMonitor(viewer, [cameraId], 1);
      const [tile] = await waitForTiles(viewer.page, { state: 'live', timeoutMs: 30_000 });
      if (tile?.stillShownMs !== undefined) stillMs.push(tile.stillShownMs);
      if (tile?.firstFrameMs !== undefined) liveMs.push(tile.firstFrameMs);
    } finally {
      await viewer.close();
    }
    // Tiles open at different points of the 4 s GOP.
    await sleep(700 + Math.random() * 1_300);
  }
  return { stillMs, liveMs };
}

const dataDir = await mkdtemp(join(tmpdir(), 'gth-bench-cameras-'));
const farm = new CameraFarm();
let browser: TestBrowser | undefined;
let hub: RunningHub | undefined;
try {
  await farm.start([
    { id: 'bench-pass', name: '벤치 원본', port: 0 },
    { id: 'bench-deaf', name: '벤치 키프레임 무시 4초', port: 0, keyframes: { gopFrames: 60, ignoreRequests: true } }
  ]);
  const cameras = farm.ids().map((id) => ({ id, source: farm.url(id) }));
  browser = await launchBrowser();
  const cases: Passthrough[] = [];
  let first: { stillMs: number[]; liveMs: number[] } | undefined;
  for (const transport of ['udp', 'tcp'] as const) {
    hub = await startHubProcess(dataDir, cameras, transport);
    const token = await devToken(hub.url);
    cases.push(await passthrough(browser, hub, token, 'bench-pass', transport));
    if (transport === 'udp') {
      const watcher = await warmWatcher(hub.url, token, 'bench-deaf');
      first = await firstPicture(browser, hub, token, 'bench-deaf');
      watcher.disconnect();
    }
    await hub.close();
    hub = undefined;
  }
  const still = summary(first?.stillMs ?? [], 0);
  const live = summary(first?.liveMs ?? [], 0);

  const rows: Array<[string, string, string]> = [];
  for (const c of cases) {
    const aim = c.transport === 'udp' ? `≤ ${TARGET_CPU_PCT.toFixed(2)} % (1.5 × Janus ${JANUS_CPU_PCT} %)` : `Janus ${JANUS_CPU_PCT} %`;
    rows.push([`hub CPU, 1 camera × 1 tile, RTSP/${c.transport.toUpperCase()}`, `${c.hubCpuPct} % of a core (Node ${c.hubNodeCpuPct} %; idle hub ${c.idleHubCpuPct} %; median of ${RUNS})`, aim]);
    rows.push([`receive delay p50/p95, ${c.transport.toUpperCase()}`, `${c.receiveDelay.p50} / ${c.receiveDelay.p95} ms (n ${c.receiveDelay.n})`, 'Janus ≈ 2.2 / 4.5 ms']);
    rows.push([`glass delay p50/p95, ${c.transport.toUpperCase()}`, `${c.glassDelay.p50} / ${c.glassDelay.p95} ms, ${c.fps} fps`, 'Janus ≈ 25–33 ms p50']);
  }
  rows.push(['keyframe-deaf 4 s GOP: tile ask → still shown p50/max', `${still.p50} / ${still.max} ms (n ${still.n})`, `≤ ${STILL_TARGET_MS} ms`]);
  rows.push(['keyframe-deaf 4 s GOP: tile ask → first live frame p50/max', `${live.p50} / ${live.max} ms (n ${live.n})`, 'waits for the next IDR (0–4 s)']);
  rows.push(['transcode path (receive/glass delay, CPU per stream)', '— (tests/bench/transcode.bench.ts)', '']);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('bench:cameras (640×360@15, this machine, loopback)');
  for (const [what, value, aim] of rows) console.log(`  ${what.padEnd(width)}  ${value.padEnd(48)}  ${aim}`);
  console.log(
    JSON.stringify({
      bench: 'cameras',
      seconds: SECONDS,
      runs: RUNS,
      janusCpuPct: JANUS_CPU_PCT,
      passthrough: cases,
      firstPicture: { stillMs: still, liveMs: live, targetStillMs: STILL_TARGET_MS },
      transcode: null
    })
  );
} finally {
  await hub?.close();
  await browser?.close();
  await farm.close();
  await rm(dataDir, { recursive: true, force: true });
}
