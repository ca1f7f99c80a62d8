/**
 * The ingest path on real components: a simulated RTSP camera → RtspClient → CameraStream
 * (PlainTransport + Producer on a real mediasoup worker) → a consumer on a plain transport →
 * a UDP socket in the test, which must receive the camera's H.264 including a keyframe.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import { CameraStream } from '../../media/camera-stream.ts';
import { Backoff } from '../../media/ingest/backoff.ts';
import { h264NalTypes, NAL_IDR, rtpPayload } from '../../media/ingest/h264.ts';
import { RtspClient } from '../../media/ingest/rtsp-client.ts';
import { CameraFarm } from '../../media/sim/camera-farm.ts';
import { WorkerPool } from '../../media/workers.ts';
import { createLogger } from '../../server/log.ts';

const log = createLogger('error');
let farm: CameraFarm;
let pool: WorkerPool;

before(async () => {
  farm = new CameraFarm();
  await farm.start([{ id: 'cam-a', name: '테스트 A', port: 0 }]);
  pool = await WorkerPool.create({ size: 1, rtcMinPort: 40000, rtcMaxPort: 49999, log, onWorkerDied: () => undefined });
});
after(async () => {
  pool?.close();
  await farm?.close();
});

test('the RTSP client negotiates the camera H.264 track over TCP interleaved', async () => {
  const client = new RtspClient(farm.url('cam-a'));
  const track = await client.start();
  assert.equal(track.codec, 'H264');
  assert.match(track.profileLevelId ?? '', /^(42|4d)/, 'baseline or main profile');
  const packet = await new Promise<Buffer>((resolve) => client.once('rtp', resolve));
  assert.equal(packet[0]! >> 6, 2, 'RTP version 2');
  client.close();
});

test('a consumer of the camera stream receives its RTP, starting with a requested keyframe', async () => {
  const { router } = pool.acquireRouter(1);
  const stream = new CameraStream({ cameraId: 'cam-a', source: farm.url('cam-a'), router, listenIp: '127.0.0.1', backoff: new Backoff({ initialMs: 200, maxMs: 1000, jitter: 0 }), log });
  try {
    const producer = await new Promise<ms.Producer>((resolve) => {
      stream.once('producer', resolve);
      void stream.start();
    });
    assert.equal(stream.state, 'live');

    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const out = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await out.connect({ ip: '127.0.0.1', port: receiver.address().port });
    const consumer = await out.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });

    let packets = 0;
    let keyframe = false;
    const payloadType = consumer.rtpParameters.codecs[0]!.payloadType;
    const gotKeyframe = new Promise<void>((resolve) => {
      receiver.on('message', (msg) => {
        if ((msg[1]! & 0x7f) !== payloadType) return;
        packets++;
        if (h264NalTypes(rtpPayload(msg)).includes(NAL_IDR) && !keyframe) {
          keyframe = true;
          resolve();
        }
      });
    });
    await consumer.resume();
    await gotKeyframe;
    assert.ok(packets > 0);
    assert.ok(keyframe, 'an IDR frame reached the consumer');
    receiver.close();
    out.close();
  } finally {
    stream.close();
  }
});

test('a stopped camera turns the stream offline and a restart brings a new producer', async () => {
  const { router } = pool.acquireRouter(1);
  const stream = new CameraStream({ cameraId: 'cam-a', source: farm.url('cam-a'), router, listenIp: '127.0.0.1', backoff: new Backoff({ initialMs: 200, maxMs: 500, jitter: 0 }), log });
  try {
    const first = await new Promise<ms.Producer>((resolve) => {
      stream.once('producer', resolve);
      void stream.start();
    });
    const offline = new Promise<void>((resolve) => stream.on('state', (s) => s === 'offline' && resolve()));
    await farm.stop('cam-a');
    await offline;
    assert.equal(first.closed, true, 'the old producer closed with the RTSP session');
    const second = new Promise<ms.Producer>((resolve) => stream.once('producer', resolve));
    await farm.restart('cam-a');
    const next = await second;
    assert.notEqual(next.id, first.id);
    assert.ok(stream.sessions >= 2);
  } finally {
    stream.close();
  }
});

test('a camera whose RTP stops while its session stays up is reported stalled, and live again when RTP returns', async () => {
  const { router } = pool.acquireRouter(1);
  const stream = new CameraStream({ cameraId: 'cam-a', source: farm.url('cam-a'), router, listenIp: '127.0.0.1', backoff: new Backoff({ initialMs: 200, maxMs: 500, jitter: 0 }), log, stallAfterMs: 500 });
  try {
    const producer = await new Promise<ms.Producer>((resolve) => {
      stream.once('producer', resolve);
      void stream.start();
    });
    const states: string[] = [];
    stream.on('state', (state) => states.push(state));
    const stalled = new Promise<void>((resolve) => stream.on('state', (s) => s === 'stalled' && resolve()));
    const stall = farm.stall('cam-a', 1_500);
    await stalled;
    await stall;
    const live = new Promise<void>((resolve) => stream.on('state', (s) => s === 'live' && resolve()));
    await live;
    assert.deepEqual(states, ['stalled', 'live']);
    assert.equal(stream.producer, producer, 'the same producer: a stall is not a new RTP session');
    assert.equal(stream.sessions, 1);
  } finally {
    stream.close();
  }
});

test('with a fast phase, a dropped camera stays reconnecting (no countdown) through its fast retries and is live again when it comes back', async () => {
  const { router } = pool.acquireRouter(1);
  const backoff = new Backoff({ initialMs: 5_000, maxMs: 5_000, jitter: 0, fastMs: 200, fastForMs: 60_000 });
  const stream = new CameraStream({ cameraId: 'cam-a', source: farm.url('cam-a'), router, listenIp: '127.0.0.1', backoff, log });
  try {
    await new Promise<ms.Producer>((resolve) => {
      stream.once('producer', resolve);
      void stream.start();
    });
    const changes: Array<{ state: string; retryAt: number | undefined }> = [];
    stream.on('state', (state, retryAt) => changes.push({ state, retryAt }));
    await farm.stop('cam-a');
    // Several fast attempts fail against the closed port meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(changes, [{ state: 'reconnecting', retryAt: undefined }], 'one steady state, however many attempts');
    const back = new Promise<ms.Producer>((resolve) => stream.once('producer', resolve));
    await farm.restart('cam-a');
    await back;
    assert.deepEqual(changes.map((c) => c.state), ['reconnecting', 'live']);
  } finally {
    stream.close();
  }
});
