/**
 * WorkerPool on real mediasoup workers: one worker at start, work packed onto it (a camera and
 * its viewer share a router, no pipe), the next worker started only when the first is nearly
 * full, never more than `size`, and every worker — one still starting too — closed with the pool.
 * Consumers made with `forwardingCapabilities` give their transport no congestion controller.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { createLogger } from '../server/log.ts';
import { forwardingCapabilities, WorkerPool } from './workers.ts';

const log = createLogger('error');
const options = { rtcMinPort: 40000, rtcMaxPort: 49999, log, onWorkerDied: () => undefined };

/** Every worker mediasoup starts while `run` runs. */
async function watchWorkers<T>(run: (started: ms.Worker[]) => Promise<T>): Promise<T> {
  const started: ms.Worker[] = [];
  const onWorker = (worker: ms.Worker) => started.push(worker);
  mediasoup.observer.on('newworker', onWorker);
  try {
    return await run(started);
  } finally {
    mediasoup.observer.off('newworker', onWorker);
  }
}

test('an idle pool runs one worker; work is packed onto it until it is nearly full', async () => {
  await watchWorkers(async (started) => {
    const pool = await WorkerPool.create({ ...options, size: 2, packLoad: 8 });
    try {
      assert.equal(pool.workers, 1);
      const viewer = pool.acquireRouter(1);
      const ingest = pool.acquireRouter(4);
      assert.equal(ingest.router, viewer.router, 'a camera and its viewer share a router');
      await pool.settled();
      assert.equal(pool.workers, 1, 'no second worker below 3/4 of packLoad');
      assert.equal(started.length, 1);

      pool.acquireRouter(1); // load 6 of 8: the next worker starts in the background.
      await pool.settled();
      assert.equal(pool.workers, 2);
      const overflow = pool.acquireRouter(4);
      assert.notEqual(overflow.router, viewer.router, 'work that does not fit goes to the new worker');

      ingest.release();
      const next = pool.acquireRouter(1);
      assert.equal(next.router, viewer.router, 'the first worker takes work again once it has room');
      pool.acquireRouter(8);
      pool.acquireRouter(8);
      await pool.settled();
      assert.equal(pool.workers, 2, 'never more than size');
    } finally {
      pool.close();
    }
    assert.ok(started.every((worker) => worker.closed), 'close() closed every worker');
  });
});

test('a worker still starting when the pool closes is closed when it arrives', async () => {
  await watchWorkers(async (started) => {
    const pool = await WorkerPool.create({ ...options, size: 2, packLoad: 4 });
    pool.acquireRouter(4); // Full: the second worker starts.
    pool.close();
    await pool.settled();
    assert.equal(started.length, 2);
    assert.ok(started.every((worker) => worker.closed));
    assert.throws(() => pool.acquireRouter(1), /closed/);
  });
});

test('a consumer made with forwardingCapabilities keeps NACK, PLI and FIR and gives its transport no congestion controller', async () => {
  const pool = await WorkerPool.create({ ...options, size: 1 });
  try {
    const { router } = pool.acquireRouter(1);
    const camera = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
    const producer = await camera.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/H264', payloadType: 96, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' }, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
        encodings: [{ ssrc: 1111 }]
      }
    });
    // The router's own capabilities offer everything a browser does: transport-cc, REMB and abs-send-time.
    const offered = router.rtpCapabilities;
    const consumeOn = async (caps: ms.RtpCapabilities) => {
      const transport = await router.createDirectTransport();
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps });
      const [stats] = await transport.getStats();
      return { consumer, controlled: stats?.availableOutgoingBitrate !== undefined };
    };

    const plain = await consumeOn(offered);
    assert.ok(plain.controlled, 'with the offered capabilities the transport estimates bandwidth (a pacer waking every 5 ms)');

    const forwarded = await consumeOn(forwardingCapabilities(offered));
    assert.equal(forwarded.controlled, false, 'no congestion controller');
    const uris = forwarded.consumer.rtpParameters.headerExtensions?.map((ext) => ext.uri) ?? [];
    assert.ok(!uris.some((uri) => /transport-wide-cc|abs-send-time/.test(uri)), `no estimation header extension: ${uris.join(' ')}`);
    const feedback = forwarded.consumer.rtpParameters.codecs[0]!.rtcpFeedback?.map((fb) => `${fb.type} ${fb.parameter ?? ''}`.trim());
    assert.deepEqual(feedback, ['nack', 'nack pli', 'ccm fir'], 'keyframe requests and retransmissions stay');
  } finally {
    pool.close();
  }
});
