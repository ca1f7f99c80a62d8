/**
 * `bench:pursuit`'s LPR section — ingestion under load: signed plate reads POSTed to a hub that runs as `npm start` runs it
 * (a process of its own, development mode, its demo plate readers on one simulated feed; no
 * synthetic registry — a read looks its camera up by id, so the registry's size does not
 * matter), at offered rates from one LPR system, one read per request and in batches of 50.
 * Per phase: reads offered and accepted (stored: 201 with `accepted` counted; anything else is
 * loss), request time p50/p95 from the client, and the hub's event-loop delay (its own metric,
 * scraped before and after the phase). Aim: ≥ 500 reads/s accepted without loss, loop ≤ 20 ms.
 * The hub's CPU per read (its own process, from /proc) is the figure that holds on a busy machine.
 * Requests are paced by a 10 ms tick; the client signs one token per phase (a real system signs
 * per request or per minute; the hub verifies each request either way).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CITIES, demoLprCameras } from '../../../server/cameras/demo.ts';
import { openDevLprSystem } from '../../../server/lpr/sim/dev-system.ts';
import type { LprReadInput } from '../../../server/protocol/lpr.ts';
import { treeCpuMs } from '../../support/cpu.ts';
import { startHubProcess, type HubProcess } from '../../support/hub-process.ts';
import { summary } from '../stats.ts';
import type { BenchSection } from '../section.ts';

interface LprIngestRow {
  mode: 'single' | 'batch-50';
  offeredPerS: number;
  seconds: number;
  offered: number;
  accepted: number;
  /** Reads not stored: refused, failed or unanswered. */
  lost: number;
  acceptedPerS: number;
  requestP50Ms: number | null;
  requestP95Ms: number | null;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** CPU the hub's own process was charged per accepted read: steady however busy the machine is. */
  hubCpuMsPerRead: number | null;
}

interface Phase {
  mode: LprIngestRow['mode'];
  perS: number;
  seconds: number;
}

const TICK_MS = 10;

/** The `lpr-ingest` section of `bench:pursuit`: a row per phase, and the best lossless rate. */
export async function measureLprIngest(options: { smoke: boolean }): Promise<BenchSection> {
  const measured = await measurePhases(options);
  const lossless = measured.filter((r) => r.lost === 0).map((r) => r.acceptedPerS);
  return {
    name: 'lprIngest',
    rows: measured.map((r) => [
      `LPR reads, ${r.mode === 'single' ? 'one per request' : 'batches of 50'}, ${r.offeredPerS}/s offered`,
      `${r.acceptedPerS}/s accepted, ${r.lost} lost; request p50 ${r.requestP50Ms} / p95 ${r.requestP95Ms} ms; hub loop p99 ${r.loopDelayP99Ms} / max ${r.loopDelayMaxMs} ms; hub CPU ${r.hubCpuMsPerRead} ms/read (aim ≥ 500/s without loss, loop ≤ 20 ms)`
    ]),
    result: { maxAcceptedPerSWithoutLoss: lossless.length ? Math.max(...lossless) : 0, phases: measured }
  };
}

async function measurePhases(options: { smoke: boolean }): Promise<LprIngestRow[]> {
  const phases: Phase[] = options.smoke
    ? [
        { mode: 'single', perS: 200, seconds: 2 },
        { mode: 'batch-50', perS: 500, seconds: 2 }
      ]
    : [
        { mode: 'single', perS: 250, seconds: 5 },
        { mode: 'single', perS: 500, seconds: 5 },
        { mode: 'single', perS: 1000, seconds: 5 },
        { mode: 'batch-50', perS: 500, seconds: 5 },
        { mode: 'batch-50', perS: 1000, seconds: 5 },
        { mode: 'batch-50', perS: 2000, seconds: 5 }
      ];
  const dataDir = mkdtempSync(join(tmpdir(), 'gth-bench-lpr-'));
  let hub: HubProcess | undefined;
  try {
    // The hub trusts the development LPR system of its data directory; made here first, shared.
    const system = await openDevLprSystem(dataDir, 'golden-time-hub');
    hub = await startHubProcess({ env: { GTH_DATA_DIR: dataDir, GTH_SIM_CAMERAS: '1', GTH_REGISTRY_SYNTHETIC: '0', GTH_WORKERS: '1' } });
    const cameras = demoLprCameras(DEMO_CITIES.seoul).map((c) => c.id);
    const rows: LprIngestRow[] = [];
    let seq = 0;
    const read = (): LprReadInput => ({
      readId: `b-${++seq}`,
      plate: `${10 + (seq % 90)}가${String(seq % 10_000).padStart(4, '0')}`,
      cameraId: cameras[seq % cameras.length]!,
      at: Date.now(),
      direction: (seq * 37) % 360,
      confidence: 0.9
    });
    // Not reported: the hub's code paths compile on the first requests.
    await runPhase(hub, await system.sign(), { mode: 'single', perS: 100, seconds: 1 }, read);
    for (const phase of phases) rows.push(await runPhase(hub, await system.sign(), phase, read));
    return rows;
  } finally {
    agent.destroy();
    await hub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runPhase(hub: HubProcess, token: string, phase: Phase, read: () => LprReadInput): Promise<LprIngestRow> {
  const perRequest = phase.mode === 'single' ? 1 : 50;
  const requests = Math.round((phase.perS * phase.seconds) / perRequest);
  const times: number[] = [];
  let accepted = 0;
  const post = async (body: unknown, count: number) => {
    const started = performance.now();
    try {
      const { status, answer } = await postJson(`${hub.url}/api/lpr/reads`, token, body);
      if (status === 201 && (answer as { accepted?: number }).accepted === count) accepted += count;
    } catch {
      // Counted as loss below.
    }
    times.push(performance.now() - started);
  };
  await hub.metrics(); // starts the hub's loop-delay window
  const hubCpu = () => treeCpuMs(hub.pid, (pid) => pid === hub.pid);
  const cpuBefore = hubCpu();
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // As many requests as are due by now: the pace holds even when a tick comes late.
      const due = Math.min(requests, Math.floor(((performance.now() - started) / 1000) * (phase.perS / perRequest)) + 1);
      for (; sent < due; sent++) inFlight.push(perRequest === 1 ? post(read(), 1) : post({ reads: Array.from({ length: perRequest }, read) }, perRequest));
      if (sent >= requests) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - started) / 1000;
  const cpuMs = hubCpu() - cpuBefore;
  const metrics = await hub.metrics();
  const offered = requests * perRequest;
  const stats = summary(times, 1);
  return {
    mode: phase.mode,
    offeredPerS: phase.perS,
    seconds: Math.round(elapsedS * 10) / 10,
    offered,
    accepted,
    lost: offered - accepted,
    acceptedPerS: Math.round(accepted / elapsedS),
    requestP50Ms: stats.p50,
    requestP95Ms: stats.p95,
    loopDelayP99Ms: metrics.get('gth_event_loop_delay_ms{quantile="0.99"}') ?? Number.NaN,
    loopDelayMaxMs: metrics.get('gth_event_loop_delay_ms{quantile="max"}') ?? Number.NaN,
    hubCpuMsPerRead: accepted > 0 ? Math.round((cpuMs / accepted) * 1000) / 1000 : null
  };
}

/** Kept-alive connections, as an LPR system's client keeps them: a TCP handshake per read would be measured instead. */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function postJson(url: string, token: string, body: unknown): Promise<{ status: number; answer: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, answer: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
