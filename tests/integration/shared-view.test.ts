/**
 * The shared situation view against a real hub: real sockets (50 in one view), real cameras, the
 * real store on disk. Each client folds what it receives with the same fold the web uses and is
 * held against a late joiner's snapshot; a participant without scope is checked on every raw
 * event it receives for the withheld camera's id and name, and refused when it tries to watch it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyOp } from '../../server/protocol/shared-view-fold.ts';
import type { ClientOp, JoinViewResponse, ViewSnapshot, WireEnvelope } from '../../server/protocol/shared-view.ts';
import { userClaims } from '../support/tokens.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub, type TestSite } from '../support/hub.ts';
import { DEMO_AGENCIES } from '../../server/cameras/demo.ts';
import { waitUntil } from '../support/wait.ts';

let t: TestHub;

/**
 * Five cameras in a row from 37.5 N 127 E over the demo 구 (강남, 서초, 마포, 종로, 강남), and a
 * sixth, a 마포 교통단속 camera by the scene, of the one category the 마포 centre may not use here.
 */
const SITES: TestSite[] = [
  ...(['11680', '11650', '11440', '11110', '11680'] as const).map((code, i) => ({ code, lat: 37.5 + i * 0.001, lon: 127 + i * 0.001 })),
  { code: '11440', lat: 37.5012, lon: 127.0012, category: '교통단속' }
];
const MAPO_POLICY = { ...DEMO_AGENCIES.find((a) => a.id === 'mapo-cctv')!, categories: { exclude: ['교통단속'] } };

before(async () => {
  t = await startTestHub({ cameras: SITES.length, sites: SITES, config: { agencies: [MAPO_POLICY], sharedViews: { snapshotEvery: 7, snapshotAfterMs: 50, resumeOps: 500 } } });
});

after(async () => {
  await t?.close();
});

/** A participant: its socket, the view as it folded it from what it received, and every raw event it got. */
interface Member {
  name: string;
  socket: HubClient;
  view: ViewSnapshot | undefined;
  raw: string[];
  gaps: number;
}

type Who = 'fire' | 'gangnam' | 'mapo' | 'welfare' | 'wall';

async function member(who: Who, sub: string): Promise<Member> {
  const { fire, police, district, welfare } = t.issuers;
  const token =
    who === 'fire' ? await fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119', sub, name: sub }))
    : who === 'wall' ? await fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119', sub, name: sub, role: 'wall' }))
    : who === 'gangnam' ? await police.sign(userClaims('gangnam-police', ['11680'], { purpose: 'emergency-112', sub, name: sub }))
    : who === 'mapo' ? await district.sign(userClaims('mapo-cctv', ['11440'], { purpose: 'monitoring', sub, name: sub }))
    : await welfare.sign(userClaims('seoul-welfare', [], { purpose: 'vulnerable-person', sub, name: sub }));
  const socket = await t.client(token);
  const m: Member = { name: sub, socket, view: undefined, raw: [], gaps: 0 };
  socket.onAny((event: string, ...args: unknown[]) => m.raw.push(`${event} ${JSON.stringify(args)}`));
  socket.on('view:ops', ({ ops }) => fold(m, ops));
  socket.on('view:tiles', ({ tiles }) => {
    if (m.view) m.view = { ...m.view, tiles };
  });
  const join = await request(socket, 'media:join', {});
  assert.ok(join.ok, JSON.stringify(join));
  return m;
}

function fold(m: Member, ops: WireEnvelope[]): void {
  if (!m.view) return;
  for (const envelope of ops) {
    if (envelope.version > m.view.version + 1) {
      m.gaps++;
      return;
    }
    m.view = applyOp(m.view, envelope);
  }
}

async function join(m: Member, viewId: string, sinceVersion?: number): Promise<JoinViewResponse> {
  const answer = await request(m.socket, 'view:join', { viewId, ...(sinceVersion !== undefined ? { sinceVersion } : {}) });
  assert.ok(answer.ok, `${m.name}: ${JSON.stringify(answer)}`);
  if (answer.data.kind === 'snapshot') m.view = answer.data.view;
  else {
    fold(m, answer.data.ops);
    if (m.view) m.view = { ...m.view, tiles: answer.data.tiles };
  }
  return answer.data;
}

async function send(m: Member, viewId: string, op: ClientOp): Promise<WireEnvelope> {
  const answer = await request(m.socket, 'view:op', { viewId, baseVersion: m.view?.version ?? 0, op });
  assert.ok(answer.ok, `${m.name} ${op.type}: ${JSON.stringify(answer)}`);
  return answer.data.applied;
}

/** The state without what changes between two looks at the same version (a camera's stream state). */
function comparable(view: ViewSnapshot): unknown {
  return { ...view, tiles: view.tiles.map((tile) => (tile && 'camera' in tile ? { id: tile.camera.id, name: tile.camera.name } : tile)) };
}

/** Within 300 m (the extended grant's radius) of the first four test cameras, not the fifth. */
const SCENE = { lat: 37.5015, lon: 127.0015 };
const POLYGON = [{ lat: 37.5, lon: 127 }, { lat: 37.502, lon: 127 }, { lat: 37.502, lon: 127.003 }];

test('50 participants in one view: every change reaches all of them in order; each one\'s fold equals a late joiner\'s snapshot; a camera outside one\'s scope arrives withheld, without id or name, until the owner extends the grant', async () => {
  const gangnamCam = t.cameras.find((c) => c.district.code === '11680');
  const mapoCam = t.cameras.find((c) => c.district.code === '11440');
  const owner = await member('fire', 'owner-119');
  const incident = await t.api('/api/incidents', await t.token('fire'), { type: '재난', location: SCENE, dispatch: false, nearest: 0 });
  assert.equal(incident.status, 201, JSON.stringify(incident.json));
  const opened = await request(owner.socket, 'view:open', { title: '침수 대응', incidentId: incident.json.incident.id, invite: { agencies: ['gangnam-police', 'mapo-cctv', 'seoul-welfare'], users: [] } });
  assert.ok(opened.ok, JSON.stringify(opened));
  owner.view = opened.data.view;
  const viewId = opened.data.view.id;

  const others: Member[] = [];
  const kinds: Who[] = ['fire', 'gangnam', 'mapo', 'welfare', 'wall'];
  for (let i = 0; i < 49; i++) others.push(await member(kinds[i % kinds.length]!, `p${i}`));
  await Promise.all(others.map((m) => join(m, viewId)));
  const everyone = [owner, ...others];
  const ofKind = (who: Who) => others.filter((_, i) => kinds[i % kinds.length] === who);
  const listed = await request(others[0]!.socket, 'view:list', {});
  assert.ok(listed.ok && listed.data.views.some((v) => v.id === viewId && v.participants === 50), JSON.stringify(listed));

  await send(owner, viewId, { type: 'layout', layout: 9 });
  await send(owner, viewId, { type: 'tile.set', slot: 0, cameraId: gangnamCam!.id });
  await send(owner, viewId, { type: 'tile.set', slot: 1, cameraId: mapoCam!.id });
  await send(owner, viewId, { type: 'annotation.add', id: 'zone-1', kind: '통제구역', label: '침수 구간', geometry: { type: 'polygon', coordinates: POLYGON } });
  await send(owner, viewId, { type: 'map.view', center: { lat: 37.501, lon: 127.001 }, zoom: 15 });
  await send(owner, viewId, { type: 'rights', edit: 'everyone' });
  // Participants edit too; the hub orders them.
  const notesSent = await Promise.all(ofKind('fire').slice(0, 5).map((m, i) => send(m, viewId, { type: 'note', text: `현장 확인 ${i}` })));
  const top = Math.max(...notesSent.map((n) => n.version));
  assert.equal(top, 12);
  await waitUntil(() => everyone.every((m) => m.view?.version === top), 10_000, `every participant at version ${top}`);
  assert.deepEqual(everyone.map((m) => m.gaps), everyone.map(() => 0), 'no participant missed an op');

  // Each participant's fold equals what a late joiner of the same kind gets at once.
  const lateOf = new Map<Who, Member>();
  for (const who of kinds) {
    const late = await member(who, `late-${who}`);
    await join(late, viewId);
    lateOf.set(who, late);
  }
  for (const m of everyone) {
    const who = m === owner ? 'fire' : kinds[others.indexOf(m) % kinds.length]!;
    assert.deepEqual(comparable(m.view!), comparable(lateOf.get(who)!.view!), `${m.name}: fold = snapshot`);
  }
  for (const late of lateOf.values()) late.socket.disconnect();
  const notes = owner.view!.notes.map((n) => n.text).sort();
  assert.deepEqual(notes, ['현장 확인 0', '현장 확인 1', '현장 확인 2', '현장 확인 3', '현장 확인 4']);

  // Scope per participant: the 119 room sees both, 강남 only its own, 마포 only its own, welfare neither.
  const tileIds = (m: Member) => m.view!.tiles.slice(0, 2).map((tile) => (tile && 'camera' in tile ? tile.camera.id : tile && 'withheld' in tile ? 'withheld' : null));
  for (const m of ofKind('fire')) assert.deepEqual(tileIds(m), [gangnamCam!.id, mapoCam!.id]);
  for (const m of ofKind('gangnam')) assert.deepEqual(tileIds(m), [gangnamCam!.id, 'withheld']);
  for (const m of ofKind('mapo')) assert.deepEqual(tileIds(m), ['withheld', mapoCam!.id]);
  for (const m of ofKind('welfare')) assert.deepEqual(tileIds(m), ['withheld', 'withheld']);
  for (const m of ofKind('wall')) assert.deepEqual(tileIds(m), [gangnamCam!.id, mapoCam!.id]);
  for (const m of ofKind('welfare')) {
    const raw = m.raw.join('\n');
    for (const secret of [gangnamCam!.id, gangnamCam!.name, mapoCam!.id, mapoCam!.name]) assert.equal(raw.includes(secret), false, `${m.name} received ${secret}`);
  }
  for (const m of ofKind('gangnam')) assert.equal(m.raw.join('\n').includes(mapoCam!.id), false);

  // Nor can the welfare participant watch it.
  const welfare = ofKind('welfare')[0]!;
  const capabilities = await joined(welfare.socket);
  const refused = await request(welfare.socket, 'camera:watch', { cameraId: gangnamCam!.id, rtpCapabilities: capabilities });
  assert.equal(refused.ok ? 'ok' : refused.error.code, 'CAMERA_OUT_OF_SCOPE');

  // A wall is read-only; an agency not invited finds no view.
  const wall = ofKind('wall')[0]!;
  const wallOp = await request(wall.socket, 'view:op', { viewId, baseVersion: wall.view!.version, op: { type: 'note', text: 'x' } });
  assert.equal(wallOp.ok ? 'ok' : wallOp.error.code, 'VIEW_READ_ONLY');
  const stranger = await t.client(await t.issuers.police.sign(userClaims('gangnam-police', ['11680'], { purpose: 'emergency-112', sub: 'x' })));
  await request(stranger, 'media:join', {});
  const strangerJoin = await request(stranger, 'view:join', { viewId });
  // 강남 is invited, so this one joins; uninvite the agency and it is refused like an unknown view.
  assert.ok(strangerJoin.ok);
  const removed = nextEvent(stranger, 'view:ended');
  await send(owner, viewId, { type: 'uninvite', agencies: ['gangnam-police'], users: [] });
  assert.equal((await removed)[0].reason.code, 'VIEW_NOT_FOUND');
  const again = await request(stranger, 'view:join', { viewId });
  assert.equal(again.ok ? 'ok' : again.error.code, 'VIEW_NOT_FOUND');
  stranger.disconnect();

  // The owner extends the incident's grant to the welfare team: its tiles resolve live, and it may watch.
  const resolved = Promise.all(ofKind('welfare').map((m) => nextEvent(m.socket, 'view:tiles')));
  const extended = await request(owner.socket, 'view:extend-grant', { viewId, agency: 'seoul-welfare' });
  assert.ok(extended.ok, JSON.stringify(extended));
  assert.equal(extended.data.grant.radiusM, 300);
  await resolved;
  await waitUntil(() => ofKind('welfare').every((m) => m.view!.grants.some((g) => g.agency === 'seoul-welfare')), 5000, 'the extension op reaches the welfare team');
  for (const m of ofKind('welfare')) assert.deepEqual(tileIds(m), [gangnamCam!.id, mapoCam!.id]);
  const consumer = nextEvent(welfare.socket, 'camera:consumer', (event) => event.cameraId === gangnamCam!.id);
  const watched = await request(welfare.socket, 'camera:watch', { cameraId: gangnamCam!.id, rtpCapabilities: capabilities });
  assert.ok(watched.ok, JSON.stringify(watched));
  assert.equal(watched.data.grant?.id, extended.data.grant.id);
  await consumer;
  // Beyond the policy: not to the owner's own agency, and only the owner.
  const own = await request(owner.socket, 'view:extend-grant', { viewId, agency: 'seoul-119' });
  assert.equal(own.ok ? 'ok' : own.error.code, 'GRANT_NOT_ALLOWED');
  const notOwner = await request(ofKind('fire')[0]!.socket, 'view:extend-grant', { viewId, agency: 'mapo-cctv' });
  assert.equal(notOwner.ok ? 'ok' : notOwner.error.code, 'VIEW_READ_ONLY');

  // The view ends with its incident, for everyone in it (강남 was uninvited above).
  const ended = Promise.all([...ofKind('fire'), ...ofKind('welfare'), ...ofKind('wall')].map((m) => nextEvent(m.socket, 'view:ended')));
  const closed = await t.api(`/api/incidents/${incident.json.incident.id}/close`, await t.token('fire'), {});
  assert.equal(closed.status, 200, JSON.stringify(closed.json));
  for (const [event] of await ended) assert.equal(event.reason.code, 'VIEW_CLOSED');
  const gone = await request(owner.socket, 'view:join', { viewId });
  assert.equal(gone.ok ? 'ok' : gone.error.code, 'VIEW_NOT_FOUND');

  // On the record: opened, joins, cameras pushed, the extension, the end.
  await t.hub.auditWriter.flush();
  const actions = t.hub.audit.query({ incidentId: incident.json.incident.id, limit: 1000 }).entries.map((e) => e.action);
  for (const action of ['share.opened', 'share.joined', 'share.camera', 'share.left', 'grant.extended', 'grant.issued', 'share.closed'] as const) assert.ok(actions.includes(action), `audit has ${action}`);
  assert.equal(actions.filter((a) => a === 'share.camera').length, 2);
  for (const m of everyone) m.socket.disconnect();
});

test('an extended grant shows the receiving agency no more than the owner\'s agency sees: only its categories and, with no incident grant of its own, only its 구', async () => {
  const [gangnamCam, , mapoCam, , , mapoTraffic] = t.cameras;
  const owner = await member('mapo', 'owner-mapo');
  const welfare = await member('welfare', 'welfare-bound');
  // 마포's own incident carries no grant (its policy opens none): the 마포 centre sees only 마포, and not its 교통단속 camera.
  const mapoDisaster = await t.issuers.district.sign(userClaims('mapo-cctv', ['11440'], { purpose: 'disaster', sub: 'owner-mapo', name: 'owner-mapo' }));
  const incident = await t.api('/api/incidents', mapoDisaster, { type: '재난', location: SCENE, dispatch: false, nearest: 0 });
  assert.equal(incident.status, 201, JSON.stringify(incident.json));
  assert.equal(incident.json.grant, null);
  const opened = await request(owner.socket, 'view:open', { title: '침수 대응 (마포)', incidentId: incident.json.incident.id, invite: { agencies: ['seoul-welfare'], users: [] } });
  assert.ok(opened.ok, JSON.stringify(opened));
  owner.view = opened.data.view;
  const viewId = owner.view.id;
  await join(welfare, viewId);
  const pushed = await request(owner.socket, 'view:op', { viewId, baseVersion: owner.view.version, op: { type: 'tile.set', slot: 0, cameraId: mapoTraffic!.id } });
  assert.equal(pushed.ok ? 'ok' : pushed.error.code, 'CAMERA_OUT_OF_SCOPE', 'the owner cannot push a camera of a category its agency may not use');

  const extended = await request(owner.socket, 'view:extend-grant', { viewId, agency: 'seoul-welfare' });
  assert.ok(extended.ok, JSON.stringify(extended));
  // The circle (300 m) holds five cameras; of them the 마포 centre sees one, and so does the welfare team.
  const inCircle = t.cameras.filter((c) => [gangnamCam, t.cameras[1], mapoCam, t.cameras[3], mapoTraffic].includes(c)).map((c) => c.id);
  assert.equal(inCircle.length, 5);
  const listed = await request(welfare.socket, 'cameras:list', {});
  assert.ok(listed.ok, JSON.stringify(listed));
  assert.deepEqual(listed.data.cameras.map((c) => c.id), [mapoCam!.id]);
  const capabilities = await joined(welfare.socket);
  for (const camera of [gangnamCam!, mapoTraffic!]) {
    const refused = await request(welfare.socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: capabilities });
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'CAMERA_OUT_OF_SCOPE', `${camera.id} stays closed to the welfare team`);
  }
  const watched = await request(welfare.socket, 'camera:watch', { cameraId: mapoCam!.id, rtpCapabilities: capabilities });
  assert.ok(watched.ok, JSON.stringify(watched));
  assert.equal(watched.data.grant?.id, extended.data.grant.id);

  // The bound is kept with the grant: after a restart it still holds.
  await t.hub.auditWriter.flush();
  const entry = t.hub.audit.query({ incidentId: incident.json.incident.id, limit: 100 }).entries.find((e) => e.action === 'grant.extended' && e.outcome === 'allowed');
  assert.deepEqual((entry?.detail as { within?: unknown } | undefined)?.within, { agency: 'mapo-cctv', districts: ['11440'] });
  owner.socket.disconnect();
  welfare.socket.disconnect();
  await t.restart();
  const after = await t.client(await t.token('welfare'));
  const again = await request(after, 'cameras:list', {});
  assert.ok(again.ok && again.data.cameras.length === 1 && again.data.cameras[0]!.id === mapoCam!.id, JSON.stringify(again));
  after.disconnect();
  const closed = await t.api(`/api/incidents/${incident.json.incident.id}/close`, mapoDisaster, {});
  assert.equal(closed.status, 200, JSON.stringify(closed.json));
});

test('a client that drops resumes from its version with the ops it missed; the view survives a hub restart and goes on from there', async () => {
  const owner = await member('fire', 'owner-r');
  const follower = await member('welfare', 'follower-r');
  const opened = await request(owner.socket, 'view:open', { title: '태풍 대응', invite: { agencies: ['seoul-welfare'], users: [] } });
  assert.ok(opened.ok);
  owner.view = opened.data.view;
  const viewId = owner.view.id;
  await join(follower, viewId);
  await send(owner, viewId, { type: 'annotation.add', id: 'route', kind: '대피경로', label: '대피로', geometry: { type: 'line', coordinates: POLYGON.slice(0, 2) } });
  await waitUntil(() => follower.view?.version === owner.view!.version, 5000, 'follower caught up');
  const had = follower.view!.version;
  follower.socket.disconnect();
  await send(owner, viewId, { type: 'note', text: '1' });
  // A camera beyond the grant the welfare team was extended above.
  await send(owner, viewId, { type: 'tile.set', slot: 3, cameraId: t.cameras[4]!.id });
  await send(owner, viewId, { type: 'annotation.update', id: 'route', label: '대피로 (변경)' });

  const back = await member('welfare', 'follower-r');
  back.view = follower.view;
  const resumed = await join(back, viewId, had);
  assert.equal(resumed.kind, 'ops');
  assert.deepEqual(resumed.kind === 'ops' && resumed.ops.map((o) => o.op.type), ['note', 'tile.set', 'annotation.update']);
  assert.equal(JSON.stringify(resumed).includes(t.cameras[4]!.id), false, 'the resumed ops are filtered too');
  const fresh = await member('welfare', 'fresh-r');
  await join(fresh, viewId);
  assert.deepEqual(comparable(back.view!), comparable(fresh.view!));
  // A client ahead of the hub (or far behind) gets a snapshot.
  const ahead = await request(fresh.socket, 'view:join', { viewId, sinceVersion: 10_000 });
  assert.ok(ahead.ok && ahead.data.kind === 'snapshot');

  const before = comparable(owner.view!);
  await t.restart();
  const owner2 = await member('fire', 'owner-r');
  const list = await request(owner2.socket, 'view:list', {});
  assert.ok(list.ok && list.data.views.some((v) => v.id === viewId), 'the view is listed after the restart');
  await join(owner2, viewId);
  assert.deepEqual(comparable(owner2.view!), before, 'the same state after the restart');
  const next = await send(owner2, viewId, { type: 'note', text: '재시작 후' });
  assert.equal(next.version, owner.view!.version + 1, 'versions go on without a gap');
  const follower2 = await member('welfare', 'follower-r');
  follower2.view = back.view;
  const resumed2 = await join(follower2, viewId, back.view!.version);
  assert.deepEqual(resumed2.kind === 'ops' && resumed2.ops.map((o) => o.op.type), ['note']);
  // Closing ends it for everyone; it is no longer listed.
  const ended = nextEvent(follower2.socket, 'view:ended');
  await send(owner2, viewId, { type: 'close' });
  assert.equal((await ended)[0].reason.code, 'VIEW_CLOSED');
  const after = await request(owner2.socket, 'view:list', {});
  assert.ok(after.ok && !after.data.views.some((v) => v.id === viewId));
  const closedJoin = await request(follower2.socket, 'view:join', { viewId });
  assert.equal(closedJoin.ok ? 'ok' : closedJoin.error.code, 'VIEW_NOT_FOUND');
});
