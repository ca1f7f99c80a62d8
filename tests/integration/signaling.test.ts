/**
 * Signaling against the real stack: real mediasoup worker, real RTSP cameras, real sockets.
 * Scope is enforced on every request, refusals carry typed codes and start no media, and one
 * client's garbage never disturbs another client.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import { io as connect } from 'socket.io-client';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub } from '../support/hub.ts';
import { unsignedToken, userClaims } from '../support/tokens.ts';

let t: TestHub;

before(async () => {
  t = await startTestHub({ cameras: 4, config: { signaling: { joinTimeoutMs: 3000 } } });
});
after(async () => {
  await t?.close();
});


const gangnamCamera = () => t.cameras.find((c) => c.district.code === '11680')!;
const mapoCamera = () => t.cameras.find((c) => c.district.code === '11440')!;

test('an in-scope watch starts the ingest and hands out a consumer of live H.264 RTP', async () => {
  const socket = await t.client(await t.token('fire'));
  const rtpCapabilities = await joined(socket);
  const list = await request(socket, 'cameras:list', {});
  assert.ok(list.ok);
  assert.equal(list.data.cameras.length, 4, 'city-wide 119 sees every camera');
  assert.ok(list.data.cameras.every((c) => !('source' in c)), 'camera sources (credentials) never reach the browser');

  const camera = gangnamCamera();
  const consumerEvent = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
  const watch = await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities });
  assert.ok(watch.ok, JSON.stringify(watch));
  const [consumer] = await consumerEvent;
  assert.equal(consumer.kind, 'video');
  assert.equal(consumer.rtpParameters.codecs[0]?.mimeType, 'video/H264');
  const resumed = await request(socket, 'consumer:resume', { consumerId: consumer.id });
  assert.ok(resumed.ok, JSON.stringify(resumed));

  const stream = t.hub.streams.get(t.hub.registry.get(camera.id)!);
  assert.equal(stream?.state, 'live');
  const before = (await stream!.producer!.getStats())[0]?.packetCount ?? 0;
  await new Promise((r) => setTimeout(r, 500));
  const afterCount = (await stream!.producer!.getStats())[0]?.packetCount ?? 0;
  assert.ok(afterCount > before, `producer receives RTP from the camera (${before} → ${afterCount})`);
  socket.disconnect();
});

test('twelve viewers of one camera: each gets its consumer, and the stream carries one listener per event however many watch (no MaxListenersExceededWarning)', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  const camera = gangnamCamera();
  const token = await t.token('fire');
  const viewers = await Promise.all(Array.from({ length: 12 }, () => t.client(token)));
  await Promise.all(
    viewers.map(async (socket) => {
      const rtpCapabilities = await joined(socket);
      const consumer = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
      const watch = await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities });
      assert.ok(watch.ok, JSON.stringify(watch));
      await consumer;
    })
  );
  const stream = t.hub.streams.get(t.hub.registry.get(camera.id)!)!;
  assert.deepEqual([stream.listenerCount('state'), stream.listenerCount('producer')], [1, 1], 'one fan-out per event, not one listener per viewer');
  for (const socket of viewers.slice(0, 6)) assert.ok((await request(socket, 'camera:unwatch', { cameraId: camera.id })).ok);
  assert.deepEqual([stream.listenerCount('state'), stream.listenerCount('producer')], [1, 1]);
  for (const socket of viewers) socket.disconnect();
  // Warnings are emitted on the next tick.
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.deepEqual(warnings.filter((w) => w.includes('MaxListeners')), []);
});

test('a transport asked for right behind the join, before its answer, is created (requests are handled in order)', async () => {
  const socket = await t.client(await t.token('fire'));
  const [join, created] = await Promise.all([request(socket, 'media:join', {}), request(socket, 'transport:create', {})]);
  assert.ok(join.ok, JSON.stringify(join));
  assert.ok(created.ok, JSON.stringify(created));
  assert.ok(created.data.iceCandidates.length > 0);
  socket.disconnect();
});

test('a watch sent right behind the join and the transport, with capabilities kept from an earlier session, is answered and consumed', async () => {
  const token = await t.token('fire');
  const earlier = await t.client(token);
  const kept = await request(earlier, 'media:join', {});
  assert.ok(kept.ok, JSON.stringify(kept));
  earlier.disconnect();

  const socket = await t.client(token);
  const camera = gangnamCamera();
  const consumerEvent = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
  const rtpCapabilities = kept.data.routerRtpCapabilities as ms.RtpCapabilities;
  const [join, created, watch] = await Promise.all([
    request(socket, 'media:join', {}),
    request(socket, 'transport:create', {}),
    request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities, routerCapabilitiesId: kept.data.routerCapabilitiesId })
  ]);
  assert.ok(join.ok && created.ok, JSON.stringify([join, created]));
  assert.equal(join.data.routerCapabilitiesId, kept.data.routerCapabilitiesId, 'every session of one hub is given the same capabilities, by the same id');
  assert.ok(watch.ok, JSON.stringify(watch));
  const [consumer] = await consumerEvent;
  assert.equal(consumer.kind, 'video');
  socket.disconnect();
});

test('a watch with capabilities this hub no longer has is refused CAPABILITIES_STALE and starts nothing; watched again with the join\'s, it plays', async () => {
  const socket = await t.client(await t.token('fire'));
  // Not Mapo's: a later test needs its ingest idle.
  const camera = gangnamCamera();
  let consumers = 0;
  socket.on('camera:consumer', () => consumers++);
  const viewStarts = () => t.hub.audit.query({ action: 'view.start', cameraId: camera.id }).total;
  const auditedBefore = viewStarts();
  const [join, , stale] = await Promise.all([
    request(socket, 'media:join', {}),
    request(socket, 'transport:create', {}),
    request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: { codecs: [] }, routerCapabilitiesId: '0123456789abcdef' })
  ]);
  assert.ok(join.ok);
  assert.equal(!stale.ok && stale.error.code, 'CAPABILITIES_STALE');
  assert.equal(consumers, 0);
  assert.equal(viewStarts(), auditedBefore, 'no view was started (or recorded)');

  const consumerEvent = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
  const again = await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: join.data.routerRtpCapabilities as ms.RtpCapabilities, routerCapabilitiesId: join.data.routerCapabilitiesId });
  assert.ok(again.ok, JSON.stringify(again));
  await consumerEvent;
  socket.disconnect();
});

test('a watch before any transport:create is refused NOT_JOINED', async () => {
  const socket = await t.client(await t.token('fire'));
  const join = await request(socket, 'media:join', {});
  assert.ok(join.ok);
  const watch = await request(socket, 'camera:watch', { cameraId: gangnamCamera().id, rtpCapabilities: join.data.routerRtpCapabilities as ms.RtpCapabilities });
  assert.equal(!watch.ok && watch.error.code, 'NOT_JOINED');
  socket.disconnect();
});

test('a district user sees only its district and cannot consume another district', async () => {
  const socket = await t.client(await t.token('gangnam'));
  const rtpCapabilities = await joined(socket);
  const list = await request(socket, 'cameras:list', {});
  assert.ok(list.ok);
  assert.ok(list.data.cameras.length > 0);
  assert.ok(list.data.cameras.every((c) => c.district.code === '11680'), 'only Gangnam cameras are listed');

  const foreign = mapoCamera();
  let consumers = 0;
  socket.on('camera:consumer', () => consumers++);
  const refused = await request(socket, 'camera:watch', { cameraId: foreign.id, rtpCapabilities });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'CAMERA_OUT_OF_SCOPE');
  assert.equal(t.hub.streams.state(foreign), 'idle', 'a refused watch starts no ingest');

  // A camera that does not exist is answered exactly as one out of scope: probing ids tells nothing.
  const unknown = await request(socket, 'camera:watch', { cameraId: 'cam-99999-999', rtpCapabilities });
  assert.deepEqual(!unknown.ok && unknown.error, !refused.ok && refused.error);
  const unknownForIncident = await request(socket, 'camera:watch', { cameraId: 'cam-99999-999', rtpCapabilities, incidentId: 'inc-00000000-0000-0000-0000-000000000000' });
  const foreignForIncident = await request(socket, 'camera:watch', { cameraId: foreign.id, rtpCapabilities, incidentId: 'inc-00000000-0000-0000-0000-000000000000' });
  assert.deepEqual(!unknownForIncident.ok && unknownForIncident.error, !foreignForIncident.ok && foreignForIncident.error, 'the same with an incident id');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(consumers, 0, 'no media was offered for a refused camera');
  socket.disconnect();
});

test('forged, expired, unsigned and missing tokens are refused at the handshake with their codes', async () => {
  const refusal = async (token: string | undefined) => {
    const error = (await t.client(token).then(
      () => assert.fail('handshake should be refused'),
      (e: Error & { data?: { code: string } }) => e
    )) as Error & { data?: { code: string } };
    return error.data?.code;
  };
  // A district officer widens their own scope to the whole city and keeps the signature.
  const [h, p, sig] = (await t.token('gangnam')).split('.');
  const widened = { ...JSON.parse(Buffer.from(p!, 'base64url').toString()), scope: { districts: ['*'], cameras: [] } };
  assert.equal(await refusal(`${h}.${Buffer.from(JSON.stringify(widened)).toString('base64url')}.${sig}`), 'AUTH_INVALID_TOKEN');
  assert.equal(await refusal(await t.token('fire', { expiresIn: Math.floor(Date.now() / 1000) - 30 })), 'AUTH_TOKEN_EXPIRED');
  assert.equal(await refusal(unsignedToken({ ...userClaims('seoul-119', ['*']), iss: 'https://idp.fire.test', aud: 'golden-time-hub', exp: 2e9 })), 'AUTH_INVALID_TOKEN');
  assert.equal(await refusal(undefined), 'AUTH_REQUIRED');
  // The police IdP cannot speak for the fire service.
  assert.equal(await refusal(await t.issuers.police.sign(userClaims('seoul-119', ['*']))), 'AUTH_UNTRUSTED_ISSUER');
});

test('a handshake from a page of another origin, or a sandboxed one (Origin: null), is refused; the hub\'s own origin is not', async () => {
  const token = await t.token('fire');
  const handshake = (origin: string, transport: 'websocket' | 'polling') =>
    new Promise<string>((resolve) => {
      const socket = connect(t.hub.url, { auth: { token }, transports: [transport], reconnection: false, forceNew: true, extraHeaders: { origin } });
      socket.once('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.once('connect_error', () => {
        socket.disconnect();
        resolve('refused');
      });
    });
  for (const transport of ['websocket', 'polling'] as const) {
    assert.equal(await handshake('https://evil.example', transport), 'refused', `foreign origin over ${transport}`);
    assert.equal(await handshake('null', transport), 'refused', `null origin over ${transport}`);
    assert.equal(await handshake(t.hub.url, transport), 'connected', `own origin over ${transport}`);
  }
  const own = new URL(t.hub.url);
  assert.equal(await handshake(`http://localhost:${own.port}`, 'websocket'), 'connected', 'localhost is the same machine as 127.0.0.1');
  assert.equal(await handshake(`http://localhost:${Number(own.port) + 1}`, 'websocket'), 'refused', 'another port is another origin');
});

test('malformed payloads get BAD_REQUEST and the server keeps serving everyone', async () => {
  const victim = await t.client(await t.token('fire'));
  assert.ok((await request(victim, 'media:join', {})).ok);
  const attacker = await t.client(await t.token('mapo'));
  const rtpCapabilities = await joined(attacker);
  const bad: Array<[string, unknown]> = [
    ['camera:watch', null],
    ['camera:watch', 'cam'],
    ['camera:watch', { cameraId: 42, rtpCapabilities }],
    ['camera:watch', { cameraId: '<script>', rtpCapabilities }],
    ['camera:watch', { cameraId: mapoCamera().id, rtpCapabilities, extra: true }],
    ['transport:connect', { transportId: 'x', dtlsParameters: {} }],
    ['consumer:resume', { consumerId: '00000000-0000-4000-8000-000000000000' }],
    ['cameras:list', [1, 2, 3]],
    ['media:join', JSON.parse('{"__proto__": {"polluted": true}}')]
  ];
  for (const [event, payload] of bad) {
    const result = await new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) =>
      (attacker.emit as (e: string, p: unknown, a: (r: never) => void) => void)(event, payload, resolve)
    );
    assert.equal(result.ok, false, `${event} ${JSON.stringify(payload)} must be refused`);
    assert.match(result.error!.code, /^(BAD_REQUEST|CONSUMER_UNKNOWN)$/);
    assert.doesNotMatch(result.error!.message, /\n\s+at /, 'no stack trace crosses the wire');
  }
  // No ack function at all, unknown events, a huge payload: ignored or cut off, never a crash.
  (attacker.emit as (e: string, p: unknown) => void)('camera:watch', { cameraId: 'x' });
  (attacker.emit as (e: string, p: unknown) => void)('no:such:event', {});

  const list = await request(victim, 'cameras:list', {});
  assert.ok(list.ok, 'another client is still served');
  assert.equal(list.data.cameras.length, 4);
  attacker.disconnect();
  victim.disconnect();
});

test('a camera that drops is reported reconnecting (fast retries) and its viewers get a new consumer when it returns', async () => {
  const socket = await t.client(await t.token('fire'));
  const rtpCapabilities = await joined(socket);
  const camera = t.cameras[2]!;
  const first = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
  assert.ok((await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities })).ok);
  const [firstConsumer] = await first;

  const closed = nextEvent(socket, 'consumer:closed', (e) => e.cameraId === camera.id);
  const reconnecting = nextEvent(socket, 'camera:state', (e) => e.cameraId === camera.id && e.state !== 'live');
  await t.farm.stop(camera.id);
  const [closedEvent] = await closed;
  assert.equal(closedEvent.reason.code, 'CAMERA_OFFLINE');
  const [reconnectingEvent] = await reconnecting;
  // The first seconds of an outage retry every few hundred ms: one steady state, no countdown.
  assert.equal(reconnectingEvent.state, 'reconnecting');
  assert.equal(reconnectingEvent.retryAt, undefined);

  const again = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
  await t.farm.restart(camera.id);
  const [second] = await again;
  assert.notEqual(second.producerId, firstConsumer.producerId, 'a new RTP session is a new producer');
  socket.disconnect();
});

test('the ingest stops after the last viewer leaves and the grace period passes', async () => {
  const socket = await t.client(await t.token('fire'));
  const rtpCapabilities = await joined(socket);
  const camera = t.cameras[3]!;
  const consumer = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
  assert.ok((await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities })).ok);
  await consumer;
  assert.notEqual(t.hub.streams.state(camera), 'idle');
  assert.ok((await request(socket, 'camera:unwatch', { cameraId: camera.id })).ok);
  const deadline = Date.now() + 10_000;
  while (t.hub.streams.state(camera) !== 'idle' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(t.hub.streams.state(camera), 'idle');
  socket.disconnect();
});

test('a session that never joins is closed after the join timeout', async () => {
  const socket = await t.client(await t.token('fire'));
  const [reason] = await nextEvent(socket, 'session:ended', () => true);
  assert.equal(reason.code, 'NOT_JOINED');
  await new Promise<void>((resolve) => (socket.connected ? socket.once('disconnect', () => resolve()) : resolve()));
});

test('one user cannot multiply the per-socket rate limit by opening sockets', async () => {
  const token = await t.token('mapo');
  const sockets: HubClient[] = [];
  let refused: string | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    await t.client(token).then(
      (s) => sockets.push(s),
      (e: Error & { data?: { code: string } }) => (refused = e.data?.code)
    );
  }
  assert.equal(refused, 'RATE_LIMITED');
  assert.equal(sockets.length, 16, 'the default allows 16 concurrent sessions per user');
  for (const s of sockets) s.disconnect();
});
