/**
 * Alerts on a real hub with real sockets and real simulated cameras. A source bound to bells in
 * 강남구 has its events refused — unsigned, signed by a key it does not publish or by an issuer
 * the hub does not trust, of a kind it may not report, outside its 구, malformed — each with its
 * code, storing nothing; a retried event is the same alarm. The demo routing matrix: each kind
 * and level reaches exactly its agencies (a socket per agency). An alarm nobody acknowledges
 * escalates after its rule's seconds; an acknowledged one does not. An SOS grants the welfare
 * team (no camera scope of its own) exactly the cameras by the person's latest fix, moves with
 * the next fix and ends when the alarm closes as found. A restart keeps alarms and their grants.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { DEMO_ALERTS } from '../../server/alerts/demo.ts';
import { AlertEmitter } from '../../server/alerts/sim/emit.ts';
import type { AlarmChangedEvent, AlertEventInput } from '../../server/protocol/alerts.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub, type TestSite } from '../support/hub.ts';
import { createTestIssuer, type TestIssuer } from '../support/tokens.ts';

const SEOUL = DEMO_ALERTS.seoul;
const SOS_START = SEOUL.places.sos[0]!;
const SOS_END = SEOUL.places.sos.at(-1)!;
const SITES: readonly TestSite[] = [
  { code: '11680', ...SEOUL.places.bell[0]! }, // 역삼 (강남): the bell's camera
  { code: '11680', lat: 37.5005, lon: 127.0352 }, // 강남, a block away
  { code: '11440', ...SOS_START }, // 연남동 (마포): where the SOS starts
  { code: '11440', ...SOS_END }, // 공덕 (마포): where it ends
  { code: '11440', ...SEOUL.places.crowd[0]! }, // 홍대입구 (마포)
  { code: '11110', ...SEOUL.places.fire[0]! }, // 종로
  { code: '11650', lat: 37.4979, lon: 127.0276 } // 서초: the demo underpass
];
const JONGNO = SEOUL.places.fire[0]!;
/** Camera i's place as an event names a position. */
const point = (i: number) => ({ lat: SITES[i]!.lat, lon: SITES[i]!.lon });
const ESCALATE_S = 0.6;
const REFUSAL_WINDOW_MS = 300;
const AGENCIES = ['seoul-119', 'seoul-112', 'gangnam-police', 'seocho-cctv', 'mapo-cctv', 'seoul-disaster', 'seoul-welfare'] as const;

let t: TestHub;
let bells: TestIssuer;
let impostor: TestIssuer;
let dev: AlertEmitter;
let seq = 0;

before(async () => {
  bells = await createTestIssuer('https://bells.gangnam.test', []);
  impostor = await createTestIssuer('https://bells.gangnam.test', []);
  t = await startTestHub({
    cameras: SITES.length,
    sites: SITES,
    config: {
      alerts: {
        sources: [{ name: 'gangnam-bells', issuer: bells.config.issuer, jwksFile: bells.config.jwksFile, kinds: ['bell'], districts: ['11680'] }],
        // Beside the demo's: a tag in 종로 left unacknowledged goes to 강남경찰서 at once.
        routes: [{ kinds: ['tag'], districts: ['11110'], to: [{ agency: 'seoul-112', priority: 1 }], escalateAfterS: ESCALATE_S, escalateTo: 'gangnam-police' }],
        nearestCameras: 1,
        // 60 at once, then one a second: the burst below outruns the refill however slow the machine.
        rate: { perSecond: 1, burst: 60 }
      },
      audit: { refusedHandshakes: { intervalMs: REFUSAL_WINDOW_MS } }
    }
  });
  dev = new AlertEmitter(t.hub.url, t.hub.alertSigner!);
});
after(async () => {
  await t?.close();
});

const cam = (i: number) => t.cameras[i]!;
const nextId = (kind: string) => `${kind}-${++seq}-${Date.now()}`;
const bell = (overrides: Record<string, unknown> = {}): AlertEventInput =>
  ({ sourceEventId: nextId('bell'), phase: 'new', at: Date.now(), kind: 'bell', bellId: 'B-0142', position: point(0), cameraId: cam(0).id, ...overrides }) as AlertEventInput;

async function post(body: unknown, authorization: string | undefined): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.hub.url}/api/alerts/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body)
  });
  return { status: res.status, json: await res.json() };
}
const signed = async () => `Bearer ${await bells.sign({ sub: 'gangnam-bells' })}`;

/** A session of a demo agency (the development issuer), recording every `alarm:changed` it gets. */
async function session(agencyId: string, role?: 'supervisor' | 'wall'): Promise<{ socket: HubClient; seen: AlarmChangedEvent[] }> {
  const agency = DEMO_AGENCIES.find((a) => a.id === agencyId)!;
  const token = await t.hub.devIssuer!.sign(agency, { audience: 'golden-time-hub', ttlSec: 600, purpose: agency.purposes[0]!, ...(role ? { role, subject: `demo:${agency.id}:${role}` } : {}) });
  const socket = await t.client(token);
  const seen: AlarmChangedEvent[] = [];
  socket.on('alarm:changed', (event) => seen.push(event));
  return { socket, seen };
}

async function raise(event: AlertEventInput): Promise<string> {
  const sent = await dev.send(event);
  assert.ok(sent.ok, JSON.stringify(sent));
  return sent.answer.alarmId;
}

test('refused events say why and store nothing; a retried event is the same alarm', async () => {
  const before = t.hub.alarms.counts().stored;
  const cases: Array<[string, unknown, string | undefined, number, string]> = [
    ['unsigned', bell(), undefined, 401, 'AUTH_REQUIRED'],
    ['a key the source does not publish', bell(), `Bearer ${await impostor.sign({ sub: 'gangnam-bells' })}`, 401, 'AUTH_UNTRUSTED_ISSUER'],
    ['an issuer the hub does not trust for events', bell(), `Bearer ${await t.issuers.police.sign({ sub: 'x' })}`, 401, 'AUTH_UNTRUSTED_ISSUER'],
    ['a kind the source may not report', { sourceEventId: nextId('crowd'), phase: 'new', at: Date.now(), kind: 'crowd', density: 4.2, cameraId: cam(0).id }, await signed(), 403, 'EVENT_KIND_NOT_ALLOWED'],
    ['outside its 구 (마포)', bell({ position: SOS_START, cameraId: cam(2).id }), await signed(), 403, 'OUT_OF_REGION'],
    ['outside the hub’s region (부산)', bell({ position: { lat: 35.1796, lon: 129.0756 } }), await signed(), 403, 'OUT_OF_REGION'],
    ['an unknown camera', bell({ cameraId: 'no-such-camera' }), await signed(), 404, 'CAMERA_UNKNOWN'],
    ['no bell id', { ...bell(), bellId: undefined }, await signed(), 400, 'BAD_REQUEST'],
    ['an unknown phase', bell({ phase: 'started' }), await signed(), 400, 'BAD_REQUEST'],
    ['a field it does not know', bell({ extra: 1 }), await signed(), 400, 'BAD_REQUEST'],
    ['the end of an event never raised', { sourceEventId: 'never', phase: 'end', at: Date.now(), kind: 'bell' }, await signed(), 404, 'ALARM_NOT_FOUND']
  ];
  for (const [name, body, authorization, status, code] of cases) {
    const answer = await post(body, authorization);
    assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.json)}`);
    assert.equal(answer.json.error.code, code, name);
    assert.ok(answer.json.error.message.length > 0, `${name}: a message for people`);
  }
  const missing = await post({ ...bell(), bellId: undefined }, await signed());
  assert.match(missing.json.error.message, /bellId/, 'a malformed event names the field');
  assert.equal(t.hub.alarms.counts().stored, before, 'nothing was stored');

  const event = bell();
  const first = await post(event, await signed());
  assert.equal(first.status, 201, JSON.stringify(first.json));
  assert.equal(first.json.result, 'raised');
  const again = await post(event, await signed());
  assert.equal(again.status, 200);
  assert.deepEqual(again.json, { alarmId: first.json.alarmId, result: 'duplicate' }, 'a retry answers the same alarm');
  assert.equal(t.hub.alarms.counts().stored, before + 1, 'stored once');
  // The source ends it before anyone acknowledged it: the alarm closes (source_ended); a second end changes nothing.
  const end = { sourceEventId: event.sourceEventId, phase: 'end', at: Date.now(), kind: 'bell', note: '오작동 확인' };
  assert.deepEqual((await post(end, await signed())).json, { alarmId: first.json.alarmId, result: 'ended' });
  assert.deepEqual((await post(end, await signed())).json, { alarmId: first.json.alarmId, result: 'closed' });
  const gone = await request((await session('seoul-112')).socket, 'alarms:list', { status: 'closed' });
  const closed = gone.ok && gone.data.alarms.find((a) => a.id === first.json.alarmId);
  assert.ok(closed && closed.closeReason === 'source_ended', JSON.stringify(closed));
  assert.deepEqual(closed.history.map((h) => h.action), ['raised', 'source_ended', 'closed']);

  // Refusals are on the record, counted per source (not one record each).
  await new Promise((resolve) => setTimeout(resolve, REFUSAL_WINDOW_MS * 2));
  await t.hub.auditWriter.flush();
  const refused = t.hub.audit.query({ action: 'alert.refused', limit: 100 }).entries;
  assert.ok(refused.some((e) => e.code === 'EVENT_KIND_NOT_ALLOWED' && e.subject === 'gangnam-bells'), JSON.stringify(refused.map((e) => [e.code, e.subject])));
  assert.ok(refused.some((e) => e.code === 'AUTH_REQUIRED'));
});

test('the routing matrix: each kind and level reaches exactly its agencies, at its priority', async () => {
  const sessions = new Map(await Promise.all(AGENCIES.map(async (agency) => [agency, await session(agency)] as const)));
  const cases: Array<[string, AlertEventInput, Record<string, number>]> = [
    ['fire', { sourceEventId: nextId('fire'), phase: 'new', at: Date.now(), kind: 'fire', detected: 'fire', confidence: 0.92, cameraId: cam(5).id }, { 'seoul-119': 1, 'seoul-disaster': 2 }],
    ['crowd 주의', { sourceEventId: nextId('crowd'), phase: 'new', at: Date.now(), kind: 'crowd', density: 3.4, cameraId: cam(4).id }, { 'seoul-disaster': 3 }],
    ['crowd 경계', { sourceEventId: nextId('crowd'), phase: 'new', at: Date.now(), kind: 'crowd', density: 4.4, cameraId: cam(4).id }, { 'seoul-disaster': 2, 'seoul-112': 2 }],
    ['crowd 심각', { sourceEventId: nextId('crowd'), phase: 'new', at: Date.now(), kind: 'crowd', density: 5.6, cameraId: cam(4).id }, { 'seoul-disaster': 1, 'seoul-112': 1, 'seoul-119': 1 }],
    ['underpass water 경계', { sourceEventId: nextId('water'), phase: 'new', at: Date.now(), kind: 'water', siteId: SEOUL.waterSites[0]!.id, levelCm: 24 }, { 'seoul-disaster': 2, 'seoul-112': 2 }],
    ['bell in 강남', bell({ sourceEventId: nextId('bell') }), { 'seoul-112': 1, 'gangnam-police': 1 }],
    ['bell in 마포', bell({ sourceEventId: nextId('bell'), position: SOS_START, cameraId: cam(2).id }), { 'seoul-112': 1, 'mapo-cctv': 1 }],
    ['SOS', { sourceEventId: nextId('sos'), phase: 'new', at: Date.now(), kind: 'sos', category: '아동', fixes: [{ ...SOS_START, at: Date.now() }] }, { 'seoul-112': 1, 'seoul-welfare': 1 }],
    ['electronic tag in 강남', { sourceEventId: nextId('tag'), phase: 'new', at: Date.now(), kind: 'tag', tagId: 'T-9', fixes: [{ ...point(1), at: Date.now() }] }, { 'seoul-112': 1 }]
  ];
  const raised: Array<[string, string, Record<string, number>]> = [];
  for (const [name, event, expected] of cases) raised.push([name, await raise(event), expected]);
  // Every expected session hears of its alarm; then a moment for any that should not.
  for (const [name, alarmId, expected] of raised) {
    for (const agency of Object.keys(expected)) {
      const { seen, socket } = sessions.get(agency as (typeof AGENCIES)[number])!;
      if (!seen.some((e) => e.alarm.id === alarmId)) await nextEvent(socket, 'alarm:changed', (e) => e.alarm.id === alarmId).catch(() => assert.fail(`${name}: ${agency} got nothing`));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const [name, alarmId, expected] of raised) {
    const got: Record<string, number> = {};
    for (const [agency, { seen }] of sessions) {
      const event = seen.find((e) => e.alarm.id === alarmId);
      if (event) got[agency] = event.alarm.priority;
    }
    assert.deepEqual(got, expected, `${name} reaches exactly ${Object.keys(expected).join(' + ')}`);
  }

  // A crowd rising 주의 → 심각 on updates reaches more agencies as it rises; nobody is dropped.
  const rising = nextId('crowd');
  const alarmId = await raise({ sourceEventId: rising, phase: 'new', at: Date.now(), kind: 'crowd', density: 3.1, cameraId: cam(4).id });
  const fire = sessions.get('seoul-119')!;
  const reached = nextEvent(fire.socket, 'alarm:changed', (e) => e.alarm.id === alarmId);
  const updated = await dev.send({ sourceEventId: rising, phase: 'update', at: Date.now(), kind: 'crowd', density: 5.2, cameraId: cam(4).id });
  assert.deepEqual(updated.ok && updated.answer, { alarmId, result: 'updated' });
  const [event] = await reached;
  assert.equal(event.alarm.level, '심각');
  assert.deepEqual(event.alarm.recipients.map((r) => r.agency).sort(), ['seoul-112', 'seoul-119', 'seoul-disaster']);
  // 주의 reached the disaster room at priority 3; at 심각 it is priority 1 there too, as a new 심각 would be.
  assert.deepEqual(Object.fromEntries(event.alarm.recipients.map((r) => [r.agency, r.priority])), { 'seoul-disaster': 1, 'seoul-112': 1, 'seoul-119': 1 });
  assert.deepEqual(event.alarm.history.map((h) => [h.action, h.level]), [['raised', '주의'], ['updated', '심각']]);

  // The queue: the caller's agency's open alarms, most urgent first.
  const listed = await request(sessions.get('seoul-disaster')!.socket, 'alarms:list', {});
  assert.ok(listed.ok);
  const priorities = listed.data.alarms.map((a) => a.priority);
  assert.deepEqual(priorities, [...priorities].sort((a, b) => a - b));
  assert.ok(listed.data.alarms.some((a) => a.id === alarmId));
  assert.ok(!listed.data.alarms.some((a) => a.kind === 'bell'), 'no bell in the disaster room’s queue');
  const stranger = await request(sessions.get('seoul-welfare')!.socket, 'alarm:ack', { alarmId });
  assert.equal(!stranger.ok && stranger.error.code, 'ALARM_NOT_FOUND', 'another agency’s alarm does not exist for it');

  // Each closed by one of its recipients (a false alarm): nothing of this test stays open for the next.
  for (const [name, id, expected] of [...raised, ['rising crowd', alarmId, { 'seoul-disaster': 1 }] as const]) {
    const closer = sessions.get(Object.keys(expected)[0] as (typeof AGENCIES)[number])!;
    const closed = await request(closer.socket, 'alarm:state', { alarmId: id, status: 'closed', closeReason: 'false_alarm' });
    assert.ok(closed.ok && closed.data.alarm.status === 'closed', `${name}: ${JSON.stringify(closed)}`);
  }
});

test('an alarm nobody acknowledges escalates after its rule’s seconds; an acknowledged one does not', async () => {
  const police = await session('seoul-112');
  const gangnam = await session('gangnam-police');
  const tag = (sourceEventId: string): AlertEventInput => ({ sourceEventId, phase: 'new', at: Date.now(), kind: 'tag', tagId: 'T-7', fixes: [{ ...JONGNO, at: Date.now() }] });
  const idle = await raise(tag(nextId('tag')));
  const worked = await raise(tag(nextId('tag')));
  const ack = await request(police.socket, 'alarm:ack', { alarmId: worked, comment: '확인, 순찰차 배정' });
  assert.ok(ack.ok, JSON.stringify(ack));
  assert.equal(ack.data.alarm.status, 'acknowledged');
  assert.equal(ack.data.alarm.escalateAt, null);

  const [escalated] = await nextEvent(gangnam.socket, 'alarm:changed', (e) => e.alarm.id === idle && e.change === 'escalated');
  const raisedAt = escalated.alarm.raisedAt;
  const waited = escalated.alarm.history.find((h) => h.action === 'escalated')!.at - raisedAt;
  assert.ok(waited >= ESCALATE_S * 1000, `escalated after ${waited} ms, not before ${ESCALATE_S} s`);
  assert.equal(escalated.alarm.escalated, true);
  assert.deepEqual(escalated.alarm.recipients.map((r) => [r.agency, r.via]), [['seoul-112', 'route'], ['gangnam-police', 'escalation']]);
  // The agency it escalated to holds the alarm's grant: a 종로 camera, outside 강남경찰서's scope.
  const capabilities = await joined(gangnam.socket);
  const watched = await request(gangnam.socket, 'camera:watch', { cameraId: cam(5).id, rtpCapabilities: capabilities, incidentId: escalated.alarm.incidentId });
  assert.ok(watched.ok, JSON.stringify(watched));
  assert.equal(watched.data.grant?.incidentId, escalated.alarm.incidentId);

  await new Promise((resolve) => setTimeout(resolve, ESCALATE_S * 1000 + 500));
  assert.ok(!gangnam.seen.some((e) => e.alarm.id === worked), 'the acknowledged alarm never reached 강남경찰서');
  const late = await request(police.socket, 'alarm:ack', { alarmId: worked });
  assert.equal(!late.ok && late.error.code, 'ALARM_INVALID_TRANSITION');

  await t.hub.auditWriter.flush();
  const entries = t.hub.audit.query({ action: 'alarm.escalated', limit: 50 }).entries;
  assert.ok(entries.some((e) => e.detail?.alarmId === idle && e.detail?.to === 'gangnam-police'));
  assert.ok(!entries.some((e) => e.detail?.alarmId === worked));
});

test('an SOS grants the welfare team exactly the cameras by the latest fix, moves with the fixes and ends when closed as found', async () => {
  const welfare = await session('seoul-welfare');
  const wall = await session('seoul-welfare', 'wall');
  const capabilities = await joined(welfare.socket);
  const watch = (cameraId: string, incidentId?: string) => request(welfare.socket, 'camera:watch', { cameraId, rtpCapabilities: capabilities, ...(incidentId ? { incidentId } : {}) });
  const [start, end] = [cam(2).id, cam(3).id];
  const before = await watch(start);
  assert.equal(!before.ok && before.error.code, 'CAMERA_OUT_OF_SCOPE', 'the welfare team sees no camera of its own');
  await request(welfare.socket, 'camera:unwatch', { cameraId: start });

  const sourceEventId = nextId('sos');
  const t0 = Date.now();
  const heard = nextEvent(welfare.socket, 'alarm:changed', (e) => e.change === 'raised' && e.alarm.source.eventId === sourceEventId);
  const alarmId = await raise({
    sourceEventId, phase: 'new', at: t0, kind: 'sos', category: '치매', description: '80대 남성, 회색 점퍼',
    guardianContact: '010-1234-5678', fixes: [{ ...SOS_START, at: t0, accuracyM: 10 }]
  });
  const [raised] = await heard;
  assert.equal(raised.alarm.id, alarmId);
  assert.deepEqual(raised.alarm.cameras, [start], 'the camera by the fix');
  assert.ok(raised.alarm.detail.kind === 'sos' && raised.alarm.detail.guardianContact === '010-1234-5678', 'the operator sees the guardian’s contact');
  const onWall = wall.seen.find((e) => e.alarm.id === alarmId) ?? (await nextEvent(wall.socket, 'alarm:changed', (e) => e.alarm.id === alarmId))[0];
  assert.ok(onWall.alarm.detail.kind === 'sos' && onWall.alarm.detail.guardianContact === null && onWall.alarm.detail.guardianMasked, 'a wall does not');

  const opened = await request(welfare.socket, 'alarm:open', { alarmId });
  assert.ok(opened.ok, JSON.stringify(opened));
  assert.deepEqual(opened.data.center, SOS_START);
  assert.deepEqual(opened.data.cameras.map((c) => c.id), [start], 'the tiles get what the welfare team may see: the alarm’s cameras');
  const incidentId = opened.data.incidentId;

  const consumer = nextEvent(welfare.socket, 'camera:consumer', (e) => e.cameraId === start);
  const playing = await watch(start, incidentId);
  assert.ok(playing.ok, JSON.stringify(playing));
  assert.ok(playing.data.grant, 'by the alarm’s grant');
  await consumer;
  const ahead = await watch(end, incidentId);
  assert.equal(!ahead.ok && ahead.error.code, 'CAMERA_OUT_OF_SCOPE', 'a camera away from the person is not open');
  await request(welfare.socket, 'camera:unwatch', { cameraId: end });

  // The person walks on: the grant moves to the cameras by the new fix; the old view ends.
  const left = nextEvent(welfare.socket, 'consumer:closed', (e) => e.cameraId === start);
  const moved = nextEvent(welfare.socket, 'alarm:changed', (e) => e.alarm.id === alarmId && e.change === 'updated');
  const update = await dev.send({ sourceEventId, phase: 'update', at: t0 + 3000, kind: 'sos', category: '치매', fixes: [{ ...SOS_END, at: t0 + 3000 }] });
  assert.ok(update.ok && update.answer.result === 'updated', JSON.stringify(update));
  const [{ alarm }] = await moved;
  assert.deepEqual(alarm.cameras, [end]);
  assert.deepEqual(alarm.location, SOS_END);
  assert.ok(alarm.detail.kind === 'sos' && alarm.detail.track.length === 2, 'the path keeps both fixes');
  await left;
  const followed = nextEvent(welfare.socket, 'camera:consumer', (e) => e.cameraId === end);
  const there = await watch(end, incidentId);
  assert.ok(there.ok, JSON.stringify(there));
  await followed;

  // Found: the alarm closes, the view ends at once, the camera is refused again.
  const ended = nextEvent(welfare.socket, 'consumer:closed', (e) => e.cameraId === end);
  const closed = await request(welfare.socket, 'alarm:state', { alarmId, status: 'closed', closeReason: 'found', comment: '공덕역 인근에서 발견, 보호자 인계' });
  assert.ok(closed.ok, JSON.stringify(closed));
  assert.equal(closed.data.alarm.status, 'closed');
  assert.equal(closed.data.alarm.closeReason, 'found');
  const [stop] = await ended;
  assert.ok(['INCIDENT_CLOSED', 'GRANT_ENDED'].includes(stop.reason.code), stop.reason.code);
  await request(welfare.socket, 'camera:unwatch', { cameraId: end });
  const refused = await watch(end);
  assert.equal(!refused.ok && refused.error.code, 'CAMERA_OUT_OF_SCOPE', 'refused again after the alarm closed');
  const late = await dev.send({ sourceEventId, phase: 'update', at: t0 + 6000, kind: 'sos', category: '치매', fixes: [{ ...SOS_START, at: t0 + 6000 }] });
  assert.deepEqual(late.ok && late.answer, { alarmId, result: 'closed' }, 'a fix after the close changes nothing');

  await t.hub.auditWriter.flush();
  const entries = t.hub.audit.query({ incidentId, limit: 200 }).entries;
  const withAlarm = (action: string) => entries.filter((e) => e.action === action && e.detail?.alarmId === alarmId);
  for (const action of ['alarm.raised', 'alarm.routed', 'alarm.opened', 'alarm.closed', 'grant.issued', 'grant.renewed', 'grant.ended', 'view.start']) {
    assert.ok(withAlarm(action).length > 0, `${action} is on the record with the alarm`);
  }
  assert.ok(!JSON.stringify(entries).includes('010-1234-5678'), 'the guardian’s contact is never in the audit');
});

test('the SOS simulator walks its track through the front door, signed by the development source', async () => {
  const agency = DEMO_AGENCIES.find((a) => a.id === 'seoul-welfare')!;
  const token = await t.hub.devIssuer!.sign(agency, { audience: 'golden-time-hub', ttlSec: 600, purpose: 'vulnerable-person' });
  const welfare = await session('seoul-welfare');
  const started = await t.api('/api/dev/alert-scenario', token, { kind: 'sos', speedFactor: 20 });
  assert.equal(started.status, 200, JSON.stringify(started.json));
  assert.equal(started.json.steps, SEOUL.places.sos.length);
  const alarmId: string = started.json.alarmId;
  const [last] = await nextEvent(welfare.socket, 'alarm:changed', (e) => e.alarm.id === alarmId && e.alarm.detail.kind === 'sos' && e.alarm.detail.track.length === SEOUL.places.sos.length);
  assert.deepEqual(last.alarm.location, SOS_END, 'the alarm’s point is the last fix');
  assert.equal(last.alarm.source.name, 'dev-alerts');
  const unknown = await t.api('/api/dev/alert-scenario', token, { kind: 'flood' });
  assert.equal(unknown.json.error?.code, 'BAD_REQUEST');
  const closed = await request(welfare.socket, 'alarm:state', { alarmId, status: 'closed', closeReason: 'found' });
  assert.ok(closed.ok);
});

test('a source over its rate is refused; a restart keeps alarms, their state and their grants', async () => {
  // Events refused only after the rate is spent (a bell in 마포): quick to answer, so the burst outruns the refill.
  const token = await signed();
  const codes = new Set<string>();
  for (let i = 0; i < 150 && !codes.has('RATE_LIMITED'); i++) codes.add((await post(bell({ position: point(2), cameraId: cam(2).id }), token)).json.error?.code);
  assert.deepEqual([...codes].sort(), ['OUT_OF_REGION', 'RATE_LIMITED'], 'the source’s rate holds');

  const police = await session('seoul-112');
  const alarmId = await raise(bell());
  const acked = await request(police.socket, 'alarm:ack', { alarmId, comment: '출동 지시' });
  assert.ok(acked.ok);
  const opened = await request(police.socket, 'alarm:open', { alarmId });
  assert.ok(opened.ok);
  assert.equal(opened.data.cameras[0]?.id, cam(0).id, 'the bell’s camera first');

  await t.restart();
  dev = new AlertEmitter(t.hub.url, t.hub.alertSigner!);
  const again = await session('seoul-112');
  const listed = await request(again.socket, 'alarms:list', {});
  assert.ok(listed.ok);
  const kept = listed.data.alarms.find((a) => a.id === alarmId);
  assert.ok(kept, 'the alarm survived the restart');
  assert.equal(kept.status, 'acknowledged');
  assert.deepEqual(kept.history.map((h) => h.action), ['raised', 'acknowledged']);
  assert.equal(kept.history[1]!.comment, '출동 지시');
  const gangnam = await session('gangnam-police');
  const capabilities = await joined(gangnam.socket);
  // 강남경찰서's own scope covers the bell's camera; the grant is what makes the incident its own to watch for.
  const watched = await request(gangnam.socket, 'camera:watch', { cameraId: cam(0).id, rtpCapabilities: capabilities, incidentId: kept.incidentId });
  assert.ok(watched.ok, JSON.stringify(watched));
  const retried = await dev.send(bell({ sourceEventId: kept.source.eventId }));
  assert.deepEqual(retried.ok && retried.answer, { alarmId, result: 'duplicate' }, 'still idempotent after the restart');
});
