/**
 * The typed socket client against a real Socket.IO server on port 0: answers become promises,
 * refusals become AppErrors with the wire code, and nothing waits forever.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, test } from 'node:test';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '$protocol/events.ts';
import { AppError } from '$lib/errors/app-error.ts';
import { HubClient } from './client.ts';

type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
const tokensSeen: unknown[] = [];
/** Per-test behaviour of the server side. */
let onConnection: (socket: ServerSocket) => void = () => {};
const clients = new Set<HubClient>();

before(async () => {
  http = createServer();
  io = new Server(http);
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    tokensSeen.push(token);
    if (token === 'expired') {
      const refusal = new Error('token expired') as Error & { data: unknown };
      refusal.data = { code: 'AUTH_TOKEN_EXPIRED', message: '토큰이 만료되었습니다' };
      next(refusal);
      return;
    }
    next();
  });
  io.on('connection', (socket) => onConnection(socket));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const client of clients) client.close();
  clients.clear();
  tokensSeen.length = 0;
  onConnection = () => {};
});

after(async () => {
  await io.close();
});

function client(token: () => string | null, requestTimeoutMs?: number): HubClient {
  const made = new HubClient({ url, token, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
  clients.add(made);
  return made;
}

function connected(hub: HubClient): Promise<void> {
  return new Promise((resolve) => {
    const off = hub.onConnect(() => {
      off();
      resolve();
    });
    hub.connect();
  });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

test('request resolves with the data of an ok answer', async () => {
  const empty = { total: 0, districts: [], matched: 0, offset: 0, cameras: [] };
  onConnection = (socket) => socket.on('cameras:list', (_req, ack) => ack({ ok: true, data: empty }));
  const hub = client(() => 'good');
  await connected(hub);
  assert.deepEqual(await hub.request('cameras:list', {}), empty);
  assert.deepEqual(tokensSeen, ['good']);
});

test('a refusal rejects with an AppError carrying the wire code', async () => {
  onConnection = (socket) =>
    socket.on('camera:watch', (_req, ack) => ack({ ok: false, error: { code: 'CAMERA_OUT_OF_SCOPE', message: 'outside your scope' } }));
  const hub = client(() => 'good');
  await connected(hub);
  const error = await rejection(hub.request('camera:watch', { cameraId: 'cam-1', rtpCapabilities: {} }));
  assert.equal(error.code, 'CAMERA_OUT_OF_SCOPE');
  assert.equal(error.message, 'outside your scope');
});

test('an unanswered request times out', async () => {
  const hub = client(() => 'good', 100);
  await connected(hub);
  assert.equal((await rejection(hub.request('media:join', {}))).code, 'REQUEST_TIMEOUT');
});

test('a request waiting when the socket drops is rejected at once', async () => {
  onConnection = (socket) => socket.on('media:join', () => socket.disconnect(true));
  const hub = client(() => 'good');
  await connected(hub);
  assert.equal((await rejection(hub.request('media:join', {}))).code, 'CONNECTION_LOST');
});

test('close() rejects waiting requests and refuses new ones', async () => {
  const hub = client(() => 'good');
  await connected(hub);
  const waiting = hub.request('media:join', {});
  hub.close();
  assert.equal((await rejection(waiting)).code, 'CLIENT_CLOSED');
  assert.equal((await rejection(hub.request('media:join', {}))).code, 'CLIENT_CLOSED');
});

test('a refused handshake reports the wire error and is not retried', async () => {
  const hub = client(() => 'expired');
  const refused = new Promise<{ code: string | undefined; retrying: boolean }>((resolve) =>
    hub.onConnectError((error) => resolve({ code: error?.code, retrying: hub.retrying }))
  );
  hub.connect();
  assert.deepEqual(await refused, { code: 'AUTH_TOKEN_EXPIRED', retrying: false });
});

test('every reconnect reads the current token', async () => {
  let token = 'first';
  const hub = client(() => token);
  await connected(hub);
  token = 'second';
  const again = new Promise<void>((resolve) => hub.onConnect(resolve));
  hub.reconnect();
  await again;
  assert.deepEqual(tokensSeen, ['first', 'second']);
});

test('pushes reach subscribers until they unsubscribe', async () => {
  let server: ServerSocket | undefined;
  onConnection = (socket) => (server = socket);
  const hub = client(() => 'good');
  await connected(hub);
  const seen: string[] = [];
  const off = hub.on('camera:state', (event) => seen.push(event.state));
  server!.emit('camera:state', { cameraId: 'cam-1', state: 'live' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  off();
  server!.emit('camera:state', { cameraId: 'cam-1', state: 'offline' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen, ['live']);
});
