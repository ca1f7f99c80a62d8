/**
 * `node scripts/in-netns.mjs node --import tsx tests/bench/handlers.bench.ts [--smoke]`: the
 * costly handlers of a hub with the full SYNTHETIC Seoul registry (68,000 cameras), each timed
 * over the wire on an otherwise idle hub, with the event-loop delay while each kind ran (the
 * loop also relays camera RTP: aim ≤ 20 ms) — opening an incident (grant, audit, dispatch
 * route, nearest cameras), nearest, route, the map's camera layer, camera searches, and what an
 * incident's grant makes every session of the agency do. Prints a table and one JSON line
 * `{"bench":"handlers",…}`. Aim: p95 ≤ 50 ms for each.
 *
 *   --smoke        3,000 cameras, fewer rounds
 *   --cameras N    synthetic cameras (default 68000)
 *   --rounds N     requests per kind (default 40)
 *   --sessions N   sessions of the 119 room listening for cameras:changed (default 8)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { loadConfig } from '../../server/config.ts';
import { startHub } from '../../server/hub.ts';
import { createLogger } from '../../server/log.ts';
import { seededRandom } from '../../server/geo/random.ts';
import type { Purpose } from '../../server/protocol/events.ts';
import { connectClient, request, type HubClient } from '../support/client.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, cameras: { type: 'string' }, rounds: { type: 'string' }, sessions: { type: 'string' } } });
const SMOKE = values.smoke;
const CAMERAS = Number(values.cameras ?? (SMOKE ? 3000 : 68_000));
const ROUNDS = Number(values.rounds ?? (SMOKE ? 8 : 40));
const SESSIONS = Number(values.sessions ?? (SMOKE ? 2 : 8));
/** The loop-delay sampler's period, taken off what it records. */
const RESOLUTION_MS = 1;

interface Kind {
  name: string;
  ms: number[];
  /** CPU of this process (hub and client) per request: steadier than wall time on a shared machine. */
  cpuMsPerRequest: number;
  loopDelayMs: { p99: number; max: number };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gth-bench-handlers-'));
  const config = loadConfig({}, {
    http: { host: '127.0.0.1', port: 0 },
    dataDir,
    logLevel: 'warn',
    // Feeds only stand in for pictures; no picture is watched here.
    simulator: { cameras: 2, basePort: 0 },
    webrtc: { workers: 1 },
    registry: { synthetic: CAMERAS },
    // One client asks back to back: budgets and rate limits are not what is measured here.
    signaling: { ratePerSecond: 1e6, rateBurst: 1e6 },
    ...({ budgets: { user: { perSecond: 1e9, burst: 1e9 }, agency: { perSecond: 1e9, burst: 1e9 } } } as object)
  });
  const hub = await startHub(config, { log: createLogger('warn'), webDir: join(dataDir, 'no-web'), ...({ warm: true } as object) });
  const clients: HubClient[] = [];
  try {
    const token = (agency: string, purpose: Purpose, as: { subject?: string; role?: 'supervisor' } = {}) =>
      hub.devIssuer!.sign(DEMO_AGENCIES.find((a) => a.id === agency)!, { audience: config.auth.audience, ttlSec: 3600, purpose, ...as });
    // The 119 room's CAD system: a trusted source, whose grant is in force at once.
    const fire = await token('seoul-119', 'dispatch-119', { subject: 'cad-119' });
    const gangnam = await token('gangnam-police', 'emergency-112');
    const gangnamChief = await token('gangnam-police', 'emergency-112', { subject: 'chief-gangnam', role: 'supervisor' });
    /** Scenes inside 강남구 (its police station's jurisdiction), a little apart. */
    const gangnamSpot = (i: number) => ({ lat: 37.5045 - (i % 20) * 0.0004, lon: 127.0489 + (i % 7) * 0.0004 });
    const http = async (method: 'GET' | 'POST', path: string, bearer: string, body?: unknown) => {
      const response = await fetch(new URL(path, hub.url), {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'accept-encoding': 'gzip', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {})
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    const gzipBytes = (path: string, bearer: string) =>
      new Promise<number>((resolve, reject) => {
        const req = get(new URL(path, hub.url), { headers: { authorization: `Bearer ${bearer}`, 'accept-encoding': 'gzip' } }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => (res.statusCode === 200 && res.headers['content-encoding'] === 'gzip' ? resolve(bytes) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
      });
    const joinedClient = async (bearer: string) => {
      const socket = await connectClient(hub.url, bearer, (s) => clients.push(s));
      const join = await request(socket, 'media:join', {});
      if (!join.ok) throw new Error(join.error.message);
      return socket;
    };
    // The 119 room's other operators: each re-lists when told its cameras changed, as the web does.
    let relists = 0;
    for (let i = 0; i < SESSIONS; i++) {
      const session = await joinedClient(fire);
      session.on('cameras:changed', () => {
        relists++;
        void request(session, 'cameras:list', { limit: 200 });
      });
    }
    const fireSocket = await joinedClient(fire);
    const gangnamSocket = await joinedClient(gangnam);

    const random = seededRandom(11);
    const spot = () => ({ lat: 37.48 + random() * 0.12, lon: 126.9 + random() * 0.2 });
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    const kinds: Kind[] = [];
    const run = async (name: string, call: (i: number) => Promise<unknown>) => {
      await call(-1); // once untimed: first-use costs (road network, caches) are reported separately
      histogram.reset();
      const cpu = process.cpuUsage();
      const ms: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const started = performance.now();
        await call(i);
        ms.push(performance.now() - started);
      }
      const delay = (ns: number) => Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * 10) / 10;
      const used = process.cpuUsage(cpu);
      const cpuMsPerRequest = Math.round(((used.user + used.system) / 1000 / ROUNDS) * 10) / 10;
      kinds.push({ name, ms, cpuMsPerRequest, loopDelayMs: { p99: delay(histogram.percentile(99)), max: delay(histogram.max) } });
    };

    const firstStarted = performance.now();
    const first = await http('POST', '/api/incidents', fire, { type: 'fire', location: spot() });
    const firstIncidentMs = performance.now() - firstStarted;
    await http('POST', `/api/incidents/${(first.incident as { id: string }).id}/close`, fire, {});

    await run('POST /api/incidents (119: grant, audit, route, nearest 8)', async () => {
      const opened = await http('POST', '/api/incidents', fire, { type: 'fire', location: spot() });
      if (!opened.dispatch) throw new Error(`no dispatch: ${JSON.stringify(opened.dispatchError)}`);
      await http('POST', `/api/incidents/${(opened.incident as { id: string }).id}/close`, fire, {});
    });
    await run('POST /api/incidents + approve (강남 112: the approved grant widens scope)', async (i) => {
      const opened = await http('POST', '/api/incidents', gangnam, { type: 'crime', location: gangnamSpot(i + 1), dispatch: false });
      const pending = opened.pendingGrant as { id: string } | undefined;
      if (!pending) throw new Error(`no grant asked for: ${JSON.stringify(opened.grantError)}`);
      await http('POST', `/api/grants/${pending.id}/approve`, gangnamChief, {});
      await http('POST', `/api/incidents/${(opened.incident as { id: string }).id}/close`, gangnam, {});
    });
    await run('GET /api/geo/nearest n=8', () => {
      const { lat, lon } = spot();
      return http('GET', `/api/geo/nearest?lat=${lat}&lon=${lon}&n=8`, fire);
    });
    await run('GET /api/geo/route', () => {
      const { lat, lon } = spot();
      return http('GET', `/api/geo/route?lat=${lat}&lon=${lon}&kind=fire`, fire);
    });
    // Read as the gzip bytes the hub sends: decompressing and parsing megabytes here would time the client.
    await run('GET /api/geo/cameras (city-wide, gzip)', () => gzipBytes('/api/geo/cameras', fire));
    await run('cameras:list search (city-wide, 200)', async (i) => {
      const answer = await request(fireSocket, 'cameras:list', { query: `합성데이터로${1 + ((i + 120) % 120)}길`, limit: 200 });
      if (!answer.ok) throw new Error(answer.error.message);
    });
    await run('cameras:list search (강남)', async (i) => {
      const answer = await request(gangnamSocket, 'cameras:list', { query: `합성데이터로${1 + ((i + 60) % 120)}`, limit: 200 });
      if (!answer.ok) throw new Error(answer.error.message);
    });
    await run('cameras:list first page (city-wide)', async () => {
      const answer = await request(fireSocket, 'cameras:list', {});
      if (!answer.ok) throw new Error(answer.error.message);
    });
    histogram.disable();

    const rows = kinds.map((k) => {
      const s = summary(k.ms);
      return { name: k.name, p50: s.p50, p95: s.p95, max: s.max, cpuMs: k.cpuMsPerRequest, loopDelayP99: k.loopDelayMs.p99, loopDelayMax: k.loopDelayMs.max };
    });
    process.stdout.write(`handlers bench — ${hub.registry.size} cameras${SMOKE ? ' (smoke)' : ''}, ${ROUNDS} rounds each, ${SESSIONS} other 119 sessions listening\n`);
    const w = Math.max(...rows.map((r) => r.name.length));
    process.stdout.write(`  ${'handler'.padEnd(w)}  p50 / p95 / max ms        CPU ms/req  loop delay p99 / max ms\n`);
    for (const r of rows) process.stdout.write(`  ${r.name.padEnd(w)}  ${`${r.p50} / ${r.p95} / ${r.max}`.padEnd(24)}  ${String(r.cpuMs).padEnd(10)}  ${r.loopDelayP99} / ${r.loopDelayMax}\n`);
    process.stdout.write(`  first incident after start: ${Math.round(firstIncidentMs)} ms; cameras:changed received by the other 119 sessions: ${relists}\n`);
    process.stdout.write(JSON.stringify({ bench: 'handlers', smoke: SMOKE, cameras: hub.registry.size, rounds: ROUNDS, sessions: SESSIONS, firstIncidentMs: Math.round(firstIncidentMs), relists, handlers: rows }) + '\n');
  } finally {
    for (const socket of clients) socket.disconnect();
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
