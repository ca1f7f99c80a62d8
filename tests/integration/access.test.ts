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

let t: TestHub;
const GRANT_TTL_MS = 4000;
const figures: Record<string, number> = {};

before(async () => {
  t = await startTestHub({ cameras: 4, config: { grants: { ttlMs: GRANT_TTL_MS, defaultRadiusM: 300 } } });
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

  const changed = nextEvent(socket, 'cameras:changed');
  const opened = await api('/api/incidents', token, { type: '실종', location: scene.location, radiusM: 100 });
  assert.equal(opened.status, 201, JSON.stringify(opened.json));
  await changed; // the page lists again and shows the scene's camera without a reload
  const { incident, grant } = opened.json as { incident: { id: string }; grant: { expiresAt: number } };

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
  const [closed] = await nextEvent(socket, 'consumer:closed', (e) => e.cameraId === scene.id, GRANT_TTL_MS + 5000);
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
  const { userClaims } = await import('../support/tokens.ts');
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
  const [closed] = await nextEvent(socket, 'consumer:closed', () => true, 10_000);
  figures['token expiry → view closed (ms)'] = Date.now() - expiresIn * 1000;
  assert.equal(closed.reason.code, 'AUTH_TOKEN_EXPIRED');
});

test('a revoked user is cut off at once and cannot come back with the old token', async () => {
  const victimToken = await t.token('fire');
  const socket = await t.client(victimToken);
  const caps = await joined(socket);
  await watching(socket, caps, t.cameras[1]!.id);
  const ended = nextEvent(socket, 'session:ended');
  const denied = await api('/api/admin/revocations', await t.token('fire'), { subject: 'user-seoul-119' });
  assert.equal(denied.status, 403, 'an operator cannot revoke');
  const started = Date.now();
  const revoked = await api('/api/admin/revocations', await t.token('supervisor'), { subject: 'user-seoul-119' });
  assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
  const [reason] = await ended;
  figures['revocation → session ended (ms)'] = Date.now() - started;
  assert.equal(reason.code, 'TOKEN_REVOKED');
  const again = await t.client(victimToken).then(
    () => 'connected',
    (e: Error & { data?: { code: string } }) => e.data?.code
  );
  assert.equal(again, 'TOKEN_REVOKED');
  await new Promise((r) => setTimeout(r, 1100)); // a token issued after the revocation (next second) works again
  const fresh = await t.client(await t.token('fire'));
  fresh.disconnect();
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
  const closed = nextEvent(k1Socket, 'consumer:closed', () => true, 10_000);
  const ended = nextEvent(k1Socket, 'session:ended', () => true, 10_000);
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
  assert.ok(t.hub.audit.query({ action: 'auth.refused', limit: 10 }).entries.some((e) => e.code === 'AUTH_INVALID_TOKEN'));
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
