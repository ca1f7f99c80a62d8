/**
 * A pursuit on a real hub, real sockets and real cameras standing on the hub's own road network
 * along the scenario's way from 강남구 west into 서초구: 강남경찰서 opens a pursuit on a sighting, and its
 * corridor grant lets its session watch the 서초 cameras predicted next — not a 서초 camera off the
 * corridor — without any request to 서초; the grant moves (and is renewed) as a sighting re-anchors
 * it, and ends with the pursuit (watch refused again, open views ended). 서초's control centre
 * sees it live; the audit holds the grant, the views and the end, each with the pursuit. A
 * wanted-vehicle (LPR) hit anchors a pursuit of its own, and the next hit moves it; the
 * development scenario's simulated vehicle does the same from the board's one click.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { GeoService } from '../../server/geo/service.ts';
import { SCENARIO_FROM, SCENARIO_TO } from '../../server/pursuit/scenario.ts';
import { seoulDistrictSet } from '../../server/geo/districts.ts';
import { bearingDeg, haversineM } from '../../server/geo/geometry.ts';
import type { GrantsChangedEvent } from '../../server/protocol/grants.ts';
import type { PursuitChangedEvent, PursuitResponse, PursuitScenarioState } from '../../server/protocol/pursuit.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub, type TestSite } from '../support/hub.ts';

const SPACING_M = 350;
/** 내곡동, 서초구: far from the line of travel. */
const OFF_CORRIDOR = { lat: 37.4600, lon: 127.0750 };
const GRANT_TTL_MS = 60_000;
/** Short, so the test sees a dropped camera's overlap end. */
const OVERLAP_MS = 4_000;

/** Plate-reading cameras every 350 m along the hub's own fastest route of the scenario, each with the heading of travel there. */
function routeSites(): Array<TestSite & { headingDeg: number }> {
  const route = new GeoService([]).router().route(SCENARIO_FROM, SCENARIO_TO);
  const districts = seoulDistrictSet();
  const sites: Array<TestSite & { headingDeg: number }> = [];
  let along = 0;
  let next = SPACING_M / 2;
  for (let i = 1; i < route.polyline.length; i++) {
    const [lon1, lat1] = route.polyline[i - 1]!;
    const [lon2, lat2] = route.polyline[i]!;
    const d = haversineM(lat1, lon1, lat2, lon2);
    for (; along + d >= next; next += SPACING_M) {
      const f = (next - along) / d;
      const lat = lat1 + (lat2 - lat1) * f;
      const lon = lon1 + (lon2 - lon1) * f;
      const code = districts.at(lat, lon)?.code;
      if (code === '11680' || code === '11650') sites.push({ code, lat, lon, category: '교통단속', headingDeg: Math.round(bearingDeg(lat1, lon1, lat2, lon2)) });
    }
    along += d;
  }
  return sites;
}

const ROUTE = routeSites();
const SITES: readonly TestSite[] = [...ROUTE, { code: '11650', ...OFF_CORRIDOR }];
const gangnamPolice = DEMO_AGENCIES.find((a) => a.id === 'gangnam-police')!;

let t: TestHub;
const figures: Record<string, number> = {};

before(async () => {
  assert.equal(seoulDistrictSet().at(OFF_CORRIDOR.lat, OFF_CORRIDOR.lon)?.code, '11650', 'the off-corridor camera stands in 서초구');
  t = await startTestHub({
    cameras: SITES.length,
    sites: SITES,
    config: {
      // The demo's 강남경찰서 with four corridor cameras and a minute's grant, to see the corridor move within a test.
      agencies: [{ ...gangnamPolice, pursuits: { ...gangnamPolice.pursuits!, maxCameras: 4, ttlMs: GRANT_TTL_MS, overlapMs: OVERLAP_MS } }],
      // Sightings and hits re-predict at once; the timer's re-predictions as time passes would only make the corridor drift under a slow test.
      pursuits: { predictEveryMs: 10_000 }
    }
  });
  // The road network and the predictor are built on first use (npm start builds them before listening): here, before the clock of any event wait starts.
  const { token } = await session('gangnam-police');
  assert.equal((await t.api(`/api/pursuits/roads?cameraId=${cam(0).id}`, token)).status, 200);
});
after(async () => {
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`# figure ${name}: ${value}\n`);
  await t?.close();
});

/** A session of a demo agency, signed by the hub's development issuer. */
async function session(agencyId: string, role?: 'supervisor' | 'auditor'): Promise<{ token: string; socket: HubClient }> {
  const agency = DEMO_AGENCIES.find((a) => a.id === agencyId)!;
  const token = await t.hub.devIssuer!.sign(agency, { audience: 'golden-time-hub', ttlSec: 600, purpose: agency.purposes[0]!, ...(role ? { role, subject: `demo:${agency.id}:${role}` } : {}) });
  return { token, socket: await t.client(token) };
}

const cam = (i: number) => t.cameras[i]!;
const routeIndex = (code: string) => ROUTE.map((s, i) => (s.code === code ? i : -1)).filter((i) => i >= 0);
const offCorridor = () => t.cameras.at(-1)!;

test('a 강남 pursuit’s corridor grant crosses into 서초 without asking 서초, moves with the sightings, and ends with the pursuit', async () => {
  const gangnamAt = routeIndex('11680');
  const seochoAt = routeIndex('11650');
  assert.ok(gangnamAt.length >= 2 && seochoAt.length >= 4, `the route runs through both 구 (${ROUTE.map((s) => s.code).join(' ')})`);
  // The last 강남 camera before the border: the next ones on the road are 서초's.
  const start = gangnamAt.at(-1)!;
  const { token, socket } = await session('gangnam-police');
  const capabilities = await joined(socket);
  const centre = await session('seocho-cctv');
  await joined(centre.socket);
  const watch = (cameraId: string, incidentId: string) => request(socket, 'camera:watch', { cameraId, rtpCapabilities: capabilities, incidentId });

  const noticed = nextEvent(centre.socket, 'grants:changed', (e) => e.list === 'overOwnCameras' && e.view.grant.pursuitId !== undefined);
  const opened = await t.api('/api/pursuits', token, {
    target: { kind: 'vehicle', plate: '12가3456', colour: '흰색', vehicleType: '승용차' },
    sighting: { cameraId: cam(start).id, headingDeg: ROUTE[start]!.headingDeg }
  });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  const { pursuit } = opened.json as PursuitResponse;
  assert.equal(pursuit.agency, 'gangnam-police');
  assert.equal(pursuit.track.length, 1);
  assert.ok(pursuit.prediction && pursuit.prediction.cameras.length > 0, 'the next cameras are predicted');
  const first = pursuit.prediction.cameras[0]!;
  assert.ok(first.etaMaxS > first.etaMinS && first.district.name !== '', 'each with its window and 구');
  const granted = pursuit.grant?.cameraIds ?? [];
  assert.equal(granted[0], cam(start).id, 'the sighting’s camera is held first');
  assert.ok(granted.length <= 4, 'never more than the rules’ count');
  const seochoGranted = granted.filter((id) => t.cameras.find((c) => c.id === id)?.district.code === '11650');
  assert.ok(seochoGranted.length > 0, `the corridor reaches into 서초: ${granted.join(', ')}`);
  assert.ok(pursuit.grant!.districts.some((d) => d.code === '11650'));
  const incidentId = pursuit.incidentId;

  // 강남's session watches a 서초 camera on the corridor, under the pursuit's grant; not one off it, nor one beyond it.
  const inCorridor = seochoGranted[0]!;
  const allowed = await watch(inCorridor, incidentId);
  assert.ok(allowed.ok, JSON.stringify(allowed));
  assert.equal(allowed.data.grant?.id, pursuit.grant!.id);
  const off = await watch(offCorridor().id, incidentId);
  assert.equal(!off.ok && off.error.code, 'CAMERA_OUT_OF_SCOPE', 'a 서초 camera off the corridor stays closed');
  // The farthest on the way: more than the rules' count ahead.
  const beyond = cam(seochoAt.at(-1)!).id;
  assert.ok(!granted.includes(beyond));
  const early = await watch(beyond, incidentId);
  assert.equal(!early.ok && early.error.code, 'CAMERA_OUT_OF_SCOPE', 'a 서초 camera beyond the corridor is not open yet');

  const [notice] = await noticed;
  assert.equal(notice.view.grant.pursuitId, pursuit.id);
  assert.equal(notice.view.grant.agency, 'gangnam-police');
  assert.equal(notice.view.agencyName, '강남경찰서');
  assert.deepEqual(notice.view.cameraIds, seochoGranted, '서초 sees which of its cameras, and only its own');
  assert.ok(notice.view.grant.expiresAt! > Date.now());

  // A sighting in 서초 at the corridor's far end: the corridor moves ahead (cameras beyond open), the grant is renewed.
  const next = seochoAt.filter((i) => granted.includes(cam(i).id)).at(-1)!;
  const moved = nextEvent(socket, 'pursuit:changed', (e) => e.change === 'sighting');
  const centreMoved = nextEvent(centre.socket, 'grants:changed', (e: GrantsChangedEvent) => e.change === 'renewed');
  const sighted = await t.api(`/api/pursuits/${pursuit.id}/sightings`, token, { cameraId: cam(next).id, headingDeg: ROUTE[next]!.headingDeg });
  assert.equal(sighted.status, 200, JSON.stringify(sighted.json));
  const [event] = (await moved) as [PursuitChangedEvent];
  assert.equal(event.pursuit.track.length, 2);
  assert.equal(event.pursuit.prediction?.anchorSightingId, event.pursuit.track[1]!.id, 're-anchored at the new sighting');
  const after = event.pursuit.grant!;
  assert.equal(after.id, pursuit.grant!.id, 'the same grant, moved');
  assert.ok(after.expiresAt > pursuit.grant!.expiresAt, 'and renewed');
  assert.equal(after.cameraIds[0], cam(next).id, 'held from the new sighting’s camera');
  const [centreEvent] = await centreMoved;
  assert.equal(centreEvent.view.grant.pursuitId, pursuit.id);
  const ahead = after.cameraIds.find((id) => !granted.includes(id) && id !== cam(next).id);
  assert.ok(ahead, `new cameras ahead: ${after.cameraIds.join(', ')}`);
  const nowOpen = await watch(ahead, incidentId);
  assert.ok(nowOpen.ok, `the corridor’s new camera opens: ${JSON.stringify(nowOpen)}`);

  // Closed: the views the corridor opened end, the same 서초 cameras are refused again, 서초 sees the end.
  const ended = nextEvent(socket, 'consumer:closed', (e) => e.cameraId === ahead);
  const centreEnded = nextEvent(centre.socket, 'grants:changed', (e) => e.change === 'ended' && e.view.grant.pursuitId === pursuit.id);
  const closed = await t.api(`/api/pursuits/${pursuit.id}/close`, token, {});
  assert.equal(closed.status, 200);
  assert.equal((closed.json as PursuitResponse).pursuit.status, 'closed');
  assert.equal((closed.json as PursuitResponse).pursuit.grant, null);
  const [stopped] = await ended;
  assert.ok(['GRANT_ENDED', 'INCIDENT_CLOSED'].includes(stopped.reason.code), stopped.reason.code);
  const [endNotice] = await centreEnded;
  assert.equal(endNotice.view.grant.endReason, 'pursuit-closed');
  for (const id of [inCorridor, ahead]) {
    await request(socket, 'camera:unwatch', { cameraId: id });
    const again = await request(socket, 'camera:watch', { cameraId: id, rtpCapabilities: capabilities });
    assert.equal(!again.ok && again.error.code, 'CAMERA_OUT_OF_SCOPE', `${id} is refused again`);
  }
  const late = await t.api(`/api/pursuits/${pursuit.id}/sightings`, token, { cameraId: cam(start).id, headingDeg: null });
  assert.equal(late.json.error?.code, 'PURSUIT_CLOSED');
  assert.equal(t.hub.incidents.get(incidentId)?.status, 'closed', 'the incident opened for it closes with it');
  assert.equal(t.hub.incidents.get(incidentId)?.type, '추적', 'an incident of the pursuit type');

  // The record: opened, the grant issued, moved and ended, the views — each with the pursuit.
  await t.hub.auditWriter.flush();
  const entries = t.hub.audit.query({ incidentId, limit: 500 }).entries;
  const withPursuit = (action: string) => entries.filter((e) => e.action === action && e.detail?.pursuitId === pursuit.id);
  assert.equal(withPursuit('pursuit.opened').length, 1);
  assert.equal(withPursuit('pursuit.sighting').length, 2);
  assert.equal(withPursuit('grant.issued').length, 1);
  assert.ok(withPursuit('grant.renewed').some((e) => (e.detail?.added as string[]).includes(ahead)));
  assert.equal(withPursuit('grant.ended')[0]?.detail?.reason, 'pursuit-closed');
  assert.equal(withPursuit('pursuit.closed').length, 1);
  const views = withPursuit('view.start').map((e) => e.cameraId);
  assert.ok(views.includes(inCorridor) && views.includes(ahead), `views audited with the pursuit: ${views.join(', ')}`);
  figures['corridor cameras at open'] = granted.length;
  figures['audit records of the pursuit'] = entries.length;
});

test('a camera the moving corridor drops stays watchable for the overlap (a board that chose it is not refused), and is refused after it', async () => {
  const seochoAt = routeIndex('11650');
  const start = routeIndex('11680').at(-1)!;
  const { token, socket } = await session('gangnam-police');
  const capabilities = await joined(socket);
  const opened = await t.api('/api/pursuits', token, { target: { kind: 'vehicle', colour: '파랑' }, sighting: { cameraId: cam(start).id, headingDeg: ROUTE[start]!.headingDeg } });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  const { pursuit } = opened.json as PursuitResponse;
  const inSeocho = (id: string) => t.cameras.find((c) => c.id === id)?.district.code === '11650';
  const before = pursuit.grant!.cameraIds.filter(inSeocho);
  assert.ok(before.length >= 2, `the corridor reaches into 서초: ${before.join(', ')}`);

  // A sighting at the corridor's far end: it moves past the 서초 cameras it held behind that.
  const far = seochoAt.filter((i) => before.includes(cam(i).id)).at(-1)!;
  const moved = nextEvent(socket, 'pursuit:changed', (e) => e.change === 'sighting' && e.pursuit.id === pursuit.id);
  const sighted = await t.api(`/api/pursuits/${pursuit.id}/sightings`, token, { cameraId: cam(far).id, headingDeg: ROUTE[far]!.headingDeg });
  assert.equal(sighted.status, 200, JSON.stringify(sighted.json));
  const [event] = (await moved) as [PursuitChangedEvent];
  const overlap = t.hub.incidents.grants.overlapOf(pursuit.grant!.id);
  const dropped = before.find((id) => overlap.has(id));
  assert.ok(dropped, `a 서초 camera left the corridor: before ${before.join(', ')}; overlap ${[...overlap.keys()].join(', ')}`);
  assert.ok(event.pursuit.grant!.cameraIds.includes(dropped), 'the grant still covers it');
  assert.equal(event.pursuit.prediction?.cameras.find((c) => c.cameraId === dropped)?.granted ?? false, false, 'but no board is handed off to it any more');
  assert.ok(overlap.get(dropped)! <= Date.now() + OVERLAP_MS, 'for the policy’s overlap at most');

  // The board's watch, chosen from the corridor before the move, arrives after it: allowed.
  const late = await request(socket, 'camera:watch', { cameraId: dropped, rtpCapabilities: capabilities, incidentId: pursuit.incidentId });
  assert.ok(late.ok, `watchable during the overlap: ${JSON.stringify(late)}`);
  // The overlap ends: the view ends and the camera is refused again, the pursuit still open.
  const [stopped] = await nextEvent(socket, 'consumer:closed', (e) => e.cameraId === dropped);
  assert.equal(stopped.reason.code, 'GRANT_ENDED');
  assert.equal(t.hub.incidents.grants.overlapOf(pursuit.grant!.id).has(dropped), false);
  await request(socket, 'camera:unwatch', { cameraId: dropped });
  const again = await request(socket, 'camera:watch', { cameraId: dropped, rtpCapabilities: capabilities, incidentId: pursuit.incidentId });
  assert.equal(!again.ok && again.error.code, 'CAMERA_OUT_OF_SCOPE', 'refused after the overlap');

  // Audited: the move names the camera kept for the overlap, and the overlap's end removes it.
  await t.hub.auditWriter.flush();
  const renewals = t.hub.audit.query({ incidentId: pursuit.incidentId, limit: 500 }).entries.filter((e) => e.action === 'grant.renewed' && e.detail?.pursuitId === pursuit.id);
  assert.ok(renewals.some((e) => typeof (e.detail?.overlap as Record<string, number>)[dropped] === 'number'), 'the move records the overlap');
  assert.ok(renewals.some((e) => (e.detail?.removed as string[]).includes(dropped)), 'its end records the removal');
  assert.equal((await t.api(`/api/pursuits/${pursuit.id}/close`, token, {})).status, 200);
});

test('a pursuit belongs to an incident the agency opened, of type 추적 (CAD’s code `pursuit`) or 범죄, which stays open after it', async () => {
  const { token } = await session('gangnam-police');
  const start = routeIndex('11680')[0]!;
  for (const type of ['pursuit', '범죄'] as const) {
    const incident = await t.api('/api/incidents', token, { type, location: cam(start).location, dispatch: false });
    assert.equal(incident.status, 201, JSON.stringify(incident.json));
    const { id, type: stored } = (incident.json as { incident: { id: string; type: string } }).incident;
    assert.equal(stored, type === 'pursuit' ? '추적' : '범죄');
    const opened = await t.api('/api/pursuits', token, { incidentId: id, target: { kind: 'vehicle' }, sighting: { cameraId: cam(start).id, headingDeg: null } });
    assert.equal(opened.status, 201, JSON.stringify(opened.json));
    assert.equal((opened.json as PursuitResponse).pursuit.incidentId, id);
    assert.equal((await t.api(`/api/pursuits/${(opened.json as PursuitResponse).pursuit.id}/close`, token, {})).status, 200);
    assert.equal(t.hub.incidents.get(id)?.status, 'open', 'an incident the pursuit did not open is not closed by it');
    assert.equal((await t.api(`/api/incidents/${id}/close`, token, {})).status, 200);
  }
});

test('other agencies cannot see or sight a pursuit; a sighting needs a camera the operator may see', async () => {
  const { token } = await session('gangnam-police');
  const opened = await t.api('/api/pursuits', token, { target: { kind: 'person', description: '검은 모자, 회색 상의' }, sighting: { cameraId: cam(0).id, headingDeg: null } });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  const { pursuit } = opened.json as PursuitResponse;
  const other = await session('seocho-cctv');
  assert.equal((await t.api(`/api/pursuits/${pursuit.id}`, other.token)).status, 404);
  assert.equal((await t.api(`/api/pursuits/${pursuit.id}/sightings`, other.token, { cameraId: offCorridor().id, headingDeg: null })).status, 404);
  const unseen = await t.api(`/api/pursuits/${pursuit.id}/sightings`, token, { cameraId: offCorridor().id, headingDeg: 90 });
  assert.equal(unseen.json.error?.code, 'CAMERA_OUT_OF_SCOPE');
  const malformed = await t.api(`/api/pursuits/${pursuit.id}/sightings`, token, { cameraId: cam(0).id, headingDeg: 400 });
  assert.equal(malformed.status, 400);
  const roads = await t.api(`/api/pursuits/roads?cameraId=${cam(0).id}`, token);
  assert.equal(roads.status, 200);
  assert.ok(roads.json.roads.length > 0, 'the roads leaving a camera');
  assert.equal((await t.api(`/api/pursuits/${pursuit.id}/close`, token, {})).status, 200);
});

test('a wanted-vehicle hit anchors a pursuit for 강남경찰서, and the next hit moves it into 서초', async () => {
  const supervisor = await session('gangnam-police', 'supervisor');
  const plate = '345나6789';
  const listed = await t.api('/api/lpr/watchlist', supervisor.token, { plate, reason: '도주 차량', expiresAt: Date.now() + 600_000 });
  assert.equal(listed.status, 201, JSON.stringify(listed.json));
  const { socket } = await session('gangnam-police');
  await joined(socket);
  const signer = t.hub.vehicleWorld!.signer;
  const read = async (i: number, readId: string) => {
    const res = await fetch(`${t.hub.url}/api/lpr/reads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signer.sign()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readId, plate, cameraId: cam(i).id, at: Date.now(), direction: ROUTE[i]!.headingDeg, confidence: 0.95 })
    });
    assert.equal(res.status, 201, await res.text());
  };
  const [gangnam, seocho] = [routeIndex('11680')[0]!, routeIndex('11650')[1]!];
  const anchored = nextEvent(socket, 'pursuit:changed', (e) => e.change === 'opened');
  await read(gangnam, 'hit-1');
  const [opened] = (await anchored) as [PursuitChangedEvent];
  assert.equal(opened.pursuit.agency, 'gangnam-police');
  assert.equal(opened.pursuit.track[0]?.source, 'lpr');
  assert.equal(opened.pursuit.track[0]?.lpr?.plate, plate, 'an operator of the police sees the plate whole');
  assert.equal(opened.pursuit.target.kind === 'vehicle' && opened.pursuit.target.plate, plate);
  assert.ok(opened.pursuit.grant, 'the hit’s corridor is granted');

  const movedOn = nextEvent(socket, 'pursuit:changed', (e) => e.change === 'sighting' && e.pursuit.id === opened.pursuit.id);
  await read(seocho, 'hit-2');
  const [moved] = (await movedOn) as [PursuitChangedEvent];
  assert.deepEqual(moved.pursuit.track.map((s) => s.cameraId), [cam(gangnam).id, cam(seocho).id]);
  assert.equal(moved.pursuit.grant?.cameraIds[0], cam(seocho).id, 'the corridor now starts at the 서초 hit');
  assert.equal(t.hub.pursuits.pursuing(plate).length, 1, 'one pursuit per plate');
});

test('an open pursuit survives a restart: its grant still in force, its prediction resumed', async () => {
  const { token } = await session('gangnam-police');
  const start = routeIndex('11680').at(-1)!;
  const opened = await t.api('/api/pursuits', token, { target: { kind: 'vehicle', colour: '검정' }, sighting: { cameraId: cam(start).id, headingDeg: ROUTE[start]!.headingDeg } });
  const { pursuit } = opened.json as PursuitResponse;
  await t.restart();
  const again = await session('gangnam-police');
  const resumed = (await t.api(`/api/pursuits/${pursuit.id}`, again.token)).json as PursuitResponse;
  assert.equal(resumed.pursuit.status, 'open');
  assert.ok(resumed.pursuit.prediction, 'predicted again');
  assert.equal(resumed.pursuit.grant?.id, pursuit.grant?.id, 'the same corridor grant');
  assert.equal((await t.api(`/api/pursuits/${pursuit.id}/close`, again.token, {})).status, 200);
});

test('the development scenario: its vehicle’s LPR hits anchor a pursuit for 강남경찰서 that follows it into 서초', async () => {
  const { token, socket } = await session('gangnam-police');
  await joined(socket);
  assert.equal(((await t.api('/api/dev/pursuit-scenario', token)).json as PursuitScenarioState).running, false);
  const anchored = nextEvent(socket, 'pursuit:changed', (e) => e.change === 'opened' && e.pursuit.track[0]?.source === 'lpr');
  const started = await t.api('/api/dev/pursuit-scenario', token, { speedFactor: 20 });
  assert.equal(started.status, 200, JSON.stringify(started.json));
  const state = started.json as PursuitScenarioState;
  assert.ok(state.running && state.plate && state.passes!.length === ROUTE.length, `every camera on the way reads the plate: ${JSON.stringify(state.passes)}`);
  const [opened] = (await anchored) as [PursuitChangedEvent];
  assert.equal(opened.pursuit.agency, 'gangnam-police');
  assert.equal(opened.pursuit.track[0]!.district.code, '11680', 'the first hit is in 강남');
  const inSeocho = await nextEvent(socket, 'pursuit:changed', (e) => e.pursuit.id === opened.pursuit.id && e.pursuit.track.at(-1)?.district.code === '11650');
  assert.ok(inSeocho[0].pursuit.grant!.districts.some((d) => d.code === '11650'), 'its corridor grant is in 서초 now');
  let now = (await t.api('/api/dev/pursuit-scenario', token)).json as PursuitScenarioState;
  assert.equal(now.pursuitId, opened.pursuit.id);
  for (let i = 0; i < 100 && now.running; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    now = (await t.api('/api/dev/pursuit-scenario', token)).json as PursuitScenarioState;
  }
  assert.equal(now.running, false, 'the vehicle arrives');
  const { pursuit } = (await t.api(`/api/pursuits/${opened.pursuit.id}`, token)).json as PursuitResponse;
  assert.equal(pursuit.track.length, ROUTE.length, 'one sighting a camera on the way');
  assert.equal((await t.api(`/api/pursuits/${pursuit.id}/close`, token, {})).status, 200);
});
