/**
 * Codec negotiation per camera and viewer, on real components: simulated cameras of each kind
 * (Main, High, High with B-frames, H.265 Main, H.265 Main 10) pulled by a real hub, watched by
 * socket clients whose receive capabilities are Chromium's (H.264 constrained baseline and
 * Main), a baseline-only browser's, or one without H.264.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import type { CameraStream } from '../../media/camera-stream.ts';
import type { ConsumerOptions } from '../../server/protocol/events.ts';
import { alive } from '../support/processes.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub } from '../support/hub.ts';
import { waitUntil } from '../support/wait.ts';

const KINDS = ['h264-main', 'h264-high', 'h264-bframes', 'h265', 'h265-main10'] as const;
let hub: TestHub;
const cameraOf = (kind: (typeof KINDS)[number]) => hub.cameras[KINDS.indexOf(kind)]!;
const streamOf = (kind: (typeof KINDS)[number]): CameraStream => {
  const stream = hub.hub.streams.get(cameraOf(kind));
  assert.ok(stream, `${kind} is being pulled`);
  return stream;
};

before(async () => {
  hub = await startTestHub({ cameras: KINDS.length, codecs: KINDS });
});
after(async () => {
  await hub?.close();
});

/** A viewer whose browser receives `keep` of the router's codecs (all by default: as Chromium). */
async function viewer(keep: (codec: ms.RtpCodecCapability) => boolean = () => true): Promise<{ socket: HubClient; caps: ms.RtpCapabilities }> {
  const socket = await hub.client(await hub.token('fire'));
  const router = await joined(socket);
  return { socket, caps: { ...router, codecs: (router.codecs ?? []).filter(keep) } };
}

const baselineOnly = (codec: ms.RtpCodecCapability) => codec.mimeType !== 'video/H264' || codec.parameters?.['profile-level-id'] === '42e01f';

async function watchForConsumer(socket: HubClient, caps: ms.RtpCapabilities, cameraId: string): Promise<ConsumerOptions> {
  const consumer = nextEvent(socket, 'camera:consumer', (event) => event.cameraId === cameraId);
  const answer = await request(socket, 'camera:watch', { cameraId, rtpCapabilities: caps });
  assert.ok(answer.ok, JSON.stringify(answer));
  const [event] = await consumer;
  return event;
}

/** Bytes the producer of `path` has received from its source so far. */
async function producerBytes(stream: CameraStream, producerId: string): Promise<number> {
  const producer = stream.producer?.id === producerId ? stream.producer : await stream.producerOn(stream.router, 'transcode');
  assert.equal(producer?.id, producerId);
  const stats = await producer!.getStats();
  return stats.reduce((sum, s) => sum + s.byteCount, 0);
}

test('High and Main H.264 pass through to a Chromium viewer under a profile it accepts (High as 42e01f, Main as 4d001f)', async () => {
  const { socket, caps } = await viewer();
  for (const [kind, profile, label] of [
    ['h264-high', '42e01f', 'H.264 High'],
    ['h264-main', '4d001f', 'H.264 Main']
  ] as const) {
    const consumer = await watchForConsumer(socket, caps, cameraOf(kind).id);
    assert.equal(consumer.path, 'passthrough', kind);
    assert.equal(consumer.rtpParameters.codecs[0]?.parameters?.['profile-level-id'], profile, kind);
    const stream = streamOf(kind);
    assert.equal(stream.plan?.codec.label, label);
    assert.equal(stream.transcoderStats, undefined, `${kind}: no transcode runs`);
    const deadline = Date.now() + 10_000;
    while ((await producerBytes(stream, consumer.producerId)) < 10_000) {
      assert.ok(Date.now() < deadline, `${kind}: the producer receives the camera's RTP`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  socket.disconnect();
});

test('a Main camera reaches a baseline-only browser through one shared transcode, which closes with its last viewer', async () => {
  const first = await viewer(baselineOnly);
  const second = await viewer(baselineOnly);
  const camera = cameraOf('h264-main');
  const a = await watchForConsumer(first.socket, first.caps, camera.id);
  const b = await watchForConsumer(second.socket, second.caps, camera.id);
  assert.equal(a.path, 'transcode');
  assert.equal(b.path, 'transcode');
  assert.equal(a.producerId, b.producerId, 'one transcode, shared');
  assert.equal(a.rtpParameters.codecs[0]?.parameters?.['profile-level-id'], '42e01f');
  const stream = streamOf('h264-main');
  const pid = stream.transcoderStats?.pid;
  assert.ok(pid && alive(pid), 'the transcoder runs');
  await waitUntil(() => (stream.transcoderStats?.framesOut ?? 0) > 15, 15_000, 'transcoded frames');

  assert.ok((await request(first.socket, 'camera:unwatch', { cameraId: camera.id })).ok);
  assert.equal(stream.transcoderStats?.pid, pid, 'still running for the second viewer');
  assert.ok((await request(second.socket, 'camera:unwatch', { cameraId: camera.id })).ok);
  assert.equal(stream.transcoderStats, undefined, 'closed with its last viewer');
  await waitUntil(() => !alive(pid), 5_000, 'transcoder exit');
  first.socket.disconnect();
  second.socket.disconnect();
});

test('H.264 with B-frames and H.265 Main play through the transcode as constrained baseline', async () => {
  const { socket, caps } = await viewer();
  for (const [kind, label] of [
    ['h264-bframes', 'H.264 High'],
    ['h265', 'H.265 Main']
  ] as const) {
    const consumer = await watchForConsumer(socket, caps, cameraOf(kind).id);
    assert.equal(consumer.path, 'transcode', kind);
    assert.equal(consumer.rtpParameters.codecs[0]?.parameters?.['profile-level-id'], '42e01f', kind);
    const stream = streamOf(kind);
    assert.equal(stream.plan?.path, 'transcode');
    assert.equal(stream.plan?.codec.label, label);
    await waitUntil(() => (stream.transcoderStats?.framesOut ?? 0) > 15, 15_000, `${kind} transcoded frames`);
    const stats = stream.transcoderStats!;
    console.log(`${kind}: transcode added ${stats.delayMs?.toFixed(1)} ms (median, frame in → frame out), ${stats.framesIn} in / ${stats.framesOut} out`);
  }
  socket.disconnect();
});

test('a transcode that dies while viewers need it is started again, and they get its new picture', async () => {
  const { socket, caps } = await viewer();
  const camera = cameraOf('h265');
  const first = await watchForConsumer(socket, caps, camera.id);
  assert.equal(first.path, 'transcode');
  const pid = streamOf('h265').transcoderStats?.pid;
  assert.ok(pid);
  const closed = nextEvent(socket, 'consumer:closed', (event) => event.consumerId === first.id);
  const next = nextEvent(socket, 'camera:consumer', (event) => event.cameraId === camera.id && event.id !== first.id);
  process.kill(pid, 'SIGKILL');
  await closed;
  const [again] = await next;
  assert.equal(again.path, 'transcode');
  assert.notEqual(again.producerId, first.producerId);
  assert.notEqual(streamOf('h265').transcoderStats?.pid, pid);
  socket.disconnect();
});

test('an H.265 Main 10 camera is a typed CODEC_UNSUPPORTED naming the codec: not offline, not retried', async () => {
  const { socket, caps } = await viewer();
  const camera = cameraOf('h265-main10');
  const states: string[] = [];
  socket.on('camera:state', (event) => event.cameraId === camera.id && states.push(event.state));
  const closed = nextEvent(socket, 'consumer:closed', (event) => event.cameraId === camera.id);
  const answer = await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps });
  assert.ok(answer.ok, JSON.stringify(answer));
  const [event] = await closed;
  assert.equal(event.reason.code, 'CODEC_UNSUPPORTED');
  assert.equal(event.reason.codec, 'H.265 Main 10');
  assert.match(event.reason.message, /H\.265 Main 10/);
  assert.deepEqual(states, ['unsupported']);
  assert.equal(streamOf('h265-main10').sessions, 0, 'no session was played');

  // Asked again while the ingest is still known: refused at once, with the codec.
  const again = await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps });
  assert.equal(again.ok, false);
  assert.equal(!again.ok && again.error.code, 'CODEC_UNSUPPORTED');
  assert.equal(!again.ok && again.error.codec, 'H.265 Main 10');

  // The test hub retries an outage within 1 s: none follows.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assert.deepEqual(states, ['unsupported'], 'no reconnecting, no offline');
  socket.disconnect();
});

test('a browser without H.264 gets CODEC_UNSUPPORTED naming the browser, and starts no transcode', async () => {
  const { socket, caps } = await viewer((codec) => codec.mimeType !== 'video/H264');
  const camera = cameraOf('h265');
  const closed = nextEvent(socket, 'consumer:closed', (event) => event.cameraId === camera.id);
  assert.ok((await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps })).ok);
  const [event] = await closed;
  assert.equal(event.reason.code, 'CODEC_UNSUPPORTED');
  assert.equal(event.reason.codec, 'browser: no H.264');
  assert.equal(hub.hub.streams.get(camera)?.transcoderStats, undefined, 'no transcode for a browser that cannot take it');
  socket.disconnect();
});
