import assert from 'node:assert/strict';
import { test } from 'node:test';
import { h264ProfileLevelId, parseSdp, resolveControl } from './sdp.ts';

// As GStreamer's RTSP server describes a camera (captured from media/sim).
const GST_SDP = [
  'v=0',
  'o=- 1188340656180883 1 IN IP4 127.0.0.1',
  's=Session streamed with GStreamer',
  't=0 0',
  'a=tool:GStreamer',
  'a=type:broadcast',
  'a=control:*',
  'a=range:npt=now-',
  'm=video 0 RTP/AVP 96',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:96 H264/90000',
  'a=framerate:15',
  'a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkAoC/5YQAAAwABAAADAB4PFi5I,aMuMsg==;profile-level-id=42c01e;level-asymmetry-allowed=1',
  'a=control:stream=0',
  'a=ts-refclk:local',
  'a=mediaclk:sender',
  ''
].join('\r\n');

test('parses the H.264 video section of a GStreamer camera', () => {
  const sdp = parseSdp(GST_SDP);
  assert.equal(sdp.control, '*');
  assert.equal(sdp.video.length, 1);
  const [video] = sdp.video;
  assert.equal(video?.payloadType, 96);
  assert.equal(video?.codec, 'H264');
  assert.equal(video?.clockRate, 90000);
  assert.equal(video?.fmtp['packetization-mode'], '1');
  assert.equal(video?.control, 'stream=0');
});

test('profile-level-id comes from the fmtp, else from the SPS', () => {
  assert.equal(h264ProfileLevelId({ 'profile-level-id': '42C01E' }), '42c01e');
  assert.equal(h264ProfileLevelId({ 'sprop-parameter-sets': 'Z0LAHtkAoC/5YQAAAwABAAADAB4PFi5I,aMuMsg==' }), '42c01e');
  assert.equal(h264ProfileLevelId({}), undefined);
});

test('control URLs resolve against the content base', () => {
  assert.equal(resolveControl('rtsp://127.0.0.1:8554/stream/', 'stream=0'), 'rtsp://127.0.0.1:8554/stream/stream=0');
  assert.equal(resolveControl('rtsp://127.0.0.1:8554/stream', 'stream=0'), 'rtsp://127.0.0.1:8554/stream/stream=0');
  assert.equal(resolveControl('rtsp://h/s', 'rtsp://h/other'), 'rtsp://h/other');
  assert.equal(resolveControl('rtsp://h/s', '*'), 'rtsp://h/s');
  assert.equal(resolveControl('rtsp://h/s', undefined), 'rtsp://h/s');
});

test('a camera without H.264 yields no usable track', () => {
  const sdp = parseSdp('v=0\r\nm=video 0 RTP/AVP 26\r\na=rtpmap:26 JPEG/90000\r\n');
  assert.equal(sdp.video[0]?.codec, 'JPEG');
});
