import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCodec, planIngest } from './codec.ts';
import { parseSdp } from './sdp.ts';

// The fmtp lines of media/sim's camera kinds, as GStreamer's RTSP server describes them.
const FMTP = {
  baseline: 'packetization-mode=1;sprop-parameter-sets=Z0LAFtoCgL/lwFqDAwNSgAAAAwCAAAAPR4sXUA==,aM48gA==;profile-level-id=42c016;level-asymmetry-allowed=1',
  main: 'packetization-mode=1;sprop-parameter-sets=Z01AFtoCgL/lwFqDAwNSgAAAAwCAAAAPR4sXUA==,aO48gA==;profile-level-id=4d4016;level-asymmetry-allowed=1',
  high: 'packetization-mode=1;sprop-parameter-sets=Z2QAFqy0BQF/y4C1BgYGpQAAAwABAAADAB6PFi6g,aO48sA==;profile-level-id=640016;level-asymmetry-allowed=1',
  bframes: 'packetization-mode=1;sprop-parameter-sets=Z2QAFqzZQKAv+XAWoMDA1KAAAAMAIAAAAwPR4sWywA==,aO48sA==;profile-level-id=640016;level-asymmetry-allowed=1',
  h265: 'sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwA/ugJA;sprop-sps=QgEBAWAAAAMAkAAAAwAAAwA/oAUCAXHy5bpKTC//AAEAAWoMDAwIAAADAAgAAAMAeEA=;sprop-pps=RAHAcYMS',
  h265main10: 'sprop-vps=QAEMAf//AiAAAAMAkAAAAwAAAwA/ugJA;sprop-sps=QgEBAiAAAAMAkAAAAwAAAwA/oAUCAXHytlukpML/8AAQABagwMDAgAAAAwCAAAAHhA==;sprop-pps=RAHAcYMS'
};

function plan(codec: string, fmtp: string) {
  const sdp = parseSdp(`v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 ${codec}/90000\r\na=fmtp:96 ${fmtp}\r\n`);
  const video = sdp.video[0]!;
  return planIngest(describeCodec(video.codec, video.fmtp));
}

test('constrained baseline and Main H.264 pass through under their own profile', () => {
  assert.deepEqual(plan('H264', FMTP.baseline), {
    path: 'passthrough',
    profileLevelId: '42e01f',
    codec: { codec: 'H264', label: 'H.264 Constrained Baseline', profileIdc: 66, reorders: false }
  });
  const main = plan('H264', FMTP.main);
  assert.equal(main.path, 'passthrough');
  assert.equal(main.path === 'passthrough' && main.profileLevelId, '4d001f');
  assert.equal(main.codec.label, 'H.264 Main');
});

test('High H.264 without B-frames passes through, negotiated as constrained baseline', () => {
  const high = plan('H264', FMTP.high);
  assert.equal(high.path, 'passthrough');
  assert.equal(high.path === 'passthrough' && high.profileLevelId, '42e01f');
  assert.deepEqual(high.codec, { codec: 'H264', label: 'H.264 High', profileIdc: 100, reorders: false });
});

test('H.264 whose SPS allows reordering (B-frames) is transcoded', () => {
  const bframes = plan('H264', FMTP.bframes);
  assert.equal(bframes.path, 'transcode');
  assert.equal(bframes.codec.reorders, true);
});

test('H.265 Main is transcoded; Main 10 and unknown codecs are unsupported, named', () => {
  assert.equal(plan('H265', FMTP.h265).path, 'transcode');
  const main10 = plan('H265', FMTP.h265main10);
  assert.deepEqual(main10, { path: 'unsupported', codec: { codec: 'H265', label: 'H.265 Main 10', profileIdc: 2 } });
  assert.deepEqual(plan('JPEG', ''), { path: 'unsupported', codec: { codec: 'JPEG', label: 'JPEG' } });
  assert.equal(plan('H264', 'profile-level-id=6e0020').codec.label, 'H.264 High 10');
  assert.equal(plan('H264', 'profile-level-id=6e0020').path, 'unsupported');
});

test('an H.264 track without parameter sets is described from its profile-level-id', () => {
  const described = plan('H264', 'packetization-mode=1;profile-level-id=4d001f');
  assert.equal(described.codec.label, 'H.264 Main');
  assert.equal(described.path, 'passthrough');
  const bare = plan('H264', 'packetization-mode=1');
  assert.equal(bare.path, 'passthrough');
  assert.equal(bare.codec.label, 'H.264');
});
