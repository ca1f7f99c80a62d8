/**
 * The wall's early connection against a real Socket.IO server on port 0: it joins the moment it
 * connects and is handed over once, with that join; one that failed first is never handed out.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, test } from 'node:test';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, JoinResponse, ServerToClientEvents, TransportOptions } from '$protocol/events.ts';
import { openEarlyConnection, takeEarlyConnection, type EarlyConnection } from './early-connection.ts';

type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
/** Requests the server saw, in order, per connection. */
const seen: string[][] = [];
let refusals = 0;
const taken: EarlyConnection[] = [];

const JOINED = { session: { subject: 'u1' }, routerRtpCapabilities: { codecs: [] } } as unknown as JoinResponse;
const TRANSPORT = { id: 't1' } as unknown as TransportOptions;

before(async () => {
  http = createServer();
  io = new Server(http);
  io.use((socket, next) => {
    if ((socket.handshake.auth as { token?: unknown }).token !== 'refused') return next();
    refusals++;
    const refusal = new Error('revoked') as Error & { data: unknown };
    refusal.data = { code: 'TOKEN_REVOKED', message: 'revoked' };
    next(refusal);
  });
  io.on('connection', (socket: ServerSocket) => {
    const requests: string[] = [];
    seen.push(requests);
    socket.on('media:join', (_req, ack) => {
      requests.push('media:join');
      ack({ ok: true, data: JOINED });
    });
    socket.on('transport:create', (_req, ack) => {
      requests.push('transport:create');
      ack({ ok: true, data: TRANSPORT });
    });
    socket.on('camera:watch', (req, ack) => {
      requests.push(`camera:watch ${req.cameraId} ${req.routerCapabilitiesId}`);
      ack({ ok: true, data: { cameraId: req.cameraId, state: 'live' } });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const connection of taken.splice(0)) connection.client.close();
  takeEarlyConnection()?.client.close();
  seen.length = 0;
  refusals = 0;
});

after(async () => {
  await io.close();
});

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  const until = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test('joins and asks for the transport as soon as it connects, and hands both over once', async () => {
  openEarlyConnection({ token: () => 'good', url, cameras: ['cam-1'] });
  await waitFor(() => seen[0]?.length === 2, 'the join and the transport');
  assert.deepEqual(seen[0], ['media:join', 'transport:create']);

  const connection = takeEarlyConnection();
  assert.ok(connection, 'the connection is handed over');
  taken.push(connection);
  assert.equal(takeEarlyConnection(), null, 'only once');
  assert.ok(connection.client.connected);
  const join = connection.takeJoin();
  assert.ok(join);
  assert.deepEqual(await join.join, JOINED);
  assert.deepEqual(await join.created, TRANSPORT);
  assert.equal(join.early, undefined, 'no router capabilities kept (no storage here): the cameras wait for the session');
  assert.deepEqual(seen[0], ['media:join', 'transport:create']);
  assert.equal(connection.takeJoin(), null, 'the join is given once');
});

test('with router capabilities kept by an earlier page of this browser, the URL\'s cameras are watched right behind the join, Device or not', async () => {
  const globals = globalThis as { localStorage?: unknown; navigator?: unknown };
  const saved = { localStorage: globals.localStorage, navigator: globals.navigator };
  const kept = JSON.stringify({ id: 'abc123', capabilities: { codecs: [] }, recvRtpCapabilities: { codecs: [], headerExtensions: [] }, userAgent: 'test-browser' });
  Object.assign(globals, { navigator: { userAgent: 'test-browser' }, localStorage: { getItem: (key: string) => (key === 'gth.router' ? kept : null), setItem() {}, removeItem() {} } });
  try {
    openEarlyConnection({ token: () => 'good', url, cameras: ['cam-1', 'cam-2'] });
  } finally {
    Object.assign(globals, saved);
  }
  await waitFor(() => seen[0]?.length === 4, 'the join, the transport and two watches');
  assert.deepEqual(seen[0], ['media:join', 'transport:create', 'camera:watch cam-1 abc123', 'camera:watch cam-2 abc123']);
  const connection = takeEarlyConnection();
  assert.ok(connection);
  taken.push(connection);
  const early = connection.takeJoin()?.early;
  assert.ok(early, 'handed over with the join');
  assert.deepEqual([...early.sent.keys()], ['cam-1', 'cam-2']);
  assert.equal((await early.sent.get('cam-1')!.answer).state, 'live');
  early.takePushes();
});

test('taken over before it connected, its join is sent when its new owner asks for it, connected', async () => {
  openEarlyConnection({ token: () => 'good', url });
  const connection = takeEarlyConnection();
  assert.ok(connection);
  taken.push(connection);
  await new Promise<void>((resolve) => {
    const off = connection.client.onConnect(() => {
      off();
      resolve();
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen[0], [], 'nothing is sent for an owner that did not ask');
  const join = connection.takeJoin();
  assert.ok(join);
  assert.deepEqual(await join.join, JOINED);
  assert.deepEqual(seen[0], ['media:join', 'transport:create']);
  assert.equal(connection.takeJoin(), null, 'given once');
});

test('a refused connection is closed and never handed out', async () => {
  openEarlyConnection({ token: () => 'refused', url });
  await waitFor(() => refusals === 1, 'the refusal');
  // Opening again is a no-op while the refused one is pending; once it is dropped, a new one opens.
  await waitFor(() => {
    openEarlyConnection({ token: () => 'good', url });
    return seen.length === 1 && seen[0]!.length === 2;
  }, 'a new connection after the refusal');
  const next = takeEarlyConnection();
  assert.ok(next);
  taken.push(next);
  assert.ok(next.client.connected, 'what is handed out is the new, connected one');
  assert.ok(next.takeJoin());
  assert.equal(refusals, 1);
});

test('nothing is opened without a token', () => {
  openEarlyConnection({ token: () => null, url });
  assert.equal(takeEarlyConnection(), null);
});
