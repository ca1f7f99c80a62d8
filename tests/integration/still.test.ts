/**
 * Picture first, on the real stack: cameras with a 4 s GOP that ignore keyframe requests. Once
 * a camera is warm (someone watches it), `camera:still` hands any allowed session its latest
 * keyframe at once — checked like a watch (scope), recorded as a view (`view.still`), refused
 * and recorded out of scope — and after the camera drops, the last still stays, older.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { joined, nextEvent, request, startTestHub, type TestHub } from '../support/hub.ts';
import { waitUntil } from '../support/wait.ts';

let t: TestHub;
const figures: Record<string, number> = {};

before(async () => {
  // 4 s GOP at 15 fps, deaf to PLI: a new viewer waits up to 4 s for live video.
  t = await startTestHub({ cameras: 4, cameraKeyframes: { gopFrames: 60, ignoreRequests: true } });
});
after(async () => {
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`# figure ${name}: ${value}\n`);
  await t?.close();
});

const inDistrict = (code: string) => t.cameras.find((camera) => camera.district.code === code);

test('a warm keyframe-deaf camera gives an allowed session its latest keyframe at once; out of scope is refused; both are on the record', async () => {
  const gangnamCamera = inDistrict('11680');
  const mapoCamera = inDistrict('11440');
  const fire = await t.client(await t.token('fire'));
  const caps = await joined(fire);
  const consumer = nextEvent(fire, 'camera:consumer', (e) => e.cameraId === gangnamCamera!.id);
  assert.ok((await request(fire, 'camera:watch', { cameraId: gangnamCamera!.id, rtpCapabilities: caps })).ok);
  const [event] = await consumer;
  assert.ok((await request(fire, 'consumer:resume', { consumerId: event.id })).ok);
  // Warm: the ingest has seen its first keyframe.
  await waitUntil(() => t.hub.streams.keyframe(gangnamCamera!) !== undefined, 10_000, 'the first keyframe at the hub');

  const police = await t.client(await t.token('gangnam'));
  const asked = performance.now();
  const answer = await request(police, 'camera:still', { cameraId: gangnamCamera!.id });
  figures['still ask → answer, ms'] = Math.round(performance.now() - asked);
  assert.ok(answer.ok, JSON.stringify(answer));
  const still = answer.data.still;
  assert.ok(still, 'a still of a warm camera');
  assert.match(still.codec, /^avc1\.42/);
  const bytes = Buffer.from(still.data);
  assert.ok(bytes.length > 1_000, `a whole keyframe (${bytes.length} bytes)`);
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 0, 1]);
  assert.ok(still.ageMs >= 0 && still.ageMs < 10_000, `age ${still.ageMs} ms`);
  figures['still bytes'] = bytes.length;

  // Refusals are queued to the audit writer (they gate nothing): flushed before the log is read.
  const audit = async (action: 'view.still' | 'view.refused', cameraId: string) => {
    await t.hub.auditWriter.flush();
    return t.hub.audit.query({ action, cameraId, limit: 10 }).entries;
  };
  assert.ok((await audit('view.still', gangnamCamera!.id)).some((e) => e.agency === 'gangnam-police' && e.outcome === 'allowed'), 'the still is recorded as a view');

  const mapo = await t.client(await t.token('mapo'));
  const refused = await request(mapo, 'camera:still', { cameraId: gangnamCamera!.id });
  assert.equal(!refused.ok && refused.error.code, 'CAMERA_OUT_OF_SCOPE');
  assert.ok((await audit('view.refused', gangnamCamera!.id)).some((e) => e.agency === 'mapo-cctv' && e.code === 'CAMERA_OUT_OF_SCOPE'));

  const cold = await request(mapo, 'camera:still', { cameraId: mapoCamera!.id });
  assert.ok(cold.ok);
  assert.equal(cold.data.still, null, 'no still of a camera never pulled');
  assert.equal((await audit('view.still', mapoCamera!.id)).length, 0, 'nothing shown, nothing recorded');

  // An unknown camera gets the same answer as one out of scope (as camera:watch does).
  const unknown = await request(police, 'camera:still', { cameraId: 'no-such-camera' });
  assert.equal(!unknown.ok && unknown.error.code, 'CAMERA_OUT_OF_SCOPE');
});

test('when the camera drops, the last still stays, with its time', async () => {
  const camera = inDistrict('11680')!;
  const police = await t.client(await t.token('gangnam'));
  const before = await request(police, 'camera:still', { cameraId: camera.id });
  assert.ok(before.ok && before.data.still);
  await t.farm.stop(camera.id);
  await waitUntil(() => t.hub.streams.state(camera) !== 'live', 10_000, 'the ingest notices the drop');
  const after = await request(police, 'camera:still', { cameraId: camera.id });
  assert.ok(after.ok && after.data.still, 'the last still survives the drop');
  assert.ok(after.data.still.capturedAt >= before.data.still.capturedAt);
  assert.ok(after.data.still.ageMs > 0, 'its age is told');
  await t.farm.restart(camera.id);
});
