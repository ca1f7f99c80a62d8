/**
 * The vehicle simulator against a real development hub (its demo plate readers on a simulated
 * feed, its development LPR system): a watchlisted car driven from 선릉역 into 서초구 is read by
 * each camera it passes, in order, through the signed ingestion API; every read is a hit; the
 * 112 room is alerted at each camera, 강남경찰서 only at those in 강남구, the 119 room never.
 * stop() ends the drive: no read after it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_AGENCIES, DEMO_CITIES } from '../../server/cameras/demo.ts';
import type { LprHitEvent } from '../../server/protocol/lpr.ts';
import { startVehicle, type SentRead } from '../../server/lpr/sim/vehicle.ts';
import { startTestHub, type HubClient, type TestHub } from '../support/hub.ts';

const PLATE = '77허7777';
const drive = DEMO_CITIES.seoul.lprRoute!;
let t: TestHub;

before(async () => {
  t = await startTestHub({ cameras: 0, config: { simulator: { cameras: 1, basePort: 0 }, registry: { synthetic: 0 } } });
  const listed = await t.api('/api/lpr/watchlist', await t.token('gangnam-supervisor'), { plate: PLATE, reason: '도주 차량', expiresAt: Date.now() + 3600_000 });
  assert.equal(listed.status, 201, JSON.stringify(listed.json));
});
after(async () => {
  await t?.close();
});

function collect(socket: HubClient): LprHitEvent[] {
  const events: LprHitEvent[] = [];
  socket.on('lpr:hit', (event) => events.push(event));
  return events;
}

test('a simulated car is read at each plate reader it passes, and each hit alerts the right rooms', async () => {
  const world = t.hub.vehicleWorld;
  assert.ok(world, 'a development hub offers the simulator its world');
  const agency = DEMO_AGENCIES.find((a) => a.id === 'seoul-112')!;
  const room = collect(await t.client(await t.hub.devIssuer!.sign(agency, { audience: 'golden-time-hub', ttlSec: 600, purpose: 'emergency-112' })));
  const gangnam = collect(await t.client(await t.token('gangnam')));
  const fire = collect(await t.client(await t.token('fire')));

  const sent: SentRead[] = [];
  const vehicle = startVehicle(world, { hubUrl: t.hub.url, plate: PLATE, from: drive.from, to: drive.to, speedFactor: 40, onRead: (read) => sent.push(read) });
  assert.equal(vehicle.passes.length, drive.sites.length, 'the plan passes every demo reader');
  await vehicle.done;

  assert.deepEqual(sent.map((s) => s.status), vehicle.passes.map(() => 201), JSON.stringify(sent.find((s) => s.status !== 201)?.answer));
  assert.deepEqual(sent.map((s) => s.answer), vehicle.passes.map(() => ({ accepted: 1, hits: 1 })));
  assert.deepEqual(sent.map((s) => s.read.cameraId), vehicle.passes.map((p) => p.camera.id), 'read in driving order');
  for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.read.at >= sent[i - 1]!.read.at, 'read times follow the drive');

  const settle = Date.now() + 5000;
  while (room.length < sent.length && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(room.map((e) => e.camera.id).sort(), vehicle.passes.map((p) => p.camera.id).sort(), 'the 112 room: every hit');
  assert.deepEqual(
    gangnam.map((e) => e.camera.id).sort(),
    vehicle.passes.filter((p) => p.camera.district.code === '11680').map((p) => p.camera.id).sort(),
    '강남경찰서: the hits in 강남구'
  );
  assert.equal(fire.length, 0, 'the 119 room: none');
  assert.ok(room.every((e) => e.read.plate === PLATE && e.read.system === 'dev-lpr'));
});

test('stop() ends the drive: no read is sent after it', async () => {
  const sent: SentRead[] = [];
  const vehicle = startVehicle(t.hub.vehicleWorld!, { hubUrl: t.hub.url, plate: '12가3456', from: drive.from, to: drive.to, speedFactor: 40, onRead: (read) => sent.push(read) });
  while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const stoppedAt = Date.now();
  vehicle.stop();
  await vehicle.done;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // A read already on its way may still be answered; none is sent after stop().
  assert.ok(sent.every((s) => s.read.at <= stoppedAt), 'nothing sent after stop()');
  const atStop = sent.length;
  assert.ok(atStop < vehicle.passes.length);
});
