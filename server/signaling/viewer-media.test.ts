/**
 * ViewerMedia on real components: a mediasoup worker and a simulated RTSP camera. It owns the
 * transport, the consumers and the leases; close() ends them all, and a picture that ends by
 * itself goes through its owner (feedEnded), which ends it with end().
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import { CameraStreams } from '../../media/camera-streams.ts';
import { Backoff } from '../../media/ingest/backoff.ts';
import { CameraFarm } from '../../media/sim/camera-farm.ts';
import { WorkerPool } from '../../media/workers.ts';
import { createLogger } from '../log.ts';
import type { WireError } from '../protocol/errors.ts';
import type { ConsumerClosedEvent, ConsumerOptions } from '../protocol/events.ts';
import { ViewerMedia, type Send } from './viewer-media.ts';

const log = createLogger('error');
let farm: CameraFarm;
let pool: WorkerPool;
let streams: CameraStreams;
let camera: { id: string; source: string };

before(async () => {
  farm = new CameraFarm();
  await farm.start([{ id: 'cam-a', name: '테스트 A', port: 0 }]);
  pool = await WorkerPool.create({ size: 1, rtcMinPort: 40000, rtcMaxPort: 49999, log, onWorkerDied: () => undefined });
  streams = new CameraStreams({ pool, listenIp: '127.0.0.1', idleGraceMs: 10, backoff: new Backoff({ initialMs: 200, maxMs: 1000, jitter: 0 }), log });
  camera = { id: 'cam-a', source: farm.url('cam-a') };
});
after(async () => {
  streams?.close();
  pool?.close();
  await farm?.close();
});

/** A ViewerMedia whose pushes are collected, and the transports and consumers it makes on the router. */
function viewerMedia(feedEnded: (media: ViewerMedia, cameraId: string, reason: WireError) => void) {
  const consumers: ConsumerOptions[] = [];
  const closed: ConsumerClosedEvent[] = [];
  const made = { transports: [] as ms.WebRtcTransport[], consumers: [] as ms.Consumer[] };
  const send: Send = (event, ...args) => {
    if (event === 'camera:consumer') consumers.push(args[0] as ConsumerOptions);
    if (event === 'consumer:closed') closed.push(args[0] as ConsumerClosedEvent);
  };
  const media: ViewerMedia = new ViewerMedia({
    streams,
    pool,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    subject: 'test:viewer',
    log,
    send,
    feedEnded: (cameraId, reason) => feedEnded(media, cameraId, reason)
  });
  const { router, release } = pool.acquireRouter(0);
  release();
  // The camera's ingest has transports of its own on the same router: only the viewer's count.
  router.observer.on('newtransport', (transport) => {
    if (transport.appData.subject !== 'test:viewer') return;
    made.transports.push(transport as ms.WebRtcTransport);
    transport.observer.on('newconsumer', (consumer) => made.consumers.push(consumer));
  });
  return { media, consumers, closed, made, router };
}

async function until(what: string, ready: () => boolean, ms = 10_000): Promise<void> {
  const by = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > by) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('close() ends the consumer, the transport and the camera stream it leased', async () => {
  const { media, consumers, closed, made, router } = viewerMedia(() => assert.fail('no picture ends by itself here'));
  const capabilities = media.join().routerRtpCapabilities;
  await media.createTransport();
  assert.equal(made.transports.length, 1);
  media.open(camera, capabilities as ms.RtpCapabilities);
  await until('the consumer', () => consumers.length === 1);
  assert.equal(media.consumerCount, 1);
  assert.equal(media.stateOf(camera.id), 'live');
  await media.resume({ consumerId: consumers[0]!.id });

  const streamClosed = once(streams.observer, 'stream:close');
  media.close();
  assert.ok(made.transports[0]!.closed, 'the transport is closed');
  assert.equal(made.consumers.length, 1);
  assert.ok(made.consumers[0]!.closed, 'the consumer is closed');
  assert.equal(media.consumerCount, 0);
  assert.deepEqual(closed, [], 'closing says nothing to the tiles (the owner does)');
  await streamClosed;
  assert.equal(streams.running, 0, 'the camera stream, leased by nobody else, stops');
  assert.equal(router.closed, false, 'the router is the pool’s: only the lease ends');
});

test('a picture the browser cannot take ends through its owner, and end() tells the tile why', async () => {
  const ended: Array<{ cameraId: string; reason: WireError }> = [];
  const { media, consumers, closed } = viewerMedia((owner, cameraId, reason) => {
    ended.push({ cameraId, reason });
    owner.end(cameraId, reason);
  });
  media.join();
  await media.createTransport();
  // No H.264 offered: neither the camera's own stream nor the transcode can be consumed.
  media.open(camera, { codecs: [] });
  await until('the feed to end', () => ended.length === 1);
  assert.equal(ended[0]!.cameraId, camera.id);
  assert.equal(ended[0]!.reason.code, 'CODEC_UNSUPPORTED');
  assert.deepEqual(
    closed.map((event) => [event.cameraId, event.reason.code]),
    [[camera.id, 'CODEC_UNSUPPORTED']]
  );
  assert.equal(consumers.length, 0);
  assert.equal(media.stateOf(camera.id), 'idle', 'the feed is gone');
  media.end(camera.id, { code: 'INTERNAL', message: 'twice' });
  assert.equal(closed.length, 1, 'end() of an ended feed does nothing');
  media.close();
});
