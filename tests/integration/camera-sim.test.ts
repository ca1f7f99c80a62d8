/**
 * The simulated cameras against real tools: ffprobe/ffmpeg over RTSP-TCP, a raw RTSP client
 * for RTCP PLI/FIR, and the processes' lifecycle (stop, restart, crash, close).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { STRIP_ROWS, readStripRgba, stripAgeMs } from '../../media/strip.ts';
import { CameraFarm, SimError, freePort, portAccepts, type SimCameraExit } from '../../media/sim/camera-farm.ts';
import { NAL_IDR, NAL_PPS, NAL_SPS, RtspProbe, type RtpPacketInfo } from '../../media/sim/rtsp-probe.ts';
import { alive } from '../support/processes.ts';

const WIDTH = 640;
const HEIGHT = 360;
const CAMERAS = [
  { id: 'cam-a', name: '광산구 첨단로 교차로' },
  { id: 'cam-b', name: '북구 용봉동 전남대 후문' },
  { id: 'cam-c', name: 'Test camera C' },
];

let farm: CameraFarm;
const exits: Array<{ id: string; exit: SimCameraExit }> = [];
const probes = new Set<RtspProbe>();

async function openProbe(url: string): Promise<RtspProbe> {
  const probe = await RtspProbe.open(url);
  probes.add(probe);
  probe.once('close', () => probes.delete(probe));
  return probe;
}

function run(command: string, args: string[], timeoutMs = 30_000): Promise<{ stdout: Buffer; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr, code });
    });
  });
}


/** PIDs of rtsp_camera.py processes whose parent is this test process. */
function cameraChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('rtsp_camera.py')) pids.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return pids;
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isIdr = (packet: RtpPacketInfo): boolean => packet.nalTypes.includes(NAL_IDR);

before(async () => {
  farm = new CameraFarm();
  farm.on('exit', (id, exit) => exits.push({ id, exit }));
  // One camera on a port picked beforehand, two on port 0 (picked by the camera itself).
  const [a, b, c] = CAMERAS;
  await farm.start([
    { ...a!, port: await freePort() },
    { ...b!, port: 0 },
    { ...c!, port: 0 },
  ]);
});

after(async () => {
  for (const probe of probes) probe.close();
  await farm?.close();
});

test('every camera serves an RTSP URL on 127.0.0.1 with its own port', () => {
  const urls = CAMERAS.map(({ id }) => farm.url(id));
  for (const url of urls) assert.match(url, /^rtsp:\/\/127\.0\.0\.1:\d+\/stream$/);
  assert.equal(new Set(urls).size, urls.length);
  assert.deepEqual(farm.ids().sort(), CAMERAS.map(({ id }) => id).sort());
});

test('ffprobe over RTSP/TCP sees H.264 constrained baseline 640x360 at 15 fps', async (t) => {
  const { stdout, stderr, code } = await run('ffprobe', [
    ...['-v', 'error', '-rtsp_transport', 'tcp', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=codec_name,profile,width,height,r_frame_rate', '-of', 'json'],
    farm.url('cam-a'),
  ]);
  assert.equal(code, 0, stderr);
  const stream = JSON.parse(stdout.toString()).streams[0];
  t.diagnostic(`ffprobe: ${JSON.stringify(stream)}`);
  assert.equal(stream.codec_name, 'h264');
  assert.ok(['Constrained Baseline', 'Baseline', 'Main'].includes(stream.profile), `profile ${stream.profile}`);
  assert.equal(stream.width, WIDTH);
  assert.equal(stream.height, HEIGHT);
  // ffprobe guesses r_frame_rate from the first few RTP timestamps, which follow frame
  // arrival: mostly 15/1, at times 15000/1001, 181/12 or even 30/1 when two frames came
  // close together. The exact rate is checked on RTP media time below.
  const [num, den] = String(stream.r_frame_rate).split('/').map(Number);
  const rate = num! / den!;
  assert.ok(rate > 14 && rate <= 30, `r_frame_rate ${stream.r_frame_rate}`);
});

test('the SDP announces H.264 packetization-mode 1 with a constrained-baseline profile-level-id', async () => {
  const probe = await openProbe(farm.url('cam-b'));
  try {
    assert.match(probe.sdp, /a=rtpmap:96 H264\/90000/);
    assert.match(probe.sdp, /packetization-mode=1/);
    const sprop = /sprop-parameter-sets=([^,;\s]+)/.exec(probe.sdp)?.[1];
    assert.ok(sprop, 'sprop-parameter-sets present');
    const sps = Buffer.from(sprop, 'base64');
    assert.equal(sps[0]! & 0x1f, NAL_SPS);
    assert.equal(sps[1], 0x42, 'profile_idc 66 (baseline)');
    assert.ok(sps[2]! & 0x40, 'constraint_set1: constrained baseline');
  } finally {
    probe.close();
  }
});

test('RTP runs at 15 frames per second of media time', async () => {
  const probe = await openProbe(farm.url('cam-c'));
  try {
    const stamps: number[] = [];
    probe.on('rtp', (packet) => {
      if (packet.marker) stamps.push(packet.timestamp);
    });
    await eventually(() => stamps.length >= 31, '31 frames', 20_000);
    // The median frame interval: a frame skipped under heavy load does not move it.
    const intervals = stamps.slice(1).map((stamp, i) => (stamp - stamps[i]! + 2 ** 32) % 2 ** 32);
    intervals.sort((a, b) => a - b);
    const median = intervals[intervals.length >> 1]!;
    assert.ok(median > 5_400 && median < 6_600, `median frame interval ${median} ticks of 90 kHz (6000 = 15 fps)`);
  } finally {
    probe.close();
  }
});

test('decoded frames carry a readable, current timestamp strip', async (t) => {
  const frameSize = WIDTH * HEIGHT;
  const child = spawn(
    'ffmpeg',
    [
      // Without these, ffmpeg probes and buffers for ≈2 s before it writes the first frame.
      ...['-v', 'error', '-fflags', 'nobuffer', '-flags', 'low_delay', '-analyzeduration', '0', '-probesize', '32'],
      ...['-threads', '1', '-rtsp_transport', 'tcp', '-i', farm.url('cam-a')],
      // passthrough: the rawvideo muxer would otherwise duplicate frames to keep a constant rate.
      ...['-frames:v', '8', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const ages: number[] = [];
  const stamps: number[] = [];
  let pending = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= frameSize) {
      const luma = pending.subarray(0, frameSize);
      pending = pending.subarray(frameSize);
      // Gray pixels of a limited-range decode; the reader wants RGBA.
      const rgba = new Uint8ClampedArray(WIDTH * STRIP_ROWS * 4);
      for (let i = 0; i < WIDTH * STRIP_ROWS; i++) {
        const grey = ((luma[i]! - 16) * 255) / 219;
        rgba.fill(grey, i * 4, i * 4 + 3);
        rgba[i * 4 + 3] = 255;
      }
      const stamp = readStripRgba(rgba, WIDTH, STRIP_ROWS);
      assert.notEqual(stamp, null, `frame ${stamps.length} has a strip`);
      stamps.push(stamp!);
      ages.push(stripAgeMs(Date.now(), stamp!));
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, stderr);
  assert.equal(stamps.length, 8);
  t.diagnostic(`strip age when decoded by ffmpeg: ${ages.map((age) => age.toFixed(0)).join(', ')} ms`);
  for (const age of ages) assert.ok(age >= -5 && age < 2_000, `age ${age} ms`);
  for (let i = 1; i < stamps.length; i++) assert.ok(stripAgeMs(stamps[i]!, stamps[i - 1]!) > 0, 'stamps increase');
});

test('RTSP over UDP works too', async () => {
  const { stderr, code } = await run('ffmpeg', [
    ...['-v', 'error', '-rtsp_transport', 'udp', '-i', farm.url('cam-b')],
    ...['-frames:v', '20', '-f', 'null', '-'],
  ]);
  assert.equal(code, 0, stderr);
});

test('a camera no client pulls paints no frames; the next client is answered with an IDR at once', async () => {
  const probeOnce = await openProbe(farm.url('cam-c'));
  await eventually(() => farm.stats('cam-c').pulled, 'cam-c pulled by a client');
  probeOnce.close();
  await eventually(() => !farm.stats('cam-c').pulled, 'cam-c no longer pulled once its client left');
  const written = farm.stats('cam-c').framesWritten;
  // Four frame periods at 15 fps: a camera that still painted would write about four.
  await new Promise((resolve) => setTimeout(resolve, 4 * (1000 / 15)));
  assert.equal(farm.stats('cam-c').framesWritten, written, 'no frame painted or written while nobody pulls');

  const probe = await openProbe(farm.url('cam-c'));
  try {
    const pictures: RtpPacketInfo[] = [];
    probe.on('rtp', (packet) => {
      if (packet.nalTypes.some((type) => type === NAL_IDR || type === 1)) pictures.push(packet);
    });
    await eventually(() => pictures.length > 0, 'a first picture');
    assert.ok(isIdr(pictures[0]!), `the first picture is an IDR (NAL types ${pictures[0]!.nalTypes.join(', ')}), whatever the GOP`);
    assert.ok(farm.stats('cam-c').framesWritten > written, 'frames flow again');
  } finally {
    probe.close();
  }
});

test('every IDR is preceded by SPS and PPS in-band (a late joiner can decode)', async () => {
  // cam-a is idle now; cam-b gets a first client so the second joins a running stream.
  const first = await openProbe(farm.url('cam-b'));
  const late = await openProbe(farm.url('cam-b'));
  try {
    const seen = new Map<number, Set<number>>();
    let idrs = 0;
    let missing = 0;
    let synced = false; // the join may fall between a frame's SPS/PPS packet and its IDR
    late.on('rtp', (packet) => {
      if (!synced) {
        synced = packet.marker;
        return;
      }
      const types = seen.get(packet.timestamp) ?? new Set<number>();
      if (isIdr(packet)) {
        idrs++;
        if (!types.has(NAL_SPS) || !types.has(NAL_PPS)) missing++;
      }
      for (const type of packet.nalTypes) types.add(type);
      seen.set(packet.timestamp, types);
    });
    await eventually(() => idrs >= 3, '3 IDRs', 20_000);
    assert.equal(missing, 0, 'IDRs without SPS/PPS before them');
  } finally {
    first.close();
    late.close();
  }
});

for (const kind of ['pli', 'fir'] as const) {
  test(`an RTCP ${kind.toUpperCase()} on the interleaved channel makes the camera send an IDR at once`, async (t) => {
    // The previous test's client has gone: a client that joins the shared media while it is being
    // torn down may see it prepared again, with a new RTP timestamp base, in the middle of a GOP
    // (fresh clone, once: "IDR 600084.709 frames into the GOP").
    await eventually(() => !farm.stats('cam-c').pulled, "cam-c's last client gone");
    const probe = await openProbe(farm.url('cam-c'));
    try {
      const delays: number[] = [];
      const gaps: number[] = [];
      for (let round = 0; round < 3; round++) {
        const gopStart = await probe.waitFor(isIdr, 10_000, 'IDR');
        // Mid-GOP: the natural next IDR is 15 frames (90 000 ticks) after this one.
        await new Promise((resolve) => setTimeout(resolve, 250));
        const sentAt = performance.now();
        probe.requestKeyframe(kind);
        const idr = await probe.waitFor(isIdr, 10_000, `IDR after ${kind}`);
        delays.push(idr.receivedAt - sentAt);
        gaps.push((idr.timestamp - gopStart.timestamp + 2 ** 32) % 2 ** 32);
      }
      t.diagnostic(`${kind} -> IDR: ${delays.map((d) => d.toFixed(1)).join(', ')} ms`);
      // Media time, not wall time: the requested IDR comes before the GOP would have ended.
      for (const gap of gaps) assert.ok(gap < 13 * 6_000, `IDR ${gap / 6_000} frames into the GOP`);
    } finally {
      probe.close();
    }
  });
}

test('a stall fault stops RTP for its length while the RTSP session stays up, then frames flow again', async () => {
  const probe = await openProbe(farm.url('cam-a'));
  try {
    const arrivals: number[] = [];
    probe.on('rtp', (packet) => {
      if (packet.marker) arrivals.push(packet.receivedAt);
    });
    await eventually(() => arrivals.length >= 5, 'frames before the stall', 20_000);
    const stalledBefore = farm.stats('cam-a').framesStalled;
    const stallMs = 1_500;
    const stalledAt = performance.now();
    await farm.stall('cam-a', stallMs);
    const resumedAt = performance.now();
    const during = arrivals.filter((at) => at > stalledAt + 300 && at < resumedAt - 100).length;
    assert.equal(during, 0, 'no frame while stalled (a frame in the encoder may trail the stall by a moment)');
    await eventually(() => arrivals.some((at) => at > resumedAt), 'a frame after the stall', 10_000);
    assert.ok(farm.stats('cam-a').framesStalled > stalledBefore, 'the writer held frames back');
    assert.equal(farm.stats('cam-a').state, 'running', 'the camera itself never went away');
  } finally {
    probe.close();
  }
  await assert.rejects(farm.stall('nope', 100), { code: 'ERR_SIM_UNKNOWN_CAMERA' });
});

test('a stopped camera refuses connections while the others keep serving; restart brings it back', async () => {
  const urlB = farm.url('cam-b');
  const portB = Number(new URL(urlB).port);
  const portA = Number(new URL(farm.url('cam-a')).port);
  const before = await openProbe(urlB);
  await before.waitFor(() => true, 10_000, 'RTP before stop');
  const oldSsrc = before.mediaSsrc;
  const closed = new Promise<void>((resolve) => before.once('close', resolve));

  await farm.stop('cam-b');
  assert.equal(farm.stats('cam-b').state, 'stopped');
  assert.equal(farm.stats('cam-b').pid, undefined);
  await closed; // the client saw the camera go away
  assert.equal(await portAccepts(portB), false, 'stopped camera port refuses');
  assert.equal(await portAccepts(portA), true, 'other camera still listens');
  const other = await openProbe(farm.url('cam-a'));
  await other.waitFor(() => true, 10_000, 'RTP from the other camera');
  other.close();
  assert.ok(exits.some(({ id, exit }) => id === 'cam-b' && exit.expected));

  await farm.restart('cam-b');
  assert.equal(farm.url('cam-b'), urlB, 'same URL after restart');
  assert.equal(await portAccepts(portB), true);
  const after = await openProbe(urlB);
  try {
    await after.waitFor(() => true, 10_000, 'RTP after restart');
    assert.notEqual(after.mediaSsrc, oldSsrc, 'a new RTP session');
  } finally {
    after.close();
  }
});

test('a camera that dies on its own is reported, and restart recovers it', async () => {
  const pid = farm.stats('cam-c').pid!;
  const died = new Promise<SimCameraExit>((resolve) =>
    farm.on('exit', (id, exit) => {
      if (id === 'cam-c') resolve(exit);
    }),
  );
  process.kill(pid, 'SIGKILL');
  const exit = await died;
  assert.equal(exit.expected, false);
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(farm.stats('cam-c').state, 'stopped');
  await farm.restart('cam-c');
  assert.notEqual(farm.stats('cam-c').pid, pid);
  const probe = await openProbe(farm.url('cam-c'));
  await probe.waitFor(() => true, 10_000, 'RTP after a crash and restart');
  probe.close();
});

test('errors carry stable codes', async () => {
  assert.throws(() => farm.url('nope'), (error: unknown) => error instanceof SimError && error.code === 'ERR_SIM_UNKNOWN_CAMERA');
  await assert.rejects(farm.start([{ id: 'cam-a', name: 'again', port: 0 }]), { code: 'ERR_SIM_DUPLICATE_CAMERA' });
  await assert.rejects(farm.start([{ id: 'bad', name: 'bad', port: 0, fps: 0 }]), { code: 'ERR_SIM_INVALID_SPEC' });
  // A port that is already taken (by cam-a): the camera cannot listen and is forgotten.
  const taken = Number(new URL(farm.url('cam-a')).port);
  await assert.rejects(farm.start([{ id: 'clash', name: 'clash', port: taken }]), { code: 'ERR_SIM_START_FAILED' });
  assert.ok(!farm.ids().includes('clash'));
  const other = new CameraFarm({ python: '/nonexistent/python3' });
  await assert.rejects(other.start([{ id: 'x', name: 'x', port: 0 }]), { code: 'ERR_SIM_START_FAILED' });
  await other.close();
});

test('close() stops every camera process, is idempotent, and leaves nothing behind', async () => {
  const pids = farm.ids().map((id) => farm.stats(id).pid);
  assert.ok(pids.every((pid) => pid !== undefined && alive(pid)));
  assert.equal(cameraChildren().length, pids.length);
  const ports = farm.ids().map((id) => Number(new URL(farm.url(id)).port));
  await Promise.all([farm.close(), farm.close()]);
  await farm.close();
  for (const pid of pids) assert.equal(alive(pid!), false, `pid ${pid} gone`);
  assert.deepEqual(cameraChildren(), []);
  for (const port of ports) assert.equal(await portAccepts(port), false, `port ${port} closed`);
  await assert.rejects(farm.start([{ id: 'late', name: 'late', port: 0 }]), { code: 'ERR_SIM_CLOSED' });
});
