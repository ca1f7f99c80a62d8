/**
 * `npm run bench:transcode`: what the transcode path costs per camera. For each camera kind
 * that needs it (H.265 Main, H.264 with B-frames, and a Main camera for a baseline-only browser),
 * a simulated 640×360@15 camera is pulled by the hub's own CameraStream on a real mediasoup
 * worker, a transcode lease starts its GStreamer process, and a consumer on a plain transport
 * receives the re-encoded stream, as a viewer's would. Over the measuring window it reports:
 *
 * - frames in/out per second (the camera's and the transcode's);
 * - added delay: a frame's last packet into the transcoder → its re-encoded last packet out
 *   (median and p95 over the last 90 frames; the e2e test `tests/e2e/codecs.test.ts` prints the
 *   glass-to-glass delay of both paths in Chromium);
 * - CPU of the transcoder process, % of one core (kernel-charged time, so a busy machine does
 *   not inflate it).
 *
 *   node scripts/in-netns.mjs node --import tsx tests/bench/transcode.bench.ts [--seconds 20] [--smoke]
 *
 * Prints a table, then one JSON line.
 */
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';
import type { types as ms } from 'mediasoup';
import { CameraStream } from '../../media/camera-stream.ts';
import { Backoff } from '../../media/ingest/backoff.ts';
import { CameraFarm, type SimCodec } from '../../media/sim/camera-farm.ts';
import { WorkerPool } from '../../media/workers.ts';
import { createLogger } from '../../server/log.ts';
import { treeCpuMs } from '../support/cpu.ts';
import { round } from './stats.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, smoke: { type: 'boolean', default: false } } });
const smoke = values.smoke;
const seconds = smoke ? 3 : Number(values.seconds);
const warmupMs = smoke ? 1_000 : 3_000;
const KINDS: readonly SimCodec[] = smoke ? ['h265'] : ['h265', 'h264-bframes', 'h264-main'];

interface Row {
  kind: SimCodec;
  fpsIn: number | null;
  fpsOut: number | null;
  delayP50Ms: number | null;
  delayP95Ms: number | null;
  cpuPercent: number | null;
  packetsOut: number;
}

const log = createLogger('error');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(kind: SimCodec, farm: CameraFarm, pool: WorkerPool): Promise<Row> {
  const id = `bench-${kind}`;
  await farm.start([{ id, name: id, port: 0, codec: kind }]);
  const { router, release } = pool.acquireRouter(1);
  const stream = new CameraStream({ cameraId: id, source: farm.url(id), router, listenIp: '127.0.0.1', backoff: new Backoff({ initialMs: 200, maxMs: 1000, jitter: 0 }), log });
  const receiver = createSocket('udp4');
  let out: ms.PlainTransport | undefined;
  try {
    const live = new Promise<void>((resolve) => stream.on('state', (state) => state === 'live' && resolve()));
    await stream.start();
    await live;
    const lease = stream.acquireTranscode();
    let producer: ms.Producer | undefined;
    for (let tries = 0; !producer && tries < 100; tries++) {
      producer = await stream.producerOn(router, 'transcode');
      if (!producer) await sleep(100);
    }
    if (!producer) throw new Error(`${kind}: no transcode producer`);
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    out = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await out.connect({ ip: '127.0.0.1', port: receiver.address().port });
    const consumer = await out.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
    let packetsOut = 0;
    receiver.on('message', () => packetsOut++);
    await consumer.resume();
    await sleep(warmupMs);

    const start = stream.transcoderStats!;
    const cpuStart = treeCpuMs(start.pid!);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const end = stream.transcoderStats!;
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = end.pid === start.pid ? ((treeCpuMs(end.pid!) - cpuStart) / (elapsedS * 1000)) * 100 : null;
    lease.release();
    return {
      kind,
      fpsIn: round((end.framesIn - start.framesIn) / elapsedS),
      fpsOut: round((end.framesOut - start.framesOut) / elapsedS),
      delayP50Ms: round(end.delayMs),
      delayP95Ms: round(end.delayP95Ms),
      cpuPercent: round(cpu),
      packetsOut
    };
  } finally {
    out?.close();
    receiver.close();
    stream.close();
    release();
    await farm.stop(id);
  }
}

const farm = new CameraFarm();
const pool = await WorkerPool.create({ size: 1, rtcMinPort: 40000, rtcMaxPort: 49999, log, onWorkerDied: () => undefined });
const rows: Row[] = [];
try {
  for (const kind of KINDS) rows.push(await measure(kind, farm, pool));
} finally {
  pool.close();
  await farm.close();
}

console.log(`transcode to constrained-baseline H.264, 640×360@15, ${seconds} s per camera${smoke ? ' (smoke)' : ''}`);
console.log('kind           fps in  fps out  added delay p50 / p95 ms  transcoder CPU % of a core');
for (const r of rows) {
  console.log(`${r.kind.padEnd(14)} ${String(r.fpsIn).padStart(6)}  ${String(r.fpsOut).padStart(7)}  ${`${r.delayP50Ms} / ${r.delayP95Ms}`.padStart(24)}  ${String(r.cpuPercent).padStart(26)}`);
}
console.log(JSON.stringify({ bench: 'transcode', seconds, smoke, rows }));
