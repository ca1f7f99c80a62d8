import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientToServerEvents, WatchRequest } from './events.ts';
import { requestSchemas, type RequestName, type RequestOf } from './schemas.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type WireRequest<N extends RequestName> = Parameters<ClientToServerEvents[N]>[0];

/**
 * Checked by the type-checker: a `false` here does not compile. The event map names exactly the
 * requests that have a schema, and each request is sent as its schema types it — but for the
 * browser's RTP capabilities, which mediasoup types more loosely than the schema admits (and
 * mediasoup validates again what the schema let through).
 */
const contract: { [N in Exclude<RequestName, 'camera:watch'>]: Equal<WireRequest<N>, RequestOf<N>> } & {
  events: Equal<keyof ClientToServerEvents, RequestName>;
  watch: Equal<Omit<WatchRequest, 'rtpCapabilities'>, Omit<RequestOf<'camera:watch'>, 'rtpCapabilities'>>;
} = {
  events: true,
  watch: true,
  'media:join': true,
  'cameras:list': true,
  'cameras:get': true,
  'transport:create': true,
  'transport:connect': true,
  'camera:unwatch': true,
  'camera:still': true,
  'consumer:resume': true,
  'session:refresh': true,
  'view:open': true,
  'view:join': true,
  'view:op': true,
  'view:leave': true,
  'view:list': true,
  'view:extend-grant': true,
  'alarms:list': true,
  'alarm:ack': true,
  'alarm:state': true,
  'alarm:comment': true,
  'alarm:open': true
};

test('the event map and the schemas describe the same requests', () => {
  assert.deepEqual(Object.keys(contract).filter((key) => key in requestSchemas).sort(), Object.keys(requestSchemas).filter((name) => name !== 'camera:watch').sort());
});

test('empty requests accept only an empty object', () => {
  assert.equal(requestSchemas['media:join'].safeParse({}).success, true);
  assert.equal(requestSchemas['media:join'].safeParse({ extra: 1 }).success, false);
  assert.equal(requestSchemas['media:join'].safeParse(null).success, false);
  assert.equal(requestSchemas['media:join'].safeParse('x').success, false);
});

test('cameras:list pages are bounded; cameras:get names at most 64 cameras', () => {
  const list = requestSchemas['cameras:list'];
  assert.equal(list.safeParse({}).success, true);
  assert.equal(list.safeParse({ district: '11680', query: '강남', offset: 200, limit: 500 }).success, true);
  assert.equal(list.safeParse({ limit: 501 }).success, false);
  assert.equal(list.safeParse({ limit: 0 }).success, false);
  assert.equal(list.safeParse({ offset: -1 }).success, false);
  assert.equal(list.safeParse({ query: 'x'.repeat(101) }).success, false);
  assert.equal(list.safeParse({ extra: 1 }).success, false);
  assert.equal(list.safeParse(null).success, false);
  const get = requestSchemas['cameras:get'];
  assert.equal(get.safeParse({ ids: ['cam-11680-001'] }).success, true);
  assert.equal(get.safeParse({ ids: [] }).success, false);
  assert.equal(get.safeParse({ ids: Array(65).fill('cam') }).success, false);
  assert.equal(get.safeParse({ ids: ['../x'] }).success, false);
});

test('camera ids are short and plain', () => {
  const watch = requestSchemas['camera:watch'];
  assert.equal(watch.safeParse({ cameraId: 'cam-11680-001', rtpCapabilities: { codecs: [] } }).success, true);
  assert.equal(watch.safeParse({ cameraId: '../../etc/passwd', rtpCapabilities: {} }).success, false);
  assert.equal(watch.safeParse({ cameraId: 'x'.repeat(65), rtpCapabilities: {} }).success, false);
  assert.equal(watch.safeParse({ cameraId: 'cam', rtpCapabilities: { codecs: Array(65).fill({}) } }).success, false);
  assert.equal(watch.safeParse({ cameraId: 'cam' }).success, false);
});

test('camera:watch may name the incident the view is for', () => {
  const watch = requestSchemas['camera:watch'];
  const incidentId = 'inc-6f1c1f4e-4a63-4c55-9f5a-0a6f5d1e2b3c';
  assert.equal(watch.safeParse({ cameraId: 'cam', rtpCapabilities: {}, incidentId }).success, true);
  assert.equal(watch.safeParse({ cameraId: 'cam', rtpCapabilities: {}, incidentId: '' }).success, false);
  assert.equal(watch.safeParse({ cameraId: 'cam', rtpCapabilities: {}, incidentId: 'inc/../x' }).success, false);
  assert.equal(watch.safeParse({ cameraId: 'cam', rtpCapabilities: {}, incidentId: 7 }).success, false);
});

test('transport:connect needs a uuid and DTLS fingerprints', () => {
  const connect = requestSchemas['transport:connect'];
  const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] };
  assert.equal(connect.safeParse({ transportId: '6f1c1f4e-4a63-4c55-9f5a-0a6f5d1e2b3c', dtlsParameters }).success, true);
  assert.equal(connect.safeParse({ transportId: 'nope', dtlsParameters }).success, false);
  assert.equal(connect.safeParse({ transportId: '6f1c1f4e-4a63-4c55-9f5a-0a6f5d1e2b3c', dtlsParameters: { fingerprints: [] } }).success, false);
});
