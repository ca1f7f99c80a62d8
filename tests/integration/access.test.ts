/**
 * The access model on the real stack, while media flows: incident grants open exactly their
 * radius for exactly their time, refreshed tokens keep the picture, expiry / revocation /
 * withdrawn keys close it and say why (how fast is printed as a figure), and every decision is in the audit chain.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { types as ms } from 'mediasoup';
import type { ConsumerClosedEvent } from '../../server/protocol/events.ts';
import { joined, nextEvent, request, startTestHub, type HubClient, type TestHub } from '../support/hub.ts';
import { userClaims } from '../support/tokens.ts';
import { waitUntil } from '../support/wait.ts';

let t: TestHub;
const GRANT_TTL_MS = 4000;
const figures: Record<string, number> = {};

before(async () => {
  t = await startTestHub({ cameras: 4, config: { grants: { ttlMs: GRANT_TTL_MS, defaultRadiusM: 300 }, audit: { refusedHandshakes: { intervalMs: 200 } } } });
});
after(async () => {
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`# figure ${name}: ${value}\n`);
  await t?.close();
});

/** Watches a camera and waits for its consumer. */
async function watching(socket: HubClient, rtpCapabilities: ms.RtpCapabilities, cameraId: string) {
  const consumer = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === cameraId);
  const watch = await request(socket, 'camera:watch', { cameraId, rtpCapabilities });
  assert.ok(watch.ok, JSON.stringify(watch));
  const [event] = await consumer;
  assert.ok((await request(socket, 'consumer:resume', { consumerId: event.id })).ok);
  return { watch: watch.data, consumer: event };
}

async function api(path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.hub.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  return { status: res.status, json: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

test('an incident grant opens the cameras in its radius, only for its time, and its end closes the view', async () => {
  const token = await t.token('welfare');
  const socket = await t.client(token);
  const caps = await joined(socket);
  const [scene, next] = [t.cameras[0]!, t.cameras[1]!];
  const before = await request(socket, 'camera:watch', { cameraId: scene.id, rtpCapabilities: caps });
  assert.equal(!before.ok && before.error.code, 'CAMERA_OUT_OF_SCOPE', 'welfare sees nothing by default');

  const opened = await api('/api/incidents', token, { type: '실종', location: scene.location, radiusM: 100 });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  const { incident, pendingGrant } = opened.json as { incident: { id: string }; pendingGrant: { id: string } };
  const waiting = await request(socket, 'camera:watch', { cameraId: scene.id, rtpCapabilities: caps });
  assert.equal(!waiting.ok && waiting.error.code, 'CAMERA_OUT_OF_SCOPE', 'a grant waiting for its supervisor opens nothing');
  const changed = nextEvent(socket, 'cameras:changed');
  const approval = await api(`/api/grants/${pendingGrant.id}/approve`, await t.token('welfare-supervisor'), {});
  assert.equal(approval.status, 200, JSON.stringify(approval.json));
  await changed; // the page lists again and shows the scene's camera without a reload
  const { grant } = approval.json as { grant: { expiresAt: number } };

  const { watch } = await watching(socket, caps, scene.id);
  assert.equal(watch.grant?.incidentId, incident.id, 'the view rests on the grant');
  const outside = await request(socket, 'camera:watch', { cameraId: next.id, rtpCapabilities: caps });
  assert.equal(!outside.ok && outside.error.code, 'CAMERA_OUT_OF_SCOPE', 'a camera 140 m away is outside a 100 m grant');
  const list = await request(socket, 'cameras:list', {});
  assert.deepEqual(list.ok && list.data.cameras.map((c) => c.id), [scene.id]);

  // Renewal keeps it; expiry ends it.
  const renewed = await api(`/api/incidents/${incident.id}/renew`, token, {});
  assert.equal(renewed.status, 200);
  const expiresAt = (renewed.json as { grant: { expiresAt: number } }).grant.expiresAt;
  assert.ok(expiresAt > grant.expiresAt);
  const [closed] = await nextEvent(socket, 'consumer:closed', (e) => e.cameraId === scene.id);
  figures['grant expiry → view closed (ms)'] = Date.now() - expiresAt;
  assert.equal(closed.reason.code, 'GRANT_ENDED');
  // The expiry ended the view: the grant's end is on the record before the view's stop.
  await t.hub.auditWriter.flush();
  const trail = t.hub.audit.query({ incidentId: incident.id, limit: 100 }).entries.reverse();
  const ended = trail.findIndex((r) => r.action === 'grant.ended' && r.detail?.reason === 'expired');
  const stopped = trail.findIndex((r) => r.action === 'view.stop' && r.cameraId === scene.id && r.code === 'GRANT_ENDED');
  assert.ok(ended >= 0 && stopped > ended, `grant.ended (expired) then view.stop: ${trail.map((r) => r.action).join(', ')}`);
  const after = await request(socket, 'camera:watch', { cameraId: scene.id, rtpCapabilities: caps });
  assert.equal(!after.ok && after.error.code, 'CAMERA_OUT_OF_SCOPE');
  socket.disconnect();
});

test('a grant tells only the sessions whose cameras it widens to list again: a city-wide room hears nothing', async () => {
  const fireToken = await t.token('fire');
  const fire = await t.client(fireToken);
  const welfare = await t.client(await t.token('welfare'));
  await joined(fire);
  await joined(welfare);
  const heard = { fire: 0, welfare: 0 };
  fire.on('cameras:changed', () => heard.fire++);
  welfare.on('cameras:changed', () => heard.welfare++);
  const opened = await api('/api/incidents', fireToken, { type: '화재', location: t.cameras[0]!.location, radiusM: 300, dispatch: false });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  // cameras:changed is sent before the HTTP answer; an answer on the same socket after it comes after it.
  assert.ok((await request(fire, 'cameras:list', {})).ok);
  assert.ok((await request(welfare, 'cameras:list', {})).ok);
  assert.deepEqual(heard, { fire: 0, welfare: 0 }, 'the 119 room already sees every camera; another agency is not concerned');
  assert.equal((await api(`/api/incidents/${(opened.json as { incident: { id: string } }).incident.id}/close`, fireToken, {})).status, 200);
  fire.disconnect();
  welfare.disconnect();
});

test('closing the incident ends its grant at once', async () => {
  const token = await t.token('welfare');
  const socket = await t.client(token);
  const caps = await joined(socket);
  const scene = t.cameras[2]!;
  const opened = await api('/api/incidents', token, { type: '실종', location: scene.location, radiusM: 100 });
  const incidentId = (opened.json as { incident: { id: string } }).incident.id;
  const pending = (opened.json as { pendingGrant: { id: string } }).pendingGrant.id;
  assert.equal((await api(`/api/grants/${pending}/approve`, await t.token('welfare-supervisor'), {})).status, 200);
  await watching(socket, caps, scene.id);
  const closedEvent = nextEvent(socket, 'consumer:closed', (e) => e.cameraId === scene.id);
  const started = Date.now();
  assert.equal((await api(`/api/incidents/${incidentId}/close`, token, {})).status, 200);
  const [closed] = await closedEvent;
  figures['incident close → view closed (ms)'] = Date.now() - started;
  assert.equal(closed.reason.code, 'GRANT_ENDED');
  assert.equal((await api(`/api/incidents/${incidentId}/renew`, token, {})).status, 409, 'a closed incident cannot be renewed');
  socket.disconnect();
});

test('a refreshed token keeps the picture; a narrower one closes what it no longer allows', async () => {
  const socket = await t.client(await t.token('fire', { expiresIn: '1m' }));
  const caps = await joined(socket);
  const camera = t.cameras[0]!;
  await watching(socket, caps, camera.id);
  let closed: ConsumerClosedEvent | undefined;
  socket.on('consumer:closed', (e) => (closed = e));
  const refreshed = await request(socket, 'session:refresh', { token: await t.token('fire', { expiresIn: '2h' }) });
  assert.ok(refreshed.ok && refreshed.data.expiresAt > Date.now() + 3600_000, JSON.stringify(refreshed));
  const other = await request(socket, 'session:refresh', { token: await t.token('gangnam') });
  assert.equal(!other.ok && other.error.code, 'AUTH_INVALID_TOKEN', 'another user cannot take the session over');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(closed, undefined, 'refreshing dropped no picture');

  // The same 119 user, now scoped to one district the camera is not in.
  const elsewhere = t.cameras.find((c) => c.district.code !== camera.district.code)!.district.code;
  const narrow = await t.issuers.fire.sign(userClaims('seoul-119', [elsewhere], { purpose: 'dispatch-119' }));
  const gone = nextEvent(socket, 'consumer:closed', (e) => e.cameraId === camera.id);
  assert.ok((await request(socket, 'session:refresh', { token: narrow })).ok);
  assert.equal((await gone)[0].reason.code, 'CAMERA_OUT_OF_SCOPE');
  socket.disconnect();
});

test('an expiring token stops the picture and says why', async () => {
  const expiresIn = Math.floor(Date.now() / 1000) + 3;
  const socket = await t.client(await t.token('fire', { expiresIn }));
  const caps = await joined(socket);
  await watching(socket, caps, t.cameras[3]!.id);
  const [closed] = await nextEvent(socket, 'consumer:closed', () => true);
  figures['token expiry → view closed (ms)'] = Date.now() - expiresIn * 1000;
  assert.equal(closed.reason.code, 'AUTH_TOKEN_EXPIRED');
});

/** The code a handshake with this token is refused with, or 'connected'. */
async function handshake(token: string): Promise<string | undefined> {
  return t.client(token).then(
    (socket) => {
      socket.disconnect();
      return 'connected';
    },
    (e: Error & { data?: { code: string } }) => e.data?.code
  );
}

const nextSecond = () => new Promise((r) => setTimeout(r, 1100)); // `iat` is in whole seconds

test('a revoked user is cut off at once and stays out, whatever the identity provider issues next, until a supervisor lifts it', async () => {
  const subject = 'user-seoul-119';
  const victimToken = await t.token('fire');
  const socket = await t.client(victimToken);
  const caps = await joined(socket);
  await watching(socket, caps, t.cameras[1]!.id);
  const ended = nextEvent(socket, 'session:ended');
  const denied = await api('/api/admin/revocations', await t.token('mapo'), { subject });
  assert.equal(denied.status, 403, 'an operator cannot revoke');
  const supervisor = await t.token('supervisor');
  const started = Date.now();
  const revoked = await api('/api/admin/revocations', supervisor, { subject });
  assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
  const [reason] = await ended;
  figures['revocation → session ended (ms)'] = Date.now() - started;
  assert.equal(reason.code, 'TOKEN_REVOKED');
  assert.equal(await handshake(victimToken), 'TOKEN_REVOKED');

  // The identity provider knows nothing of it and issues a new token: refused all the same.
  await nextSecond();
  const during = await t.token('fire');
  assert.equal(await handshake(during), 'TOKEN_REVOKED', 'a token issued after the revocation');
  assert.equal((await api('/api/incidents', during)).status, 401);
  assert.deepEqual(((await api('/api/admin/revocations', supervisor)).json as { revocations: Array<{ subject: string }> }).revocations.map((r) => r.subject), [subject]);
  // Kept in the store: a restarted hub refuses too.
  await t.restart();
  assert.equal(await handshake(during), 'TOKEN_REVOKED', 'after a restart');

  // Lifting is a supervisor's act for their own agency, with a reason, on the record.
  const lift = { subject, reason: '본인 확인 완료 (identity confirmed)' };
  assert.equal((await api('/api/admin/revocations/lift', await t.token('mapo'), lift)).status, 403, 'an operator cannot lift');
  const otherSupervisor = await t.issuers.police.sign(userClaims('gangnam-police', ['11680'], { role: 'supervisor', sub: 'chief-gangnam' }));
  assert.equal((await api('/api/admin/revocations/lift', otherSupervisor, lift)).status, 404, "another agency's supervisor has nothing to lift");
  assert.equal((await api('/api/admin/revocations/lift', supervisor, { subject })).status, 400, 'a reason is required');
  const lifted = await api('/api/admin/revocations/lift', supervisor, lift);
  assert.equal(lifted.status, 200, JSON.stringify(lifted.json));
  assert.equal((lifted.json as { lifted: { liftedBy: string } }).lifted.liftedBy, 'chief-119');
  const record = t.hub.audit.query({ action: 'revocation.lifted', limit: 10 }).entries.at(-1);
  assert.equal(record?.subject, subject);
  assert.deepEqual(record?.detail, { by: 'chief-119', reason: lift.reason });
  assert.equal((await api('/api/admin/revocations/lift', supervisor, lift)).status, 404, 'nothing left to lift');

  // Tokens from before the lift stay refused: the one from before the revocation, and the one issued during it.
  assert.equal(await handshake(victimToken), 'TOKEN_REVOKED', 'issued before the revocation');
  assert.equal(await handshake(during), 'TOKEN_REVOKED', 'issued while it stood');
  assert.equal((await api('/api/incidents', victimToken)).status, 401);
  await nextSecond();
  const after = await t.token('fire');
  assert.equal(await handshake(after), 'connected', 'a token issued after the lift works');
  assert.equal((await api('/api/incidents', after)).status, 200);
});

test('a token issued in the future is refused at the handshake and at the API', async () => {
  const now = Math.floor(Date.now() / 1000);
  const tomorrow = await t.issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' }), { issuedAt: now + 86_400, expiresIn: now + 2 * 86_400 });
  assert.equal(await handshake(tomorrow), 'AUTH_INVALID_TOKEN');
  assert.equal((await api('/api/incidents', tomorrow)).status, 401);
  const skewed = await t.issuers.fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' }), { issuedAt: now + 20 });
  assert.equal(await handshake(skewed), 'connected', 'an identity provider 20 s ahead is within the allowed skew');
});

test('/metrics needs a metrics token, which opens nothing else, and names no camera or worker process', async () => {
  const socket = await t.client(await t.token('fire'));
  const caps = await joined(socket);
  await watching(socket, caps, t.cameras[0]!.id);
  const scrape = (token?: string) => fetch(`${t.hub.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  assert.equal((await scrape()).status, 401, 'no token');
  assert.equal((await scrape(await t.token('fire'))).status, 403, "an operator's token");
  const text = await t.metrics();
  assert.match(text, /^gth_ingest_streams\{state="live"\} 1$/m, 'ingests are counted per state');
  for (const camera of t.cameras) assert.ok(!text.includes(camera.id), `${camera.id} is not named`);
  assert.doesNotMatch(text, /pid=/);
  assert.match(text, /^gth_worker_cpu_ms\{worker="0"\} \d+/m);
  const metricsToken = await t.token('metrics');
  assert.equal(await handshake(metricsToken), 'FORBIDDEN', 'a metrics token opens no session');
  assert.equal((await api('/api/incidents', metricsToken)).status, 403, 'nor the API');
  socket.disconnect();
});

test('key rotation: a new kid works after the JWKS changes; a withdrawn kid ends its streams', async () => {
  const issuer = t.issuers.police;
  const k2 = await issuer.addKey();
  const early = await t.client(await t.token('gangnam', { kid: k2 })).then(
    () => 'connected',
    (e: Error & { data?: { code: string } }) => e.data?.code
  );
  assert.equal(early, 'AUTH_INVALID_TOKEN', 'an unpublished kid is refused');

  await issuer.publish([issuer.kid, k2]);
  const deadline = Date.now() + 5000;
  let k2Socket: HubClient | undefined;
  while (!k2Socket && Date.now() < deadline) {
    k2Socket = await t.client(await t.token('gangnam', { kid: k2 })).catch(() => undefined);
    if (!k2Socket) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(k2Socket, 'the new kid works after the reload, without a restart');

  const k1Socket = await t.client(await t.token('gangnam'));
  const caps = await joined(k1Socket);
  const gangnam = t.cameras.find((c) => c.district.code === '11680')!;
  await watching(k1Socket, caps, gangnam.id);
  const closed = nextEvent(k1Socket, 'consumer:closed', () => true);
  const ended = nextEvent(k1Socket, 'session:ended', () => true);
  const withdrawnAt = Date.now();
  await issuer.publish([k2]);
  const [reason] = await ended;
  figures['key withdrawn → session ended (ms)'] = Date.now() - withdrawnAt;
  assert.equal(reason.code, 'KEY_WITHDRAWN');
  assert.equal((await closed)[0].reason.code, 'KEY_WITHDRAWN');
  const k1Again = await t.client(await t.token('gangnam')).then(
    () => 'connected',
    (e: Error & { data?: { code: string } }) => e.data?.code
  );
  assert.equal(k1Again, 'AUTH_INVALID_TOKEN');
  assert.ok(k2Socket.connected, 'the k2 session keeps going');
  k2Socket.disconnect();
  // Leave the issuer as the other tests expect it, once the hub has seen it.
  await issuer.publish([issuer.kid, k2]);
  const until = Date.now() + 5000;
  for (;;) {
    const back = await t.client(await t.token('gangnam')).catch(() => undefined);
    if (back) {
      back.disconnect();
      break;
    }
    assert.ok(Date.now() < until, 'k1 trusted again after re-publishing');
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('every allowed and refused view is in the audit chain, and the chain verifies', async () => {
  const socket = await t.client(await t.token('gangnam'));
  const caps = await joined(socket);
  const mine = t.cameras.find((c) => c.district.code === '11680')!;
  const foreign = t.cameras.find((c) => c.district.code === '11440')!;
  await watching(socket, caps, mine.id);
  const refused = await request(socket, 'camera:watch', { cameraId: foreign.id, rtpCapabilities: caps });
  assert.equal(!refused.ok && refused.error.code, 'CAMERA_OUT_OF_SCOPE');
  assert.ok((await request(socket, 'camera:unwatch', { cameraId: mine.id })).ok);
  await t.client('not-a-token').catch(() => undefined);

  await t.hub.auditWriter.flush();
  const { entries } = t.hub.audit.query({ agency: 'gangnam-police', limit: 5000 });
  const find = (action: string, cameraId?: string) => entries.find((e) => e.action === action && (!cameraId || e.cameraId === cameraId));
  const start = find('view.start', mine.id);
  assert.ok(start, 'view.start recorded');
  assert.equal(start.purpose, 'emergency-112');
  assert.ok(start.clientAddress, 'client address recorded');
  assert.equal(find('view.refused', foreign.id)?.code, 'CAMERA_OUT_OF_SCOPE');
  const stop = find('view.stop', mine.id);
  assert.ok(stop && typeof stop.durationMs === 'number' && stop.durationMs >= 0, 'view.stop with its duration');
  // Refused handshakes are counted per address and reason, and recorded when their window (200 ms here) ends.
  await waitUntil(() => t.hub.audit.query({ action: 'auth.refused', limit: 10 }).entries.some((e) => e.code === 'AUTH_INVALID_TOKEN' && e.detail?.count === 1), 5000, 'the refused handshake recorded with its count');
  assert.ok(t.hub.audit.query({ action: 'grant.issued', limit: 10 }).entries.length >= 2);
  const verified = t.hub.audit.verify();
  assert.equal(verified.ok, true, JSON.stringify(verified.firstBroken));
  figures['audit records'] = verified.checked;

  // The auditor's API; an operator gets nothing.
  assert.equal((await api(`/api/audit?cameraId=${mine.id}`, await t.token('gangnam'))).status, 403);
  socket.disconnect();
});

test('an audit chain edited in the database fails verification at that record', async () => {
  const { AuditLog } = await import('../../server/audit/log.ts');
  const Database = (await import('better-sqlite3')).default;
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(await mkdtemp(join(tmpdir(), 'gth-audit-')), 'audit.sqlite');
  const log = AuditLog.open(file);
  for (let i = 0; i < 20; i++) log.append({ action: 'view.start', outcome: 'allowed', cameraId: `cam-${i}`, subject: 'u' });
  log.close();
  // Someone with the database file: drops the append-only triggers and rewrites a record.
  const db = new Database(file);
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>) db.exec(`DROP TRIGGER "${name}"`);
  db.prepare(`UPDATE audit_log SET camera_id = 'cam-forged' WHERE seq = 7`).run();
  db.close();
  const { spawnSync } = await import('node:child_process');
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'server/audit/verify-cli.ts', '--db', file], { encoding: 'utf8' });
  assert.equal(cli.status, 1, cli.stdout + cli.stderr);
  assert.match(cli.stdout + cli.stderr, /\b7\b/);
});
