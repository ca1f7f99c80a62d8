/**
 * SRTP through the real mediasoup worker (built from source against Debian's libsrtp2 through
 * the libsrtp-3 compatibility header in scripts/setup/mediasoup/), for every crypto suite
 * mediasoup offers:
 *
 *   test UDP socket ──plain RTP──▶ P1 (PlainTransport, comedia) → producer1
 *     → consumer1 on S1 (PlainTransport, enableSrtp) ──SRTP──▶ relay socket in the test ──▶ S2
 *     (PlainTransport, enableSrtp) → producer2 → consumer2 on P2 (PlainTransport)
 *     ──plain RTP──▶ test UDP socket
 *
 * The relay between S1 and S2 forwards both ways (RTP one way, RTCP both ways) and keeps what
 * S1 sent, so the test can check that the hop really is encrypted and carries the suite's tag.
 * With S2 given a wrong key, S2 receives the packets but drops them: nothing reaches the end.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import * as mediasoup from 'mediasoup';

type SrtpCryptoSuite = mediasoup.types.SrtpCryptoSuite;

const LOCALHOST = '127.0.0.1';
const PACKETS = 20;
const PAYLOAD_LENGTH = 40;
const SOURCE_SSRC = 0x11223344;
const SOURCE_PT = 111;

/** Authentication tag appended to each SRTP packet (RFC 3711 / RFC 7714). */
const TAG_LENGTH: Record<SrtpCryptoSuite, number> = {
  AEAD_AES_256_GCM: 16,
  AEAD_AES_128_GCM: 16,
  AES_CM_128_HMAC_SHA1_80: 10,
  AES_CM_128_HMAC_SHA1_32: 4,
};
const SUITES = Object.keys(TAG_LENGTH) as SrtpCryptoSuite[];

const MEDIA_CODECS: mediasoup.types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
];

// Worker warnings (SRTP decryption failures are logged with the 'srtp' tag).
const workerWarnings: string[] = [];
mediasoup.setLogEventListeners({ onwarn: (_namespace, log) => workerWarnings.push(log) });

/** RTCP packet types 192–223 share the second byte's range with no RTP payload type in use (RFC 5761). */
function isRtcp(packet: Buffer): boolean {
  return packet.length >= 4 && packet[1]! >= 192 && packet[1]! <= 223;
}

/** Length of an RTP header including CSRCs and the header extension (cleartext in SRTP too). */
function rtpHeaderLength(packet: Buffer): number {
  const csrcCount = packet[0]! & 0x0f;
  let length = 12 + 4 * csrcCount;
  if (packet[0]! & 0x10) length += 4 + 4 * packet.readUInt16BE(length + 2);
  return length;
}

/** Payload of a plain RTP packet (without padding). */
function rtpPayload(packet: Buffer): Buffer {
  const end = packet[0]! & 0x20 ? packet.length - packet[packet.length - 1]! : packet.length;
  return packet.subarray(rtpHeaderLength(packet), end);
}

function rtpPacket(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // V=2, no padding, no extension, no CSRC
  header[1] = SOURCE_PT;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * 960) >>> 0, 4);
  header.writeUInt32BE(SOURCE_SSRC, 8);
  return Buffer.concat([header, payload]);
}

async function bindUdp(): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.bind(0, LOCALHOST);
  await once(socket, 'listening');
  return socket;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Chain {
  suite: SrtpCryptoSuite;
  s1: mediasoup.types.PlainTransport;
  s2: mediasoup.types.PlainTransport;
  consumer1: mediasoup.types.Consumer;
  producer2: mediasoup.types.Producer;
  /** SRTP/SRTCP packets S1 sent towards S2 (captured by the relay). */
  fromS1: Buffer[];
  /** SRTCP packets S2 sent towards S1 (captured by the relay). */
  fromS2: Buffer[];
  /** Plain RTP packets that came out of P2. */
  received: Buffer[];
  /** Sends the test's payloads as plain RTP into P1. */
  send(payloads: Buffer[]): Promise<void>;
}

/**
 * Builds the P1 → S1 ⇄ relay ⇄ S2 → P2 chain on a fresh worker, runs `body`, then closes the
 * worker, waits for its process to exit and closes the sockets.
 */
async function withChain(
  suite: SrtpCryptoSuite,
  options: { wrongKeyAtS2: boolean },
  body: (chain: Chain) => Promise<void>,
): Promise<void> {
  assert.ok(existsSync(mediasoup.workerBin), `no worker binary at ${mediasoup.workerBin}: run node scripts/setup/mediasoup-worker.mjs`);
  const worker = await mediasoup.createWorker({ logLevel: 'warn', logTags: ['srtp'] });
  const sockets: Socket[] = [];
  try {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const listenInfo: mediasoup.types.TransportListenInfo = { protocol: 'udp', ip: LOCALHOST };

    const [source, sink, relay] = await Promise.all([bindUdp(), bindUdp(), bindUdp()]);
    sockets.push(source, sink, relay);

    const p1 = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const s1 = await router.createPlainTransport({ listenInfo, rtcpMux: true, enableSrtp: true, srtpCryptoSuite: suite });
    const s2 = await router.createPlainTransport({ listenInfo, rtcpMux: true, enableSrtp: true, srtpCryptoSuite: suite });
    const p2 = await router.createPlainTransport({ listenInfo, rtcpMux: true });
    assert.ok(s1.srtpParameters && s2.srtpParameters, 'SRTP transports expose their keys');
    assert.equal(s1.srtpParameters.cryptoSuite, suite);

    // The relay: whatever S1 sends goes to S2 and vice versa.
    const relayPort = relay.address().port;
    const fromS1: Buffer[] = [];
    const fromS2: Buffer[] = [];
    relay.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      if (rinfo.port === s1.tuple.localPort) {
        fromS1.push(Buffer.from(msg));
        relay.send(msg, s2.tuple.localPort, LOCALHOST);
      } else if (rinfo.port === s2.tuple.localPort) {
        fromS2.push(Buffer.from(msg));
        relay.send(msg, s1.tuple.localPort, LOCALHOST);
      }
    });

    // Each side decrypts with the key the other side encrypts with.
    let s2RemoteKey = s1.srtpParameters;
    if (options.wrongKeyAtS2) {
      const key = Buffer.from(s1.srtpParameters.keyBase64, 'base64');
      s2RemoteKey = { cryptoSuite: suite, keyBase64: Buffer.from(key.map((byte) => byte ^ 0xff)).toString('base64') };
      assert.equal(Buffer.from(s2RemoteKey.keyBase64, 'base64').length, key.length, 'wrong key, right length');
    }
    await s1.connect({ ip: LOCALHOST, port: relayPort, srtpParameters: s2.srtpParameters });
    await s2.connect({ ip: LOCALHOST, port: relayPort, srtpParameters: s2RemoteKey });
    await p2.connect({ ip: LOCALHOST, port: sink.address().port });

    const producer1 = await p1.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: SOURCE_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: SOURCE_SSRC }],
        rtcp: { cname: 'srtp-test' },
      },
    });
    const consumer1 = await s1.consume({ producerId: producer1.id, rtpCapabilities: router.rtpCapabilities });
    // Same pattern as pipeToRouter(): what S1's consumer sends is what S2's producer receives.
    const producer2 = await s2.produce({ kind: 'audio', rtpParameters: consumer1.rtpParameters });
    await p2.consume({ producerId: producer2.id, rtpCapabilities: router.rtpCapabilities });

    const received: Buffer[] = [];
    sink.on('message', (msg: Buffer) => {
      if (!isRtcp(msg)) received.push(Buffer.from(msg));
    });

    const p1Port = p1.tuple.localPort;
    let seq = 1000;
    const send = async (payloads: Buffer[]): Promise<void> => {
      for (const payload of payloads) {
        source.send(rtpPacket(seq++, payload), p1Port, LOCALHOST);
        await sleep(2);
      }
    };

    await body({ suite, s1, s2, consumer1, producer2, fromS1, fromS2, received, send });
  } finally {
    const exited = worker.subprocessClosed ? Promise.resolve() : once(worker, 'subprocessclose');
    worker.close();
    await exited;
    for (const socket of sockets) socket.close();
  }
}

function makePayloads(): Buffer[] {
  return Array.from({ length: PACKETS }, (_, i) => {
    const payload = randomBytes(PAYLOAD_LENGTH);
    payload.writeUInt32BE(i, 0);
    return payload;
  });
}

for (const suite of SUITES) {
  test(`RTP crosses an SRTP hop intact with ${suite}`, async () => {
    await withChain(suite, { wrongKeyAtS2: false }, async ({ s1, s2, fromS1, received, send }) => {
      const warningsBefore = workerWarnings.length;
      const payloads = makePayloads();
      await send(payloads);
      await until(`${PACKETS} packets at the end of the chain`, () => received.length >= PACKETS);

      // Every payload arrived, byte for byte.
      const byIndex = new Map(received.map((packet) => [rtpPayload(packet).readUInt32BE(0), rtpPayload(packet)]));
      for (const [i, payload] of payloads.entries()) {
        assert.deepEqual(byIndex.get(i), payload, `payload ${i} intact`);
      }
      assert.equal(received.length, PACKETS, 'no extra packets');

      // The S1 → S2 hop carried SRTP: payload encrypted, followed by the suite's tag.
      const srtp = fromS1.filter((packet) => !isRtcp(packet));
      assert.ok(srtp.length >= PACKETS, `S1 sent ${srtp.length} SRTP packets`);
      for (const packet of srtp) {
        const trailer = packet.length - rtpHeaderLength(packet) - PAYLOAD_LENGTH;
        assert.equal(trailer, TAG_LENGTH[suite], `${suite} adds a ${TAG_LENGTH[suite]}-byte tag`);
        for (const payload of payloads) {
          assert.equal(packet.indexOf(payload.subarray(4)), -1, 'no plaintext payload on the SRTP hop');
        }
      }

      const [s1Stats] = await s1.getStats();
      const [s2Stats] = await s2.getStats();
      assert.ok(s1Stats && s1Stats.rtpBytesSent > 0, 'S1 sent RTP');
      assert.ok(s2Stats && s2Stats.rtpBytesReceived > 0, 'S2 received RTP');
      const decryptFailures = workerWarnings.slice(warningsBefore).filter((w) => w.includes('DecryptSrtp() failed'));
      assert.deepEqual(decryptFailures, [], 'no SRTP decryption failures');
    });
  });

  test(`a wrong SRTP key at the receiver delivers nothing with ${suite}`, async () => {
    await withChain(suite, { wrongKeyAtS2: true }, async ({ s2, producer2, fromS1, received, send }) => {
      const warningsBefore = workerWarnings.length;
      await send(makePayloads());

      // The packets do reach S2 ...
      await until('S1 to send its SRTP packets', () => fromS1.filter((p) => !isRtcp(p)).length >= PACKETS);
      await until('S2 to receive them', async () => ((await s2.getStats())[0]?.bytesReceived ?? 0) > 0);
      // ... give anything that got through time to come out of P2.
      await sleep(200);

      assert.equal(received.length, 0, 'no RTP comes out of the chain');
      const [s2Stats] = await s2.getStats();
      assert.ok(s2Stats && s2Stats.bytesReceived > 0, 'S2 received bytes');
      assert.equal(s2Stats.rtpBytesReceived, 0, 'S2 accepted no RTP');
      assert.deepEqual(await producer2.getStats(), [], 'producer on S2 has no received stream');
      const decryptFailures = workerWarnings.slice(warningsBefore).filter((w) => w.includes('DecryptSrtp() failed'));
      assert.ok(decryptFailures.length >= PACKETS, `worker logged ${decryptFailures.length} SRTP decryption failures`);
    });
  });
}

test('SRTCP flows both ways over the SRTP hop (AES_CM_128_HMAC_SHA1_32 protects RTCP with an 80-bit tag)', async () => {
  await withChain('AES_CM_128_HMAC_SHA1_32', { wrongKeyAtS2: false }, async ({ consumer1, fromS1, fromS2, send }) => {
    const warningsBefore = workerWarnings.length;
    // S1 sends SRTCP sender reports, S2 answers with SRTCP receiver reports that refer to them;
    // a round-trip time on S1's consumer proves both were decrypted. RTCP goes out about once
    // a second, so keep media flowing until then.
    await until(
      'a round-trip time from SRTCP receiver reports',
      async () => {
        await send(makePayloads().slice(0, 5));
        const [stats] = await consumer1.getStats();
        return (stats?.roundTripTime ?? 0) > 0;
      },
      6000,
    );

    const srtcpFromS1 = fromS1.filter(isRtcp);
    const srtcpFromS2 = fromS2.filter(isRtcp);
    assert.ok(srtcpFromS1.length > 0 && srtcpFromS2.length > 0, 'SRTCP in both directions');
    for (const packet of [...srtcpFromS1, ...srtcpFromS2]) {
      // SRTCP trailer: E flag + 31-bit index, then the 10-byte HMAC-SHA1-80 tag.
      const eAndIndex = packet.readUInt32BE(packet.length - 10 - 4);
      assert.equal(eAndIndex >>> 31, 1, 'SRTCP payload marked encrypted');
      assert.ok((eAndIndex & 0x7fffffff) < 1000, 'SRTCP index where an 80-bit tag puts it');
    }
    const failures = workerWarnings.slice(warningsBefore).filter((w) => /Decrypt(Srtp|Srtcp)\(\) failed/.test(w));
    assert.deepEqual(failures, [], 'no SRTP/SRTCP decryption failures');
  });
});
