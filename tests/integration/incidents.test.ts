/**
 * Incidents as a CAD system and the incident page use them, on a real hub: the API's shapes and
 * scope, the live `incidents:changed` list, views opened for an incident (ended with it as
 * INCIDENT_CLOSED, refused for closed / unknown / other agencies' incidents without starting an
 * ingest), and dispatch state surviving a restart on the same data directory.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import type { Dispatch } from '../../server/protocol/dispatch.ts';
import type { IncidentDetail, OpenIncidentResponse } from '../../server/protocol/incidents.ts';
import { nextEvent, request, startTestHub, type HubClient, type TestHub } from '../support/hub.ts';

let t: TestHub;
const IDLE_GRACE_MS = 500;
const figures: Record<string, number> = {};

before(async () => {
  t = await startTestHub({ cameras: 6, config: { ingest: { idleGraceMs: IDLE_GRACE_MS, retryInitialMs: 200, retryMaxMs: 1000 } } });
});
after(async () => {
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`# figure ${name}: ${value}\n`);
  await t?.close();
});

const api = (path: string, token: string, body?: unknown) => t.api(path, token, body);

async function joined(socket: HubClient): Promise<ms.RtpCapabilities> {
  const join = await request(socket, 'media:join', {});
  assert.ok(join.ok, JSON.stringify(join));
  assert.ok((await request(socket, 'transport:create', {})).ok);
  return join.data.routerRtpCapabilities as ms.RtpCapabilities;
}

/** Resolves true if `event` arrives within `ms`. */
function arrives(socket: HubClient, event: 'camera:consumer' | 'incidents:changed', ms: number): Promise<boolean> {
  return nextEvent(socket, event, () => true, ms).then(
    () => true,
    () => false
  );
}

/** A supervisor of the welfare team approves the grant its operator asked for. */
async function approved(opened: { json: any }): Promise<void> {
  const grantId = (opened.json as OpenIncidentResponse).pendingGrant?.id;
  assert.ok(grantId, `a pending grant: ${JSON.stringify(opened.json)}`);
  const decision = await api(`/api/grants/${grantId}/approve`, await t.token('welfare-supervisor'), {});
  assert.equal(decision.status, 200, JSON.stringify(decision.json));
}

test('a CAD system opens an incident: English or Korean type, caller reference, the dispatch started at once, typed errors', async () => {
  const fire = await t.token('cad-119');
  const scene = t.cameras[4]!;
  const colleague = await t.client(await t.token('fire'));
  const police = await t.client(await t.token('gangnam'));
  const listed = nextEvent(colleague, 'incidents:changed', (e) => e.change === 'opened');
  const policeHears = arrives(police, 'incidents:changed', 500);

  const opened = await api('/api/incidents', fire, { type: 'fire', location: scene.location, address: '서울 강남구 테헤란로 1', description: '3층 주택 화재, 요구조자 1명', externalRef: 'CAD-119-000123' });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  const body = opened.json as OpenIncidentResponse;
  assert.equal(body.incident.type, '화재', 'answers carry the Korean type');
  assert.equal(body.incident.externalRef, 'CAD-119-000123');
  assert.equal(body.incident.description, '3층 주택 화재, 요구조자 1명');
  assert.equal(body.incident.agency, 'seoul-119', 'the reporting agency comes from the token');
  assert.equal(body.incident.status, 'open');
  assert.equal(body.grant?.incidentId, body.incident.id, "a trusted source's grant is in force at once");
  assert.ok(body.dispatch, 'a dispatch-119 token gets its route at once');
  assert.equal(body.dispatch.route.station.kind, 'fire');
  assert.equal(body.dispatch.detour, null);

  const [event] = await listed;
  assert.deepEqual(event.incident, body.incident, "the second operator's list updates live");
  assert.equal(await policeHears, false, 'another agency hears nothing of it');

  // A CAD system that retries gets the same incident back, not a second one.
  const retried = await api('/api/incidents', fire, { type: 'fire', location: scene.location, externalRef: 'CAD-119-000123' });
  assert.equal(retried.status, 200);
  assert.deepEqual(retried.json, body);

  const detail = await api(`/api/incidents/${body.incident.id}`, fire);
  assert.equal(detail.status, 200);
  assert.deepEqual(detail.json as IncidentDetail, { incident: body.incident, dispatch: body.dispatch });
  const foreign = await api(`/api/incidents/${body.incident.id}`, await t.token('gangnam'));
  assert.equal(foreign.status, 404);
  assert.equal(foreign.json.error.code, 'INCIDENT_NOT_FOUND', "another agency's incident does not exist for it");
  assert.equal((await api(`/api/incidents/${body.incident.id}/close`, await t.token('gangnam'), {})).json.error.code, 'INCIDENT_NOT_FOUND');

  // No dispatch when asked not to, or for a purpose that does not dispatch; none off the road network, yet the incident opens.
  const quiet = await api('/api/incidents', fire, { type: '구급', location: scene.location, dispatch: false });
  assert.equal(quiet.status, 201);
  assert.equal(quiet.json.dispatch, null);
  const missing = await api('/api/incidents', await t.token('welfare'), { type: 'missing', location: scene.location });
  assert.equal(missing.json.incident.type, '실종');
  assert.equal(missing.json.dispatch, null);
  const busan = await api('/api/incidents', fire, { type: '화재', location: { lat: 35.1, lon: 129.04 } });
  assert.equal(busan.status, 201, JSON.stringify(busan.json));
  assert.equal(busan.json.dispatch, null);
  assert.equal(busan.json.dispatchError.code, 'ROUTE_UNREACHABLE');

  for (const bad of [{ type: 'arson', location: scene.location }, { type: '화재' }, { type: '화재', location: scene.location, callerId: 'x' }, { type: '화재', location: scene.location, externalRef: 'x'.repeat(65) }]) {
    const refused = await api('/api/incidents', fire, bad);
    assert.equal(refused.status, 400, JSON.stringify(bad));
    assert.equal(refused.json.error.code, 'BAD_REQUEST');
    assert.match(refused.json.error.message, /^잘못된 요청입니다 \(.+\)$/);
  }
  colleague.disconnect();
  police.disconnect();
});

test('the incident list: own and granted incidents only, filtered by status', async () => {
  const welfare = await t.token('welfare');
  const opened = await api('/api/incidents', welfare, { type: '실종', location: t.cameras[1]!.location, radiusM: 100 });
  const id = opened.json.incident.id as string;
  const ids = async (token: string, status: string) => ((await api(`/api/incidents?status=${status}`, token)).json.incidents as Array<{ id: string }>).map((i) => i.id);
  assert.ok((await ids(welfare, 'open')).includes(id));
  assert.ok(!(await ids(welfare, 'closed')).includes(id));
  assert.ok(!(await ids(await t.token('fire'), 'all')).includes(id), "119 does not list welfare's incident");
  const fireIncidents = (await api('/api/incidents', await t.token('fire'))).json.incidents as Array<{ agency: string }>;
  assert.ok(fireIncidents.length > 0 && fireIncidents.every((i) => i.agency === 'seoul-119'));

  const colleague = await t.client(await t.token('welfare'));
  const closedEvent = nextEvent(colleague, 'incidents:changed', (e) => e.change === 'closed' && e.incident.id === id);
  assert.equal((await api(`/api/incidents/${id}/close`, welfare, {})).status, 200);
  assert.equal((await closedEvent)[0].incident.status, 'closed');
  assert.ok((await ids(welfare, 'closed')).includes(id));
  assert.ok(!(await ids(welfare, 'open')).includes(id));
  assert.ok((await ids(welfare, 'all')).includes(id));
  assert.equal((await api('/api/incidents?status=bogus', welfare)).status, 400);
  const renew = await api(`/api/incidents/${id}/renew`, welfare, {});
  assert.equal(renew.status, 409);
  assert.equal(renew.json.error.code, 'INCIDENT_CLOSED');
  colleague.disconnect();
});

test('a view for an incident ends with it (INCIDENT_CLOSED) while other views of the camera go on; the ingest idles after the grace', async () => {
  const welfareToken = await t.token('welfare');
  const scene = t.cameras[2]!;
  const opened = await api('/api/incidents', welfareToken, { type: '실종', location: scene.location, radiusM: 100 });
  const incidentId = opened.json.incident.id as string;
  await approved(opened);

  const welfare = await t.client(welfareToken);
  const caps = await joined(welfare);
  const consumer = nextEvent(welfare, 'camera:consumer', (e) => e.cameraId === scene.id);
  const watch = await request(welfare, 'camera:watch', { cameraId: scene.id, rtpCapabilities: caps, incidentId });
  assert.ok(watch.ok, JSON.stringify(watch));
  assert.equal(watch.data.incidentId, incidentId);
  assert.ok(watch.data.grant, 'allowed by an incident grant: the scope rules still decide');
  await consumer;

  // A 119 operator watches the same camera without an incident: that view is not the incident's.
  const fire = await t.client(await t.token('fire'));
  const fireCaps = await joined(fire);
  const fireConsumer = nextEvent(fire, 'camera:consumer', (e) => e.cameraId === scene.id);
  assert.ok((await request(fire, 'camera:watch', { cameraId: scene.id, rtpCapabilities: fireCaps })).ok);
  await fireConsumer;
  let fireClosed = false;
  fire.on('consumer:closed', () => (fireClosed = true));

  let closedAt = 0;
  const ended = nextEvent(welfare, 'consumer:closed', (e) => e.cameraId === scene.id).then(([e]) => ((closedAt = Date.now()), e));
  const started = Date.now();
  assert.equal((await api(`/api/incidents/${incidentId}/close`, welfareToken, {})).status, 200);
  const reason = (await ended).reason;
  figures['incident close (HTTP) → consumer:closed (ms)'] = closedAt - started;
  assert.equal(reason.code, 'INCIDENT_CLOSED', 'not GRANT_ENDED: the view was for the incident');
  assert.match(reason.message, /\(incident closed\)$/);

  await new Promise((r) => setTimeout(r, IDLE_GRACE_MS + 300));
  assert.equal(fireClosed, false, "the 119 operator's view goes on");
  assert.equal(t.hub.streams.state(scene), 'live', 'the ingest runs on for the remaining viewer');
  assert.ok((await request(fire, 'camera:unwatch', { cameraId: scene.id })).ok);
  const unwatchedAt = Date.now();
  while (t.hub.streams.state(scene) !== 'idle') {
    assert.ok(Date.now() - unwatchedAt < IDLE_GRACE_MS + 2000, 'the ingest stops after the grace');
    await new Promise((r) => setTimeout(r, 20));
  }
  figures[`last viewer gone → ingest idle (ms, grace ${IDLE_GRACE_MS})`] = Date.now() - unwatchedAt;

  await t.hub.auditWriter.flush();
  const entries = t.hub.audit.query({ incidentId, limit: 100 }).entries;
  const start = entries.find((e) => e.action === 'view.start' && e.cameraId === scene.id);
  assert.equal(start?.subject, 'user-seoul-welfare', 'the view is audited with its incident');
  assert.equal(entries.find((e) => e.action === 'view.stop' && e.cameraId === scene.id)?.code, 'INCIDENT_CLOSED');
  welfare.disconnect();
  fire.disconnect();
});

test('a watch for a closed, unknown or other agency’s incident is refused: no consumer, no ingest', async () => {
  const fireToken = await t.token('fire');
  const camera = t.cameras[3]!;
  const opened = await api('/api/incidents', fireToken, { type: '화재', location: camera.location, dispatch: false });
  const open = opened.json.incident.id as string;
  const closed = (await api('/api/incidents', fireToken, { type: '구조', location: camera.location, dispatch: false })).json.incident.id as string;
  assert.equal((await api(`/api/incidents/${closed}/close`, fireToken, {})).status, 200);

  const fire = await t.client(fireToken);
  const gangnam = await t.client(await t.token('gangnam'));
  const [fireCaps, gangnamCaps] = [await joined(fire), await joined(gangnam)];
  const gangnamCamera = t.cameras.find((c) => c.district.code === '11680')!;
  const noConsumer = Promise.all([arrives(fire, 'camera:consumer', 600), arrives(gangnam, 'camera:consumer', 600)]);
  const cases: Array<[HubClient, ms.RtpCapabilities, string, string, string]> = [
    [fire, fireCaps, camera.id, closed, 'INCIDENT_CLOSED'],
    [fire, fireCaps, camera.id, 'inc-00000000-0000-0000-0000-000000000000', 'INCIDENT_NOT_FOUND'],
    // Gangnam may watch its own district's camera, but not "for" 119's incident.
    [gangnam, gangnamCaps, gangnamCamera.id, open, 'INCIDENT_NOT_FOUND']
  ];
  for (const [socket, rtpCapabilities, cameraId, incidentId, code] of cases) {
    const refused = await request(socket, 'camera:watch', { cameraId, rtpCapabilities, incidentId });
    assert.equal(!refused.ok && refused.error.code, code, `${incidentId} → ${code}`);
    assert.equal(t.hub.streams.get(t.hub.registry.get(cameraId)!), undefined, 'no ingest was started');
    await t.hub.auditWriter.flush();
    assert.equal(t.hub.audit.query({ action: 'view.refused', cameraId, limit: 10 }).entries.some((e) => e.code === code && e.incidentId === incidentId), true);
  }
  assert.deepEqual(await noConsumer, [false, false], 'no picture was sent');
  const bad = await request(fire, 'camera:watch', { cameraId: camera.id, rtpCapabilities: fireCaps, incidentId: '../x' });
  assert.equal(!bad.ok && bad.error.code, 'BAD_REQUEST');
  fire.disconnect();
  gangnam.disconnect();
});

test('a tile that changes only its incident: watch, unwatch and watch sent back to back act in order — the second view opens for the new incident, the first opens nothing', async () => {
  const fireToken = await t.token('fire');
  const camera = t.cameras[4]!;
  const [first, second] = await Promise.all(['화재', '구조'].map(async (type) => (await api('/api/incidents', fireToken, { type, location: camera.location, dispatch: false })).json.incident.id as string));
  const fire = await t.client(fireToken);
  const caps = await joined(fire);
  // Not awaited one by one: the unwatch lands while the first view's start record is still being written.
  const [watchedFirst, unwatched, watchedSecond] = await Promise.all([
    request(fire, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps, incidentId: first }),
    request(fire, 'camera:unwatch', { cameraId: camera.id }),
    request(fire, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps, incidentId: second })
  ]);
  assert.ok(unwatched.ok, JSON.stringify(unwatched));
  assert.ok(watchedSecond.ok, JSON.stringify(watchedSecond));
  assert.equal(watchedSecond.data.incidentId, second);
  // The first either opened and was then unwatched, or was stopped before it opened: never both views at once.
  assert.ok(watchedFirst.ok || watchedFirst.error.code === 'CAMERA_UNKNOWN', JSON.stringify(watchedFirst));
  // The open view is the second incident's: the first one's close touches nothing, the second's ends it, and then none is left.
  let closedEarly = false;
  const offEarly = nextEvent(fire, 'consumer:closed', () => true, 1_000).then(() => (closedEarly = true), () => undefined);
  assert.equal((await api(`/api/incidents/${first}/close`, fireToken, {})).status, 200);
  await offEarly;
  assert.equal(closedEarly, false, 'closing the first incident ends no view');
  const ended = nextEvent(fire, 'consumer:closed', (e) => e.cameraId === camera.id);
  assert.equal((await api(`/api/incidents/${second}/close`, fireToken, {})).status, 200);
  assert.equal((await ended)[0].reason.code, 'INCIDENT_CLOSED');
  const none = await request(fire, 'camera:unwatch', { cameraId: camera.id });
  assert.equal(none.ok ? 'ok' : none.error.code, 'CAMERA_UNKNOWN', 'no view of the camera is left open');
  await t.hub.auditWriter.flush();
  const stops = t.hub.audit.query({ incidentId: first, action: 'view.stop', limit: 10 }).entries;
  assert.equal(stops.length, 1, 'the first view is recorded as stopped');
  fire.disconnect();
});

test('dispatch state survives a restart on the same data directory; closing keeps it as history', async () => {
  const fire = await t.token('fire');
  const opened = await api('/api/incidents', fire, { type: '화재', location: t.cameras[5]!.location, externalRef: 'CAD-119-restart' });
  assert.equal(opened.status, 201);
  const id = opened.json.incident.id as string;
  const polyline = (opened.json.dispatch as Dispatch).route.polyline;
  const [lon, lat] = polyline[Math.floor(polyline.length / 2)]!;
  const flagged = await api(`/api/incidents/${id}/congestion`, fire, { lat, lon });
  assert.equal(flagged.status, 200, JSON.stringify(flagged.json));
  assert.equal(flagged.json.flagged.length, 1);
  const before = (await api(`/api/incidents/${id}`, fire)).json as IncidentDetail;
  assert.deepEqual(before.dispatch, flagged.json);

  const restartStarted = Date.now();
  await t.restart();
  figures['hub restart (ms)'] = Date.now() - restartStarted;
  const fresh = await t.token('fire');
  const readStarted = Date.now();
  const afterRestart = (await api(`/api/incidents/${id}`, fresh)).json as IncidentDetail;
  figures['first dispatch read after restart, network generated (ms)'] = Date.now() - readStarted;
  assert.deepEqual(afterRestart, before, 'same incident, route, flags and detour');
  assert.deepEqual((await api(`/api/incidents/${id}/dispatch`, fresh)).json, before.dispatch);

  // Still live: a second flag adds to the restored one.
  const more = await api(`/api/incidents/${id}/congestion`, fresh, { lat: polyline[1]![1], lon: polyline[1]![0] });
  assert.equal(more.status, 200);
  assert.ok(more.json.flagged.length >= 1);
  assert.deepEqual(more.json.flagged[0], before.dispatch!.flagged[0]);

  assert.equal((await api(`/api/incidents/${id}/close`, fresh, {})).status, 200);
  const history = (await api(`/api/incidents/${id}`, fresh)).json as IncidentDetail;
  assert.equal(history.incident.status, 'closed');
  assert.deepEqual(history.dispatch, more.json, 'the closed incident keeps its dispatch as history');
  const late = await api(`/api/incidents/${id}/congestion`, fresh, { lat, lon });
  assert.equal(late.status, 409);
  assert.equal(late.json.error.code, 'INCIDENT_CLOSED');
});
