/**
 * RTSP over UDP straight into mediasoup, on real components: simulated RTSP cameras (one that
 * obeys keyframe requests, one deaf to them, both with a long GOP), a real mediasoup worker,
 * and CameraStream over UDP and over TCP. Checks that no RTP is forwarded by JavaScript over
 * UDP, that a keyframe request (PLI) reaches the camera on both transports, that an ingest
 * whose UDP never arrives falls back to TCP, that the keyframe tap holds a whole, decodable
 * keyframe of a camera that ignores keyframe requests, and that over UDP the tap reads keyframes
 * only: an obedient camera's when a still is wanted, a deaf camera's each IDR.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import { CameraStream, type IngestTransport } from '../../media/camera-stream.ts';
import { Backoff } from '../../media/ingest/backoff.ts';
import { CameraFarm } from '../../media/sim/camera-farm.ts';
import { WorkerPool } from '../../media/workers.ts';
import { createLogger } from '../../server/log.ts';
import { waitUntil } from '../support/wait.ts';

const log = createLogger('error');
/** 10 s at 15 fps: any IDR inside a few seconds of the first one was asked for. */
const LONG_GOP = 150;
const LONG_GOP_MS = (LONG_GOP / 15) * 1000;
let farm: CameraFarm;
let pool: WorkerPool;
let router: ms.Router;

before(async () => {
  farm = new CameraFarm();
  await farm.start([
    { id: 'obeys', name: '키프레임 요청 응답', port: 0, keyframes: { gopFrames: LONG_GOP } },
    { id: 'deaf', name: '키프레임 요청 무시', port: 0, keyframes: { gopFrames: LONG_GOP, ignoreRequests: true } }
  ]);
  pool = await WorkerPool.create({ size: 1, rtcMinPort: 40000, rtcMaxPort: 49999, log, onWorkerDied: () => undefined });
  router = pool.acquireRouter(1).router;
});
after(async () => {
  pool?.close();
  await farm?.close();
});

function openStream(source: string, transport: IngestTransport, extra: { udpFallbackMs?: number } = {}): CameraStream {
  return new CameraStream({ cameraId: 'test', source, router, listenIp: '127.0.0.1', backoff: new Backoff({ initialMs: 200, maxMs: 500, jitter: 0 }), log, transport, ...extra });
}

async function live(stream: CameraStream): Promise<ms.Producer> {
  const producer = new Promise<ms.Producer>((resolve) => stream.once('producer', resolve));
  void stream.start();
  return producer;
}

async function bytesIn(producer: ms.Producer): Promise<number> {
  return (await producer.getStats()).reduce((sum, stat) => sum + stat.byteCount, 0);
}

async function packetsIn(producer: ms.Producer): Promise<number> {
  return (await producer.getStats()).reduce((sum, stat) => sum + stat.packetCount, 0);
}

/** Counts the keyframes a Producer receives (mediasoup's own trace: one event per keyframe start). */
async function countKeyframes(producer: ms.Producer): Promise<{ count: number }> {
  const counter = { count: 0 };
  producer.on('trace', (trace) => {
    if (trace.type === 'keyframe') counter.count++;
  });
  await producer.enableTraceEvent(['keyframe']);
  return counter;
}

test('over UDP the camera sends straight to the worker: frames reach a consumer and Node forwards no RTP packet', async () => {
  const stream = openStream(farm.url('obeys'), 'udp');
  try {
    const producer = await live(stream);
    const consumerTransport = await router.createDirectTransport();
    const consumer = await consumerTransport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    let received = 0;
    consumer.on('rtp', () => received++);
    await waitUntil(() => received >= 30, 5_000, '30 RTP packets at a consumer');
    assert.equal(stream.transport, 'udp');
    assert.equal(stream.counters.rtpRelayed, 0, 'no RTP packet forwarded by JavaScript');
    assert.ok((await bytesIn(producer)) > 10_000, 'the worker received the camera stream itself');
    consumerTransport.close();
  } finally {
    stream.close();
  }
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`a keyframe request reaches the camera over ${transport.toUpperCase()} (and a deaf camera's stream shows it would not pass by chance)`, async () => {
    const obeys = openStream(farm.url('obeys'), transport);
    const deaf = openStream(farm.url('deaf'), transport);
    try {
      const producers = await Promise.all([live(obeys), live(deaf)]);
      const [obeyed, ignored] = await Promise.all(producers.map(countKeyframes));
      // A deaf camera whose shared RTSP media is already running sends its next IDR only on its GOP.
      await waitUntil(() => obeys.counters.keyframes > 0 && deaf.counters.keyframes > 0, LONG_GOP_MS + 5_000, 'the first keyframes');
      // mediasoup waits up to a second for the answer to a keyframe request before sending another: let the tap's pass.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const before = [obeyed!.count, ignored!.count];
      const viewers = await Promise.all(
        producers.map(async (producer) => {
          const viewer = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
          await viewer.connect({ ip: '127.0.0.1', port: 9 });
          await viewer.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
          return viewer;
        })
      );
      await waitUntil(() => obeyed!.count > before[0]!, 2_000, 'a keyframe answering the new consumer’s PLI');
      assert.equal(ignored!.count, before[1], 'the deaf camera kept its 10 s GOP');
      assert.equal(obeys.transport, transport);
      for (const viewer of viewers) viewer.close();
    } finally {
      obeys.close();
      deaf.close();
    }
  });
}

/** An RTSP proxy that rewrites SETUP's client ports to a dead one: UDP packets never arrive (a firewall). */
async function udpBlackhole(target: URL): Promise<{ url: string; server: Server }> {
  const server = createServer((downstream) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    downstream.on('data', (chunk) => upstream.write(chunk.toString('latin1').replace(/client_port=\d+-\d+/g, 'client_port=9-9'), 'latin1'));
    upstream.pipe(downstream);
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return { url: `rtsp://127.0.0.1:${address.port}${target.pathname}`, server };
}

test('an ingest whose UDP gets no packets falls back to TCP and plays', async () => {
  const proxy = await udpBlackhole(new URL(farm.url('obeys')));
  const stream = openStream(proxy.url, 'udp', { udpFallbackMs: 800 });
  try {
    await live(stream);
    assert.equal(stream.counters.rtpTapped, 0, 'nothing came over UDP');
    const second = await new Promise<ms.Producer>((resolve) => stream.once('producer', resolve));
    assert.equal(stream.transport, 'tcp');
    await waitUntil(() => stream.counters.rtpRelayed > 30, 5_000, 'RTP relayed over TCP');
    assert.ok((await bytesIn(second)) > 0);
    assert.ok(stream.sessions >= 2);
  } finally {
    stream.close();
    proxy.server.close();
  }
});

/** Decodes an Annex-B H.264 access unit with ffmpeg; resolves with the raw I420 frame. */
function decode(annexB: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${code}: ${stderr}`))));
    child.stdin.end(annexB);
  });
}

for (const transport of ['udp', 'tcp'] as const) {
  test(`over ${transport.toUpperCase()} the tap keeps a whole keyframe of a camera deaf to keyframe requests`, async () => {
    const stream = openStream(farm.url('deaf'), transport);
    try {
      await live(stream);
      await waitUntil(() => stream.keyframe !== undefined, LONG_GOP_MS + 5_000, 'a keyframe');
      const keyframe = stream.keyframe!;
      assert.match(keyframe.codec, /^avc1\.42[0-9a-f]{4}$/, 'constrained baseline, from the SPS');
      assert.deepEqual([...keyframe.data.subarray(0, 4)], [0, 0, 0, 1], 'Annex B');
      const nalTypes = keyframe.data.toString('hex').split('00000001').filter(Boolean).map((nal) => Number.parseInt(nal.slice(0, 2), 16) & 0x1f);
      for (const type of [7, 8, 5]) assert.ok(nalTypes.includes(type), `NAL type ${type} in ${nalTypes.join(',')}`);
      assert.ok(nalTypes.indexOf(7) < nalTypes.indexOf(5) && nalTypes.indexOf(8) < nalTypes.indexOf(5), 'parameter sets before the slice');
      assert.ok(Date.now() - keyframe.capturedAt < 10_000);
      const frame = await decode(keyframe.data);
      assert.equal(frame.length, (640 * 360 * 3) / 2, 'one whole 640×360 picture decodes from it alone');
      if (transport === 'udp') assert.equal(stream.counters.rtpRelayed, 0);
    } finally {
      stream.close();
    }
  });
}

test('over UDP the tap reads keyframes only: an obedient camera is asked for one when a still is wanted, a deaf one has each IDR read', async () => {
  const obeys = openStream(farm.url('obeys'), 'udp');
  const deaf = openStream(farm.url('deaf'), 'udp');
  try {
    const [obeyer, ignorer] = await Promise.all([live(obeys), live(deaf)]);
    await waitUntil(() => obeys.hearing === 'obeys', 5_000, 'the obedient camera answers the tap’s request');
    // The deaf camera's first IDR may be a GOP away; the request after it goes unanswered.
    await waitUntil(() => deaf.hearing === 'deaf', LONG_GOP_MS + 5_000, 'the deaf camera is found deaf');

    // Obedient: the tap rests while video flows into the worker.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const [tapped, flowing] = [obeys.counters.rtpTapped, await packetsIn(obeyer)];
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.ok((await packetsIn(obeyer)) - flowing > 50, 'the camera kept sending');
    assert.equal(obeys.counters.rtpTapped, tapped, 'no packet of an obedient camera read in Node while no still is wanted');
    // A still wanted: the camera is asked, and the keyframe handed out is its answer.
    const held = obeys.keyframe!;
    const asked = Date.now();
    const fresh = await obeys.freshKeyframe();
    assert.ok(fresh && fresh !== held && fresh.capturedAt >= asked, 'a keyframe taken after the ask');
    assert.equal(obeys.hearing, 'obeys');

    // Deaf: from one IDR to the next, Node reads that IDR's packets and (almost) nothing else.
    const keyframes = deaf.counters.keyframes;
    const [deafTapped, deafFlowing] = [deaf.counters.rtpTapped, await packetsIn(ignorer)];
    await waitUntil(() => deaf.counters.keyframes > keyframes, LONG_GOP_MS + 2_000, 'the deaf camera’s next IDR');
    const read = deaf.counters.rtpTapped - deafTapped;
    const sent = (await packetsIn(ignorer)) - deafFlowing;
    assert.ok(read > 0 && read * 4 < sent, `Node read ${read} of the ${sent} packets of a GOP`);
    assert.ok(Date.now() - deaf.keyframe!.capturedAt < 1_000, 'and holds the new IDR');
    assert.equal(await deaf.freshKeyframe(), deaf.keyframe, 'a deaf camera’s still is the held IDR, at once');
    process.stdout.write(`# figure deaf camera, packets read in Node per GOP: ${read} of ${sent}\n`);
  } finally {
    obeys.close();
    deaf.close();
  }
});
