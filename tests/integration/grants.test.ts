/**
 * Grant policy on a real hub, with cameras at real places in 강남, 마포 and 종로: a self-issued
 * grant stays within its agency's bounds (radius, jurisdiction, count) and opens nothing until a
 * second person — a supervisor of the same agency — approves it, on the record; a trusted source
 * (the 119 CAD) mints within its own rules; grants last their agency's ttl unless renewed; and the
 * control centre that operates the cameras sees, live, who holds grants over them and why.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GrantRecord, GrantsChangedEvent, GrantsOverview } from '../../server/protocol/grants.ts';
import type { OpenIncidentResponse } from '../../server/protocol/incidents.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub, type TestSite } from '../support/hub.ts';

const SITES: readonly TestSite[] = [
  { code: '11680', lat: 37.5045, lon: 127.0489 }, // 선릉역 (강남)
  { code: '11680', lat: 37.4946, lon: 127.0634 }, // 대치동 (강남)
  { code: '11440', lat: 37.5572, lon: 126.9245 }, // 홍대입구역 (마포)
  { code: '11440', lat: 37.5495, lon: 126.9139 }, // 합정역 (마포)
  { code: '11110', lat: 37.5725, lon: 126.9769 }, // 광화문광장 (종로)
  { code: '11110', lat: 37.5702, lon: 126.9831 } // 종각역 (종로)
];
const WELFARE_TTL_MS = 2500;

let t: TestHub;
const figures: Record<string, number> = {};

before(async () => {
  t = await startTestHub({
    cameras: SITES.length,
    sites: SITES,
    config: {
      // The welfare team as the demo has it, with a short grant life to see expiry and renewal.
      agencies: [
        {
          id: 'seoul-welfare',
          name: '서울시 사회복지 긴급지원팀',
          purposes: ['vulnerable-person'],
          categories: {},
          grants: { types: ['실종'], purposes: ['vulnerable-person'], maxRadiusM: 500, jurisdiction: ['*'], maxOpen: 2, ttlMs: WELFARE_TTL_MS }
        }
      ]
    }
  });
});
after(async () => {
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`# figure ${name}: ${value}\n`);
  await t?.close();
});

const api = (path: string, token: string, body?: unknown) => t.api(path, token, body);

async function visibleIds(socket: HubClient): Promise<string[]> {
  const list = await request(socket, 'cameras:list', {});
  assert.ok(list.ok, JSON.stringify(list));
  return list.data.cameras.map((c) => c.id);
}

const camera = (code: string, nth = 0) => t.cameras.filter((c) => c.district.code === code)[nth]!;

/** Closes every open incident of the agency the token is for (each test starts with none). */
async function closeAll(token: string): Promise<void> {
  const open = (await api('/api/incidents?status=open', token)).json.incidents as Array<{ id: string }>;
  for (const { id } of open) assert.equal((await api(`/api/incidents/${id}/close`, token, {})).status, 200);
}

test('the welfare team’s three POST {"type":"missing","radiusM":5000} no longer widen its scope: refused past 500 m, pending within it, counted', async () => {
  const token = await t.token('welfare');
  const socket = await t.client(token);
  await joined(socket);
  assert.deepEqual(await visibleIds(socket), [], 'nothing by default');
  let changed = 0;
  socket.on('cameras:changed', () => changed++);

  for (let i = 0; i < 3; i++) {
    const opened = await api('/api/incidents', token, { type: 'missing', location: camera(SITES[i * 2]!.code).location, radiusM: 5000 });
    assert.equal(opened.status, 201, 'the incident opens all the same');
    const body = opened.json as OpenIncidentResponse;
    assert.equal(body.grant, null);
    assert.equal(body.pendingGrant, undefined);
    assert.equal(body.grantError?.code, 'GRANT_NOT_ALLOWED');
    assert.match(body.grantError!.message, /500 m/);
  }
  assert.deepEqual(await visibleIds(socket), [], 'still nothing after three 5 km requests');

  // Within the bounds: two wait for a supervisor (opening nothing), the third is over the count.
  const within = [];
  for (let i = 0; i < 3; i++) within.push((await api('/api/incidents', token, { type: '실종', location: camera(SITES[i * 2]!.code).location, radiusM: 300 })).json as OpenIncidentResponse);
  assert.deepEqual(within.map((b) => b.pendingGrant?.status ?? b.grantError?.code), ['pending', 'pending', 'GRANT_LIMIT_REACHED']);
  assert.deepEqual(await visibleIds(socket), [], 'pending grants widen nothing');
  assert.equal(changed, 0, 'no session was told to list again');
  const crime = (await api('/api/incidents', token, { type: 'crime', location: camera('11680').location, radiusM: 100 })).json as OpenIncidentResponse;
  assert.equal(crime.grantError?.code, 'GRANT_NOT_ALLOWED', 'only 실종 carries a welfare grant');
  await closeAll(token);
  socket.disconnect();
});

test('강남경찰서 cannot grant itself cameras in 종로 or 마포; in its own 구 it asks its supervisor', async () => {
  const token = await t.token('gangnam');
  const socket = await t.client(token);
  await joined(socket);
  const own = [camera('11680', 0).id, camera('11680', 1).id].sort();
  assert.deepEqual((await visibleIds(socket)).sort(), own);
  for (const code of ['11110', '11440']) {
    const scene = camera(code);
    const opened = (await api('/api/incidents', token, { type: 'crime', location: scene.location, radiusM: 300, dispatch: false })).json as OpenIncidentResponse;
    assert.equal(opened.grantError?.code, 'GRANT_NOT_ALLOWED', `${code}: outside the jurisdiction`);
    assert.match(opened.grantError!.message, /jurisdiction/);
    assert.equal(opened.pendingGrant, undefined, 'nothing a supervisor could approve either');
  }
  const huge = (await api('/api/incidents', token, { type: 'crime', location: camera('11680').location, radiusM: 5000, dispatch: false })).json as OpenIncidentResponse;
  assert.equal(huge.grantError?.code, 'GRANT_NOT_ALLOWED', 'a 5 km radius from 강남 is refused');
  assert.deepEqual((await visibleIds(socket)).sort(), own, 'not one camera of 종로 or 마포');
  const home = (await api('/api/incidents', token, { type: 'crime', location: camera('11680').location, radiusM: 300, dispatch: false })).json as OpenIncidentResponse;
  assert.equal(home.pendingGrant?.status, 'pending');
  assert.equal(home.pendingGrant?.requestedBy, 'user-gangnam-police');
  await closeAll(token);
  socket.disconnect();
});

test('the count limit holds pending and active grants; a denied or closed one frees its place', async () => {
  const token = await t.token('gangnam');
  const supervisor = await t.token('gangnam-supervisor');
  const open = () => api('/api/incidents', token, { type: '범죄', location: camera('11680', 1).location, radiusM: 200, dispatch: false });
  const asked = [];
  for (let i = 0; i < 3; i++) asked.push((await open()).json as OpenIncidentResponse);
  assert.ok(asked.every((b) => b.pendingGrant?.status === 'pending'));
  const fourth = (await open()).json as OpenIncidentResponse;
  assert.equal(fourth.grantError?.code, 'GRANT_LIMIT_REACHED');
  assert.match(fourth.grantError!.message, /3/);
  assert.equal((await api(`/api/grants/${asked[0]!.pendingGrant!.id}/approve`, supervisor, {})).status, 200);
  assert.equal(((await open()).json as OpenIncidentResponse).grantError?.code, 'GRANT_LIMIT_REACHED', 'an approved grant still counts');
  assert.equal((await api(`/api/grants/${asked[1]!.pendingGrant!.id}/deny`, supervisor, {})).status, 200);
  assert.equal((await api(`/api/incidents/${asked[2]!.incident.id}/close`, token, {})).status, 200);
  const overview = (await api('/api/grants', token)).json as GrantsOverview;
  assert.equal(overview.pending.length, 0, 'the closed incident’s request lapsed');
  assert.deepEqual(overview.held.map((v) => v.grant.id), [asked[0]!.pendingGrant!.id]);
  const again = [(await open()).json as OpenIncidentResponse, (await open()).json as OpenIncidentResponse];
  assert.deepEqual(again.map((b) => b.pendingGrant?.status), ['pending', 'pending'], 'two places freed');
  assert.equal(((await open()).json as OpenIncidentResponse).grantError?.code, 'GRANT_LIMIT_REACHED');
  await closeAll(token);
});

test('a supervisor of the same agency approves, not the one who asked nor anyone else, and the approval is audited', async () => {
  const operator = await t.token('gangnam');
  const supervisor = await t.token('gangnam-supervisor');
  const opened = (await api('/api/incidents', operator, { type: 'crime', location: camera('11680').location, radiusM: 400, dispatch: false, description: '날치기 용의자 도주' })).json as OpenIncidentResponse;
  const id = opened.pendingGrant!.id;
  const refusals: Array<[string, string, number, string]> = [
    ['the operator who asked', operator, 403, 'FORBIDDEN'],
    ['another agency’s supervisor', await t.token('welfare-supervisor'), 404, 'NOT_FOUND'],
    ['the 119 supervisor', await t.token('supervisor'), 404, 'NOT_FOUND']
  ];
  for (const [who, token, status, code] of refusals) {
    const answer = await api(`/api/grants/${id}/approve`, token, {});
    assert.equal(answer.status, status, who);
    assert.equal(answer.json.error.code, code, who);
  }
  // A supervisor who asks for a grant needs another supervisor too.
  const own = (await api('/api/incidents', supervisor, { type: 'crime', location: camera('11680').location, radiusM: 100, dispatch: false })).json as OpenIncidentResponse;
  const self = await api(`/api/grants/${own.pendingGrant!.id}/approve`, supervisor, {});
  assert.equal(self.status, 403);
  assert.match(self.json.error.message, /second person/);

  const before = Date.now();
  const approved = await api(`/api/grants/${id}/approve`, supervisor, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.json));
  const grant = approved.json.grant as GrantRecord;
  assert.equal(grant.status, 'active');
  assert.equal(grant.decidedBy, 'chief-gangnam');
  assert.ok(grant.expiresAt! >= before + 25 * 60_000, 'in force for the agency’s ttl from the approval');
  const twice = await api(`/api/grants/${id}/approve`, supervisor, {});
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.code, 'GRANT_NOT_PENDING');
  assert.equal((await api(`/api/grants/${id}/deny`, supervisor, {})).json.error.code, 'GRANT_NOT_PENDING');

  // grant.issued is queued (it gates nothing): read once the writer has stored it.
  await t.hub.auditWriter.flush();
  const entries = t.hub.audit.query({ incidentId: opened.incident.id, limit: 50 }).entries;
  const approval = entries.find((e) => e.action === 'grant.approved');
  assert.ok(approval, 'grant.approved recorded');
  assert.equal(approval.subject, 'chief-gangnam');
  assert.equal(approval.outcome, 'allowed');
  assert.deepEqual(approval.detail, { grantId: id, requestedBy: 'user-gangnam-police', radiusM: 400 });
  assert.ok(entries.some((e) => e.action === 'grant.requested' && e.subject === 'user-gangnam-police'));
  const issued = entries.find((e) => e.action === 'grant.issued');
  assert.equal(issued?.detail?.approvedBy, 'chief-gangnam');
  const denial = await api(`/api/grants/${own.pendingGrant!.id}/deny`, await t.token('gangnam-supervisor'), {});
  assert.equal(denial.status, 403, 'denying is deciding too: not one’s own');
  assert.equal(t.hub.audit.verify().ok, true);
  await closeAll(operator);
});

test('a trusted source (the 119 CAD) mints at once within its own rules; an operator of the same room mints nothing', async () => {
  const cad = await t.token('cad-119');
  const scene = camera('11440').location;
  const minted = (await api('/api/incidents', cad, { type: 'fire', location: scene, radiusM: 800, dispatch: false })).json as OpenIncidentResponse;
  assert.equal(minted.grant?.radiusM, 800);
  assert.equal(minted.pendingGrant, undefined, 'no supervisor in the loop');
  const record = (await api('/api/grants', cad)).json as GrantsOverview;
  assert.equal(record.held.find((v) => v.grant.id === minted.grant!.id)?.grant.source, 'cad-119');
  const wide = (await api('/api/incidents', cad, { type: 'fire', location: scene, radiusM: 1500, dispatch: false })).json as OpenIncidentResponse;
  assert.equal(wide.grantError?.code, 'GRANT_NOT_ALLOWED', 'beyond the source’s 1 km');
  const crime = (await api('/api/incidents', cad, { type: 'crime', location: scene, dispatch: false })).json as OpenIncidentResponse;
  assert.equal(crime.grantError?.code, 'GRANT_NOT_ALLOWED', 'the 119 CAD mints for fire, rescue, EMS and disaster only');
  const operator = (await api('/api/incidents', await t.token('fire'), { type: 'fire', location: scene, dispatch: false })).json as OpenIncidentResponse;
  assert.equal(operator.grant, null);
  assert.equal(operator.grantError?.code, 'GRANT_NOT_ALLOWED', 'the city-wide room’s operators need none');
  await closeAll(cad);
});

test('the control centre that operates the cameras sees, live, who holds a grant over them and why, until when; renewal and expiry follow', async () => {
  const mapo = await t.client(await t.token('mapo'));
  await joined(mapo);
  const gangnam = await t.client(await t.token('gangnam'));
  await joined(gangnam);
  const welfareToken = await t.token('welfare');
  const welfare = await t.client(welfareToken);
  await joined(welfare);
  const heard: Record<string, GrantsChangedEvent[]> = { mapo: [], gangnam: [], welfare: [] };
  mapo.on('grants:changed', (e) => heard.mapo!.push(e));
  gangnam.on('grants:changed', (e) => heard.gangnam!.push(e));
  welfare.on('grants:changed', (e) => heard.welfare!.push(e));

  const scene = camera('11440', 0);
  const requested = nextEvent(welfare, 'grants:changed', (e) => e.change === 'requested');
  const opened = (await api('/api/incidents', welfareToken, { type: '실종', location: scene.location, radiusM: 200, address: '서울 마포구 양화로 160', description: '치매 어르신 실종, 홍대입구역 부근' })).json as OpenIncidentResponse;
  const [asked] = await requested;
  assert.equal(asked.list, 'own');
  assert.equal(asked.view.grant.status, 'pending');
  const overPending = (await api('/api/grants', await t.token('mapo'))).json as GrantsOverview;
  assert.deepEqual(overPending.owns, [{ code: '11440', name: '마포구', nameEn: 'Mapo-gu' }]);
  assert.equal(overPending.overOwnCameras.length, 0, 'a pending grant holds nothing over the centre’s cameras');
  const queue = (await api('/api/grants', await t.token('welfare-supervisor'))).json as GrantsOverview;
  assert.equal(queue.canDecide, true);
  assert.deepEqual(queue.pending.map((v) => v.grant.id), [opened.pendingGrant!.id], 'the supervisor sees what waits');

  const shown = nextEvent(mapo, 'grants:changed', (e) => e.change === 'approved');
  const approvedAt = Date.now();
  assert.equal((await api(`/api/grants/${opened.pendingGrant!.id}/approve`, await t.token('welfare-supervisor'), {})).status, 200);
  const [event] = await shown;
  figures['approval (HTTP) → control centre told (ms)'] = Date.now() - approvedAt;
  assert.equal(event.list, 'overOwnCameras');
  assert.equal(event.view.agencyName, '서울시 사회복지 긴급지원팀');
  assert.equal(event.view.incident.type, '실종');
  assert.equal(event.view.incident.description, '치매 어르신 실종, 홍대입구역 부근');
  assert.equal(event.view.incident.purpose, 'vulnerable-person');
  assert.equal(event.view.grant.requestedBy, 'user-seoul-welfare');
  assert.equal(event.view.grant.decidedBy, 'chief-welfare');
  assert.ok(event.view.grant.expiresAt! > Date.now());
  assert.equal(event.view.cameras, 1, 'one of 마포’s cameras lies within 200 m');
  const listed = (await api('/api/grants', await t.token('mapo'))).json as GrantsOverview;
  assert.deepEqual(listed.overOwnCameras.map((v) => v.grant.id), [opened.pendingGrant!.id]);
  assert.deepEqual(await visibleIds(welfare), [scene.id], 'approved: the scene’s camera is in view');

  // Renewal moves "until when" for the owner too; then the grant runs out.
  const renewedHeard = nextEvent(mapo, 'grants:changed', (e) => e.change === 'renewed');
  const renewed = await api(`/api/incidents/${opened.incident.id}/renew`, welfareToken, {});
  assert.equal(renewed.status, 200);
  assert.equal((await renewedHeard)[0].view.grant.expiresAt, renewed.json.grant.expiresAt);
  const ended = nextEvent(mapo, 'grants:changed', (e) => e.change === 'ended');
  const [gone] = await ended;
  figures['grant expiry → control centre told (ms)'] = Date.now() - renewed.json.grant.expiresAt;
  assert.equal(gone.view.grant.endReason, 'expired');
  assert.equal(((await api('/api/grants', await t.token('mapo'))).json as GrantsOverview).overOwnCameras.length, 0);
  assert.deepEqual(await visibleIds(welfare), []);
  const late = await api(`/api/incidents/${opened.incident.id}/renew`, welfareToken, {});
  assert.equal(late.json.error.code, 'GRANT_ENDED', 'an expired grant is not renewed: a new one is asked for');
  assert.equal(heard.gangnam!.length, 0, 'another agency without cameras there hears nothing');
  assert.deepEqual(heard.mapo!.map((e) => e.change), ['approved', 'renewed', 'ended']);
  assert.deepEqual(heard.welfare!.map((e) => e.change), ['requested', 'approved', 'renewed', 'ended']);
  await closeAll(welfareToken);
  for (const socket of [mapo, gangnam, welfare]) socket.disconnect();
});

test('the demo sign-in gives an agency’s supervisor as a second person (development only), never an auditor’s', async () => {
  const ask = (body: unknown) => fetch(`${t.hub.url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await ask({ agency: 'seoul-welfare', role: 'supervisor' });
  assert.equal(answer.status, 200);
  const { token } = (await answer.json()) as { token: string };
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; role: string };
  assert.deepEqual([claims.sub, claims.role], ['demo:seoul-welfare:supervisor', 'supervisor']);
  assert.equal(((await t.api('/api/grants', token)).json as GrantsOverview).canDecide, true);
  assert.equal((await ask({ agency: 'seoul-audit', role: 'supervisor' })).status, 400);
});

test('renewing a grant that waits for approval is refused, and the configured ttl is checked at start', async () => {
  const token = await t.token('welfare');
  const opened = (await api('/api/incidents', token, { type: '실종', location: camera('11110').location, radiusM: 100 })).json as OpenIncidentResponse;
  const renew = await api(`/api/incidents/${opened.incident.id}/renew`, token, {});
  assert.equal(renew.status, 409);
  assert.equal(renew.json.error.code, 'GRANT_PENDING');
  await closeAll(token);
  const { loadConfig } = await import('../../server/config.ts');
  const bad = { id: 'x', name: 'x', purposes: ['vulnerable-person' as const], grants: { types: ['실종' as const], purposes: ['vulnerable-person' as const], maxRadiusM: 9000, jurisdiction: ['*'], maxOpen: 0 } };
  assert.throws(() => loadConfig({}, { agencies: [bad] }), /agencies\.0\.grants\.maxRadiusM[\s\S]*agencies\.0\.grants\.maxOpen/);
});
