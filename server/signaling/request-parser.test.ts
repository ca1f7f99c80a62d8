import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestSchemas } from '../protocol/schemas.ts';
import { socketRequestParser } from './request-parser.ts';

/** A browser's receive capabilities as mediasoup-client sends them (H.264 and its RTX). */
const capabilities = {
  codecs: [
    { kind: 'video', mimeType: 'video/H264', preferredPayloadType: 102, clockRate: 90000, parameters: { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '42e01f' }, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }] },
    { kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 103, clockRate: 90000, parameters: { apt: 102 }, rtcpFeedback: [] }
  ],
  headerExtensions: [{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, direction: 'recvonly' }]
};

test('a watch parses as its schema does, whether its capabilities were seen before or not', () => {
  const parse = socketRequestParser();
  for (const request of [
    { cameraId: 'cam-1', rtpCapabilities: capabilities },
    { cameraId: 'cam-2', rtpCapabilities: structuredClone(capabilities), incidentId: 'inc-1' },
    { cameraId: 'cam-3', rtpCapabilities: structuredClone(capabilities) }
  ]) {
    assert.deepEqual(parse('camera:watch', request), requestSchemas['camera:watch'].safeParse(request));
  }
});

test('seen capabilities do not let the rest of a watch through unchecked', () => {
  const parse = socketRequestParser();
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: capabilities }).success, true);
  assert.equal(parse('camera:watch', { cameraId: '../../etc/passwd', rtpCapabilities: capabilities }).success, false);
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: capabilities, extra: 1 }).success, false);
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: capabilities, incidentId: 'inc/../x' }).success, false);
});

test('changed or invalid capabilities are parsed anew; an invalid set is never kept', () => {
  const parse = socketRequestParser();
  const bad = { codecs: Array(65).fill(capabilities.codecs[0]) };
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: bad }).success, false);
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: bad }).success, false, 'refused again, not remembered');
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: capabilities }).success, true);
  const changed = structuredClone(capabilities);
  changed.codecs[0]!.clockRate = -1;
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: changed }).success, false, 'a change to one field is seen');
  // Unknown keys are dropped by the schema: the kept parse is the schema's output, not the client's object.
  const extra = { ...structuredClone(capabilities), evil: 'x'.repeat(1000) };
  const first = parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: extra });
  const again = parse('camera:watch', { cameraId: 'cam-2', rtpCapabilities: structuredClone(extra) });
  assert.ok(first.success && again.success);
  assert.equal('evil' in again.data.rtpCapabilities, false);
});

test('other requests and shapeless watches go straight to their schemas', () => {
  const parse = socketRequestParser();
  assert.deepEqual(parse('cameras:get', { ids: ['cam-1'] }), requestSchemas['cameras:get'].safeParse({ ids: ['cam-1'] }));
  assert.equal(parse('camera:watch', undefined).success, false);
  assert.equal(parse('camera:watch', { cameraId: 'cam-1' }).success, false);
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: 'x' }).success, false);
});

test('capabilities nested too deep to print are refused by the schema, not thrown', () => {
  const parse = socketRequestParser();
  let deep: Record<string, unknown> = {};
  const rtpCapabilities = deep;
  for (let i = 0; i < 20_000; i++) deep = deep.a = {};
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities: { codecs: [{ ...capabilities.codecs[0], parameters: rtpCapabilities }] } }).success, false);
  assert.equal(parse('camera:watch', { cameraId: 'cam-1', rtpCapabilities }).success, true, 'unknown keys, however deep, are dropped as the schema drops them');
});
