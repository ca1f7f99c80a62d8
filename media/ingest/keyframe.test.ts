import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyframeCatcher } from './keyframe.ts';

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const IDR = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(3000, 0xab)]);

function rtp(sequence: number, timestamp: number, marker: boolean, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (marker ? 0x80 : 0) | 96;
  header.writeUInt16BE(sequence & 0xffff, 2);
  header.writeUInt32BE(timestamp, 4);
  header.writeUInt32BE(0x1234, 8);
  return Buffer.concat([header, payload]);
}

function stapA(...nals: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x18]), ...nals.flatMap((nal) => [Buffer.from([nal.length >> 8, nal.length & 0xff]), nal])]);
}

/** FU-A fragments of one NAL unit, `size` bytes of its body each. */
function fuA(nal: Buffer, size: number): Buffer[] {
  const body = nal.subarray(1);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) {
    const start = offset === 0 ? 0x80 : 0;
    const end = offset + size >= body.length ? 0x40 : 0;
    parts.push(Buffer.concat([Buffer.from([(nal[0]! & 0xe0) | 28, start | end | (nal[0]! & 0x1f)]), body.subarray(offset, offset + size)]));
  }
  return parts;
}

/** A keyframe access unit as a camera sends it: STAP-A(SPS, PPS), then the IDR in FU-A fragments. */
function keyframePackets(firstSequence: number, timestamp: number, withParameterSets = true): Buffer[] {
  const payloads = [...(withParameterSets ? [stapA(SPS, PPS)] : []), ...fuA(IDR, 1200)];
  return payloads.map((payload, i) => rtp(firstSequence + i, timestamp, i === payloads.length - 1, payload));
}

const annexB = (...nals: Buffer[]) => Buffer.concat(nals.flatMap((nal) => [Buffer.from([0, 0, 0, 1]), nal]));

test('a keyframe sent as STAP-A(SPS, PPS) + FU-A IDR comes out as one Annex-B access unit with its codec', () => {
  const catcher = new KeyframeCatcher();
  assert.equal(catcher.push(rtp(1, 1000, true, Buffer.from([0x41, 1, 2, 3]))), undefined, 'a P-frame is skipped');
  const packets = keyframePackets(2, 4000);
  const results = packets.map((packet) => catcher.push(packet));
  assert.deepEqual(results.slice(0, -1), Array(packets.length - 1).fill(undefined));
  const keyframe = results.at(-1)!;
  assert.equal(keyframe.codec, 'avc1.42c01e');
  assert.deepEqual(keyframe.data, annexB(SPS, PPS, IDR));
});

test('a keyframe with a lost packet is dropped, and the next whole one is kept', () => {
  const catcher = new KeyframeCatcher();
  const broken = keyframePackets(10, 9000);
  broken.splice(2, 1);
  assert.deepEqual(broken.map((packet) => catcher.push(packet)).filter(Boolean), []);
  const whole = keyframePackets(20, 12000).map((packet) => catcher.push(packet)).filter(Boolean);
  assert.equal(whole.length, 1);
});

test('a camera that sends its parameter sets only in the SDP: they come from sprop-parameter-sets', () => {
  const catcher = new KeyframeCatcher(`${SPS.toString('base64')},${PPS.toString('base64')}`);
  const keyframe = keyframePackets(1, 5000, false).map((packet) => catcher.push(packet)).at(-1);
  assert.deepEqual(keyframe?.data, annexB(SPS, PPS, IDR));
});
