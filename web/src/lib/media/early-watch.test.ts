/**
 * Early watches against a real Socket.IO server on port 0: sent right behind the join and the
 * transport, in that order, carrying the kept capabilities' id; the hub's pushes for their
 * cameras that come before the session takes them are kept, in order, and no others.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { types as mc } from 'mediasoup-client';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ConsumerOptions, ServerToClientEvents } from '$protocol/events.ts';
import { HubClient } from '$lib/signaling/client.ts';
import { joinAndCreate } from './join.ts';
import { sendEarlyWatches } from './early-watch.ts';
import type { KeptRouter } from './kept-router.ts';

type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

let http: HttpServer;
let io: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
const requests: Array<{ event: string; payload: unknown }> = [];
let hubSide: ServerSocket | undefined;

const consumerOf = (cameraId: string): ConsumerOptions => ({ cameraId, id: `c-${cameraId}`, producerId: 'p', kind: 'video', rtpParameters: { codecs: [] } as never, path: 'passthrough' });

before(async () => {
  http = createServer();
  io = new Server(http);
  io.on('connection', (socket: ServerSocket) => {
    hubSide = socket;
    socket.onAny((event: string, payload: unknown, ack: (result: unknown) => void) => {
      requests.push({ event, payload });
      if (event === 'camera:watch') {
        const { cameraId } = payload as { cameraId: string };
        // The hub's push can overtake the answer the session will read.
        socket.emit('camera:state', { cameraId, state: 'live' });
        socket.emit('camera:consumer', consumerOf(cameraId));
        ack({ ok: true, data: { cameraId, state: 'live' } });
      } else ack({ ok: true, data: {} });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

after(async () => {
  await io.close();
});

test('watches go right behind the join and the transport, and the pushes for them wait for the session', async () => {
  const client = new HubClient({ token: () => 'good', url });
  await new Promise<void>((resolve) => {
    client.onConnect(resolve);
    client.connect();
  });
  const capabilities = { codecs: [{ kind: 'video', mimeType: 'video/H264', clockRate: 90000, preferredPayloadType: 102 }] } as mc.RtpCapabilities;
  const kept: KeptRouter = { id: 'abc123', capabilities: { codecs: [] }, recvRtpCapabilities: capabilities };
  joinAndCreate(client);
  // No Device is needed to send them: the kept answer is what they carry.
  const early = sendEarlyWatches(client, kept, ['cam-1', 'cam-2'], new Promise<mc.Device>(() => undefined));

  assert.deepEqual([...early.sent.keys()], ['cam-1', 'cam-2']);
  const answers = await Promise.all([...early.sent.values()].map((sent) => sent.answer));
  assert.deepEqual(answers.map((answer) => answer.cameraId), ['cam-1', 'cam-2']);
  assert.deepEqual(requests.map((r) => r.event), ['media:join', 'transport:create', 'camera:watch', 'camera:watch'], 'in this order on one socket');
  assert.deepEqual(requests[2]!.payload, { cameraId: 'cam-1', rtpCapabilities: capabilities, routerCapabilitiesId: 'abc123' });

  // A push about a camera it did not watch is not its business.
  hubSide!.emit('camera:state', { cameraId: 'cam-9', state: 'live' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const pushes = early.takePushes();
  assert.deepEqual(
    pushes.map((push) => [push.event, push.payload.cameraId]),
    [
      ['camera:state', 'cam-1'],
      ['camera:consumer', 'cam-1'],
      ['camera:state', 'cam-2'],
      ['camera:consumer', 'cam-2']
    ]
  );
  hubSide!.emit('camera:consumer', consumerOf('cam-1'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(early.takePushes(), [], 'taken once: later pushes are the session\'s own');
  client.close();
});
