/**
 * One camera's live stream inside the hub: pulls the camera over RTSP and re-publishes it as a
 * mediasoup Producer. Owns the RTSP session, its PlainTransport (and, over TCP, the UDP relay
 * socket), the current Producer and the keyframe tap; close() ends all of them, and mediasoup
 * closes every consumer with them.
 *
 * Two ways in, per camera (`transport`):
 * - `udp`: the RTSP SETUP names the PlainTransport's own ports, so the camera's RTP goes
 *   straight into the mediasoup worker and no packet is forwarded by JavaScript; the
 *   PlainTransport sends its RTCP (PLI/FIR for a new viewer) to the camera's RTCP port. If no
 *   packet arrives within `udpFallbackMs` (a firewall, NAT) the stream falls back to TCP.
 * - `tcp`: RTP interleaved on the RTSP connection, relayed as-is to the PlainTransport over
 *   loopback UDP, RTCP relayed back on the connection.
 * Either way packets are never re-parsed on the forwarding path, so the ingest adds no frame
 * delay.
 *
 * What the camera sends decides the path (see ingest/codec.ts): H.264 a browser can decode is
 * forwarded as it is (`passthrough`); H.265 or H.264 with B-frames goes through a Transcoder,
 * started while a viewer holds a transcode lease (`acquireTranscode`) — also for a passthrough
 * camera whose viewer's browser refuses its profile — and closed with the last lease or the
 * camera session; a codec the hub cannot serve leaves the stream `unsupported`, not retried.
 * The transcoder reads the camera's packets in Node: a transcode-path camera is pulled over TCP
 * (its packets are relayed by Node anyway, and the worker has no H.265 to produce); a
 * passthrough camera over UDP feeds its on-demand transcode from the keyframe tap's consumer.
 *
 * Each RTSP session gets a fresh PlainTransport and Producer: a camera that reboots comes
 * back with a new RTP session, and a new Producer tells every browser to start a new decoder
 * instead of showing a corrupted picture across the sequence-number jump.
 *
 * The keyframe tap keeps the latest keyframe (see KeyframeCatcher) so a tile can show a still at
 * once: over TCP it reads the relayed packets; over UDP a DirectTransport consumer hands the
 * worker's packets to it only while a keyframe is wanted (see KeyframeTap: a camera that ignores
 * keyframe requests has each of its IDRs read, one that obeys is asked when a still is wanted).
 * A UDP ingest notices silence from the Producer's byte count, and the end of a stall from the
 * Producer's RTP trace, switched on only while the stream is stalled.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { CameraState } from '../server/protocol/events.ts';
import type { Logger } from '../server/log.ts';
import type { Backoff, RetrySchedule } from './ingest/backoff.ts';
import { describeCodec, planIngest, type IngestPath, type IngestPlan } from './ingest/codec.ts';
import { keyframeRequest } from './ingest/h264.ts';
import { KeyframeCatcher, type Keyframe } from './ingest/keyframe.ts';
import { KeyframeHearing } from './ingest/keyframe-hearing.ts';
import { KeyframeTap } from './ingest/keyframe-tap.ts';
import { RtspClient, RtspError, type RtspTrack, type RtspTransport } from './ingest/rtsp-client.ts';
import type { SdpVideo } from './ingest/sdp.ts';
import { Transcoder, type TranscoderStats } from './transcoder.ts';
import { forwardingCapabilities } from './workers.ts';

export type IngestTransport = 'udp' | 'tcp';

export interface CameraStreamOptions {
  cameraId: string;
  source: string;
  router: ms.Router;
  listenIp: string;
  backoff: Backoff;
  log: Logger;
  rtspTimeoutMs?: number;
  /** RTP silence after which a live stream is reported `stalled` (noticed within half as long again), ms (default 1000). */
  stallAfterMs?: number;
  /** How media comes in (default udp). */
  transport?: IngestTransport;
  /** A UDP session that delivers nothing for this long falls back to TCP for good, ms (default 2000). */
  udpFallbackMs?: number;
  /** A session that delivers nothing for this long is ended and retried, ms (default 5000). */
  dataTimeoutMs?: number;
}

/** What passed through JavaScript, for tests and benchmarks. */
export interface IngestCounters {
  /** RTP packets this process forwarded to the worker (TCP relay only). */
  rtpRelayed: number;
  /** RTP packets the keyframe tap read (TCP: the relayed ones; UDP: those the DirectTransport consumer handed over). */
  rtpTapped: number;
  keyframes: number;
}

/** Every state an ingest reports (never `idle`: that is the absence of an ingest). */
export const INGEST_STATES = ['connecting', 'live', 'stalled', 'reconnecting', 'offline', 'unsupported'] as const satisfies readonly CameraState[];

/** A viewer's hold on the camera's transcode: it runs while any is held. */
export interface TranscodeLease {
  release(): void;
}

type StreamEvents = {
  state: [state: CameraState, retryAt: number | undefined];
  /** A new picture source on a path (first connect, the camera came back, a transcode started). */
  producer: [producer: ms.Producer, path: IngestPath];
  /** A complete keyframe arrived (the latest picture a tile can show at once). */
  keyframe: [keyframe: Keyframe];
  /** Private: the owner removes the stream from its map. */
  '@close': [];
};

/** Packets that arrive while the Producer is being created are replayed, so the first frame is not lost. */
const MAX_EARLY_PACKETS = 512;
const DEFAULT_STALL_AFTER_MS = 1_000;
const DEFAULT_UDP_FALLBACK_MS = 2_000;
const DEFAULT_DATA_TIMEOUT_MS = 5_000;
/**
 * Checks for silence per `stallAfterMs` while a session plays: a stall is reported 1 to 1.5 ×
 * stallAfterMs after the last packet. Over UDP each check asks the worker for the Producer's
 * byte count: a wakeup of both processes and ≈0.2 ms of Node's CPU (what 4 a second cost).
 */
const CHECKS_PER_STALL = 2;
/** A transcode that died is started again after this long, while viewers need it. */
const TRANSCODE_RETRY_MS = 1_000;
/** An obedient UDP camera's held keyframe is refreshed this often while it plays (its last picture if it drops). */
const KEYFRAME_REFRESH_MS = 30_000;
/** The RTCP sender SSRC of the hub's own keyframe requests to a camera (any value will do). */
const KEYFRAME_SENDER_SSRC = 0x6774680a;

/** The camera works; the hub cannot serve what it sends (not an outage: never retried). */
class UnsupportedCodec extends Error {}

/** One RTSP session's resources: closed together when the session ends. */
interface Session {
  client: RtspClient;
  transport: ms.PlainTransport | undefined;
  /** TCP only: the loopback socket RTP is relayed through. */
  relay: Socket | undefined;
  /** TCP: reads the relayed packets for keyframes. */
  catcher: KeyframeCatcher | undefined;
  /** UDP: the keyframe tap on the session's Producer (also feeds a transcode). */
  tap: KeyframeTap | undefined;
  /** UDP: the tap held open for the running transcode. */
  releaseTap: (() => void) | undefined;
  /** performance.now() of the session's last RTP packet (or of its start); UDP: of the last poll that found new bytes. */
  lastRtpAt: number;
  /** UDP: when the latest poll that found no new bytes was sent (silence is judged from answers, never from a late one). */
  quietAt: number;
  packets: number;
  /** UDP: the Producer's RTP byte count at the last poll, and whether a poll is in flight. */
  bytes: number;
  polling: boolean;
  fallbackTimer: NodeJS.Timeout | undefined;
  closed: boolean;
}

export class CameraStream extends EventEmitter<StreamEvents> {
  readonly cameraId: string;
  readonly #options: CameraStreamOptions;
  readonly #log: Logger;
  #state: CameraState = 'connecting';
  #retryAt: number | undefined;
  #closed = false;
  /** The retry schedule of the current outage; none while live. */
  #outage: RetrySchedule | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #session: Session | undefined;
  #transportKind: IngestTransport;
  #producer: ms.Producer | undefined;
  /** What the camera sends and how it is served, from the current session's SDP. */
  #plan: IngestPlan | undefined;
  /** The current session's transcode, while leases are held. */
  #transcoder: Transcoder | undefined;
  #transcodeLeases = 0;
  /** Restarts a transcode that died while viewers still need it. */
  #transcodeRetry: NodeJS.Timeout | undefined;
  /** SSRC of the current session's RTP (to ask the camera for a keyframe over TCP). */
  #cameraSsrc: number | undefined;
  /** The keyframe tap's transport (UDP ingest), one per stream. */
  #tap: Promise<ms.DirectTransport> | undefined;
  #keyframe: Keyframe | undefined;
  /** Whether the camera answers keyframe requests (UDP tap), learnt across its sessions. */
  readonly #hearing = new KeyframeHearing();
  readonly #counters: IngestCounters = { rtpRelayed: 0, rtpTapped: 0, keyframes: 0 };
  /** Pipe producers on other routers, by source producer id and router id. */
  #piped = new Map<string, Promise<ms.Producer | undefined>>();
  #sessions = 0;
  /** Checks for RTP silence while a session plays. */
  #stallTimer: NodeJS.Timeout | undefined;

  constructor(options: CameraStreamOptions) {
    super();
    this.cameraId = options.cameraId;
    this.#options = options;
    this.#log = options.log.child({ camera: options.cameraId });
    this.#transportKind = options.transport ?? 'udp';
  }

  /** How media comes in now (`udp` may have fallen back to `tcp`). */
  get transport(): IngestTransport {
    return this.#transportKind;
  }

  get counters(): Readonly<IngestCounters> {
    return this.#counters;
  }

  /** The latest complete keyframe, kept across reconnects. */
  get keyframe(): Keyframe | undefined {
    return this.#keyframe;
  }

  /** Whether the camera answers keyframe requests, as far as the UDP tap has learnt. */
  get hearing(): KeyframeHearing['verdict'] {
    return this.#hearing.verdict;
  }

  /**
   * The latest keyframe, made current first where that takes asking: a live UDP camera that
   * obeys keyframe requests is asked for one (a frame or two away) unless the held one is
   * fresh. A deaf camera's tap holds its latest IDR already.
   */
  async freshKeyframe(): Promise<Keyframe | undefined> {
    if (this.#state === 'live') await this.#session?.tap?.fresh();
    return this.#keyframe;
  }

  get state(): CameraState {
    return this.#state;
  }

  get retryAt(): number | undefined {
    return this.#retryAt;
  }

  get producer(): ms.Producer | undefined {
    return this.#producer;
  }

  /** How the current (or last) session is served; undefined before the camera described itself. */
  get plan(): IngestPlan | undefined {
    return this.#plan;
  }

  get transcoderStats(): TranscoderStats | undefined {
    return this.#transcoder?.stats;
  }

  get router(): ms.Router {
    return this.#options.router;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** How many RTSP sessions this stream has opened (1 + reconnects). */
  get sessions(): number {
    return this.#sessions;
  }

  async start(): Promise<void> {
    await this.#connect();
  }

  /**
   * The current Producer of `path` as seen from `router`: itself, or piped there once and
   * shared. A transcode's Producer exists while a TranscodeLease is held and the camera plays.
   */
  async producerOn(router: ms.Router, path: IngestPath = 'passthrough'): Promise<ms.Producer | undefined> {
    const producer = path === 'passthrough' ? this.#producer : await this.#transcoder?.producer().catch(() => undefined);
    if (!producer || producer.closed) return undefined;
    if (router.id === this.#options.router.id) return producer;
    const key = `${producer.id}:${router.id}`;
    let piped = this.#piped.get(key);
    if (!piped) {
      piped = this.#options.router
        .pipeToRouter({ producerId: producer.id, router })
        .then((result) => result.pipeProducer)
        .catch((error: Error) => {
          this.#log.warn('pipe to router failed', { error: error.message });
          this.#piped.delete(key);
          return undefined;
        });
      this.#piped.set(key, piped);
    }
    return piped;
  }

  /** Holds the camera's transcode (started now if the camera plays); release it when done. */
  acquireTranscode(): TranscodeLease {
    this.#transcodeLeases++;
    this.#startTranscode();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (--this.#transcodeLeases === 0) this.#stopTranscode();
      }
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#stallTimer);
    this.#stopTranscode();
    if (this.#session) closeSession(this.#session);
    this.#session = undefined;
    this.#producer = undefined;
    void this.#tap?.then((tap) => tap.close()).catch(() => undefined);
    this.#setState('offline', undefined);
    this.emit('@close');
    this.removeAllListeners();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new RtspClient(this.#options.source, { timeoutMs: this.#options.rtspTimeoutMs, dataTimeoutMs: this.#options.dataTimeoutMs });
    const session: Session = { client, transport: undefined, relay: undefined, catcher: undefined, tap: undefined, releaseTap: undefined, lastRtpAt: 0, quietAt: 0, packets: 0, bytes: 0, polling: false, fallbackTimer: undefined, closed: false };
    this.#session = session;
    client.once('close', (error) => this.#onSessionEnd(session, error));
    try {
      const track = await client.start(
        (video) => this.#chooseTransport(session, video),
        (track) => (session.relay ? Promise.resolve() : this.#beforeUdpPlay(session, track))
      );
      if (this.#session !== session) throw new RtspError('session replaced');
      if (session.relay) {
        this.#sessions++;
        this.#relay(session, track, session.transport!.tuple.localPort);
      } else {
        this.#armUdpFallback(session);
      }
    } catch (error) {
      if (error instanceof UnsupportedCodec) {
        this.#unsupported(session);
        return;
      }
      // 461 Unsupported Transport, or a reply without server ports or SSRC: this camera needs TCP.
      if (error instanceof RtspError && !session.relay && (error.status === 461 || error.udpRefused)) this.#fallBackToTcp(error.message);
      this.#onSessionEnd(session, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Once the camera described its video: the plan, and the transport that serves it. A
   * transcode-path camera comes over TCP (the transcoder reads its packets in Node).
   */
  async #chooseTransport(session: Session, video: SdpVideo): Promise<RtspTransport> {
    const plan = planIngest(describeCodec(video.codec, video.fmtp));
    this.#plan = plan;
    if (plan.path === 'unsupported') throw new UnsupportedCodec(plan.codec.label);
    if (plan.path === 'transcode' || this.#transportKind === 'tcp') {
      await this.#openRelay(session);
      await this.#openTransport(session, 'tcp');
      return { kind: 'tcp' };
    }
    const transport = await this.#openTransport(session, 'udp');
    return { kind: 'udp', rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple!.localPort };
  }

  /** UDP, between SETUP and PLAY: the camera's ports, the Producer and the keyframe tap. */
  async #beforeUdpPlay(session: Session, track: RtspTrack): Promise<void> {
    if (this.#session !== session) throw new RtspError('session replaced');
    // Without the SSRC the worker cannot route the packets to a Producer (no MID/RID on a camera stream).
    if (track.ssrc === undefined || !track.udp) throw new RtspError('SETUP over UDP: the camera named no SSRC', undefined, true);
    const transport = session.transport!;
    await transport.connect({ ip: track.udp.address, port: track.udp.rtpPort, rtcpPort: track.udp.rtcpPort });
    this.#sessions++;
    session.lastRtpAt = performance.now();
    // Producer and tap before PLAY: the camera's first packet is often its only keyframe for seconds.
    const producer = await this.#produce(session, track, track.ssrc);
    if (producer) await this.#tapProducer(session, producer, track);
  }

  #armUdpFallback(session: Session): void {
    const fallbackMs = this.#options.udpFallbackMs ?? DEFAULT_UDP_FALLBACK_MS;
    session.fallbackTimer = setTimeout(() => {
      if (this.#session !== session || session.packets > 0) return;
      this.#fallBackToTcp(`no RTP over UDP within ${fallbackMs} ms`);
      this.#onSessionEnd(session, new RtspError(`no RTP over UDP within ${fallbackMs} ms`));
    }, fallbackMs);
  }

  /** TCP: the loopback socket interleaved RTP is relayed through to a comedia PlainTransport. */
  async #openRelay(session: Session): Promise<void> {
    const relay = createSocket('udp4');
    session.relay = relay;
    await new Promise<void>((resolve, reject) => {
      relay.once('error', reject);
      relay.bind(0, '127.0.0.1', () => {
        relay.off('error', reject);
        resolve();
      });
    });
    // RTCP from mediasoup (receiver reports, PLI/FIR for a new viewer) goes back to the camera.
    relay.on('message', (packet) => session.client.sendRtcp(packet));
    relay.on('error', (error) => this.#log.warn('relay socket error', { error: error.message }));
  }

  /** The keyframe tap's reader: H.264 only (what a tile's still decodes). */
  #catcher(track: RtspTrack): KeyframeCatcher | undefined {
    return track.codec === 'H264' ? new KeyframeCatcher(track.fmtp['sprop-parameter-sets']) : undefined;
  }

  /** Nothing to retry: the camera works, the hub cannot serve what it sends. */
  #unsupported(session: Session): void {
    this.#log.warn('camera codec unsupported', { codec: this.#plan?.codec.label });
    if (this.#session === session) this.#session = undefined;
    closeSession(session);
    this.#setState('unsupported', undefined);
  }

  /**
   * The session's PlainTransport. UDP: RTP and RTCP on separate ports (cameras do not mux), the
   * camera's ports set by connect() once SETUP names them. TCP: one muxed port, learnt from the relay.
   */
  async #openTransport(session: Session, kind: IngestTransport): Promise<ms.PlainTransport> {
    const transport = await this.#options.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: this.#options.listenIp },
      rtcpMux: kind === 'tcp',
      comedia: kind === 'tcp'
    });
    session.transport = transport;
    if (this.#session !== session) throw new RtspError('session replaced');
    return transport;
  }

  #fallBackToTcp(why: string): void {
    if (this.#transportKind === 'tcp') return;
    this.#transportKind = 'tcp';
    this.#log.warn('RTSP over UDP failed, falling back to TCP for this camera', { why });
  }

  #relay(session: Session, track: RtspTrack, port: number): void {
    const { client, relay } = session;
    const ip = this.#options.listenIp;
    const forward = (packet: Buffer) => {
      if (!this.#closed && session === this.#session) {
        relay!.send(packet, port, ip);
        this.#counters.rtpRelayed++;
      }
    };
    let ssrc: number | undefined;
    let early: Buffer[] | undefined;
    const transcodeOnly = this.#plan?.path === 'transcode';

    client.on('rtp', (packet) => {
      if (packet.length < 12) return;
      this.#onAlive(session);
      const packetSsrc = packet.readUInt32BE(8);
      if (packetSsrc !== ssrc) session.catcher = this.#catcher(track);
      if (transcodeOnly) {
        // No passthrough Producer: the packets go to the transcoder alone.
        if (packetSsrc !== ssrc) this.#newSession(packetSsrc);
        ssrc = packetSsrc;
        this.#onRtp(session, packet);
        this.#transcoder?.push(packet);
        return;
      }
      this.#transcoder?.push(packet);
      if (packetSsrc !== ssrc) {
        // First packet, or the camera started a new RTP session on the same connection.
        ssrc = packetSsrc;
        early = [packet];
        this.#onRtp(session, packet);
        void this.#produce(session, track, packetSsrc).then((producer) => {
          const queued = early ?? [];
          early = undefined;
          if (producer) for (const p of queued) forward(p);
        });
        return;
      }
      this.#onRtp(session, packet);
      if (early) {
        if (early.length < MAX_EARLY_PACKETS) early.push(packet);
        return;
      }
      forward(packet);
    });
    client.on('rtcp', (packet) => {
      if (!early && !transcodeOnly) forward(packet);
    });
  }

  /** A transcode-only camera's RTP (re)started with `ssrc`; the transcode of the old session ends with it. */
  #newSession(ssrc: number): void {
    this.#cameraSsrc = ssrc;
    this.#stopTranscode();
    this.#piped.clear();
    this.#onLive();
    this.#startTranscode();
  }

  #onLive(): void {
    this.#outage = undefined;
    this.#setState('live', undefined);
    this.#watchRtp();
  }

  #startTranscode(): void {
    const plan = this.#plan;
    if (this.#transcoder || this.#transcodeLeases === 0 || this.#closed || plan === undefined || plan.path === 'unsupported') return;
    const session = this.#session;
    if (!session || this.#cameraSsrc === undefined) return; // Started when the camera's RTP flows.
    const transcoder = new Transcoder({ cameraId: this.cameraId, codec: plan.codec.codec, router: this.#options.router, listenIp: this.#options.listenIp, log: this.#options.log });
    this.#transcoder = transcoder;
    transcoder.once('@close', (error) => {
      if (this.#transcoder !== transcoder) return; // Closed by this stream.
      this.#transcoder = undefined;
      this.#log.warn('transcode died; restarting', { error: error?.message, inMs: TRANSCODE_RETRY_MS });
      this.#transcodeRetry = setTimeout(() => this.#startTranscode(), TRANSCODE_RETRY_MS);
      this.#transcodeRetry.unref();
    });
    transcoder.producer().then(
      (producer) => {
        if (this.#transcoder === transcoder) this.emit('producer', producer, 'transcode');
      },
      () => transcoder.close()
    );
    // The decoder needs a keyframe to start; the camera would otherwise make it wait a GOP.
    if (session.relay) session.client.sendRtcp(keyframeRequest(KEYFRAME_SENDER_SSRC, this.#cameraSsrc!, 'pli'));
    else this.#holdTapForTranscode(session);
  }

  #stopTranscode(): void {
    clearTimeout(this.#transcodeRetry);
    const transcoder = this.#transcoder;
    this.#transcoder = undefined;
    transcoder?.close();
    const session = this.#session;
    if (session?.releaseTap) {
      session.releaseTap();
      session.releaseTap = undefined;
    }
  }

  /** UDP: a transcode reads every packet from the tap, starting with a keyframe it asks for. */
  #holdTapForTranscode(session: Session): void {
    if (!this.#transcoder || !session.tap || session.releaseTap) return;
    session.releaseTap = session.tap.holdOpen();
    session.tap.ask();
  }

  /** A DirectTransport consumer of the producer: the keyframe tap of a UDP ingest, and the input of its transcode. */
  async #tapProducer(session: Session, producer: ms.Producer, track: RtspTrack): Promise<void> {
    const catcher = this.#catcher(track);
    if (!catcher) return;
    this.#tap ??= this.#options.router.createDirectTransport();
    const tap = await this.#tap;
    if (this.#closed || producer.closed) return;
    const consumer = await tap.consume({ producerId: producer.id, rtpCapabilities: forwardingCapabilities(this.#options.router.rtpCapabilities) });
    if (this.#closed || producer.closed || this.#session !== session) {
      consumer.close();
      return;
    }
    session.tap = new KeyframeTap({
      consumer,
      catcher,
      hearing: this.#hearing,
      refreshAfterMs: KEYFRAME_REFRESH_MS,
      onPacket: (packet) => {
        this.#counters.rtpTapped++;
        this.#onAlive(session);
        this.#transcoder?.push(packet);
      },
      onKeyframe: (keyframe) => this.#keyframeCaught(session, keyframe)
    });
    this.#holdTapForTranscode(session);
  }

  /** Every relayed (TCP) or tapped (UDP) packet is a sign of life, and so is a growing UDP byte count. */
  #onAlive(session: Session, at = performance.now()): void {
    session.lastRtpAt = Math.max(session.lastRtpAt, at);
    session.packets++;
    if (this.#state !== 'stalled') return;
    this.#setState('live', undefined);
    if (!session.relay) this.#traceRtp(false);
  }

  /**
   * Over UDP, Node reads the camera's packets only now and then (the tap): the Producer's byte
   * count says whether RTP is flowing. (Its stats are the cheapest the worker gives: a third of
   * the transport's.)
   */
  async #pollUdp(session: Session): Promise<void> {
    const producer = this.#producer;
    if (session.polling || session.closed || !producer) return;
    session.polling = true;
    const sentAt = performance.now();
    try {
      const [stats] = await producer.getStats();
      const bytes = stats?.byteCount ?? 0;
      if (session.closed) return;
      if (bytes > session.bytes) {
        session.bytes = bytes;
        this.#onAlive(session, sentAt);
      } else {
        session.quietAt = sentAt;
      }
    } catch {
      // The transport closed under the call: the session is ending anyway.
    } finally {
      session.polling = false;
    }
  }

  /**
   * UDP, while stalled: the Producer reports each RTP packet, so the first one back ends the
   * stall at once rather than at the next byte-count poll. Off again with it.
   */
  #traceRtp(on: boolean): void {
    const producer = this.#producer;
    if (producer && !producer.closed) producer.enableTraceEvent(on ? ['rtp'] : []).catch(() => undefined);
  }

  /** TCP's keyframe tap: reads each relayed packet's header, copies only a keyframe's packets. */
  #onRtp(session: Session, packet: Buffer): void {
    if (session !== this.#session) return;
    this.#counters.rtpTapped++;
    const keyframe = session.catcher?.push(packet);
    if (keyframe) this.#keyframeCaught(session, keyframe);
  }

  #keyframeCaught(session: Session, keyframe: Keyframe): void {
    if (session !== this.#session) return;
    this.#keyframe = keyframe;
    this.#counters.keyframes++;
    this.emit('keyframe', keyframe);
  }

  async #produce(session: Session, track: RtspTrack, ssrc: number): Promise<ms.Producer | undefined> {
    this.#producer?.close();
    this.#piped.clear();
    this.#cameraSsrc = ssrc;
    this.#stopTranscode();
    const transport = session.transport;
    const plan = this.#plan;
    if (!transport || this.#closed || session !== this.#session || plan?.path !== 'passthrough') return undefined;
    try {
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'video/H264',
              payloadType: track.payloadType,
              clockRate: track.clockRate,
              parameters: {
                'packetization-mode': Number(track.fmtp['packetization-mode'] ?? 1),
                'profile-level-id': plan.profileLevelId,
                'level-asymmetry-allowed': 1
              },
              rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]
            }
          ],
          encodings: [{ ssrc }],
          rtcp: { cname: `gth-${this.cameraId}`, reducedSize: false }
        },
        appData: { cameraId: this.cameraId }
      });
      if (this.#closed || session !== this.#session) {
        producer.close();
        return undefined;
      }
      this.#producer = producer;
      if (!session.relay) producer.on('trace', () => this.#onAlive(session));
      this.#log.info('camera live', { producer: producer.id, ssrc, codec: plan.codec.label, profile: track.profileLevelId, negotiatedAs: plan.profileLevelId, transport: session.relay ? 'tcp' : 'udp' });
      this.#onLive();
      this.emit('producer', producer, 'passthrough');
      this.#startTranscode();
      return producer;
    } catch (error) {
      this.#onSessionEnd(session, error as Error);
      return undefined;
    }
  }

  /** Ends a session (idempotent) and schedules the next attempt. */
  #onSessionEnd(session: Session, error: Error | undefined): void {
    const current = !this.#closed && session === this.#session;
    // Cleared first: closing the RTSP client reports its close here again.
    if (current) this.#session = undefined;
    closeSession(session);
    if (!current) return;
    clearInterval(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#cameraSsrc = undefined;
    this.#stopTranscode();
    this.#producer = undefined; // Closed with the session's transport.
    this.#piped.clear();
    const now = Date.now();
    const outage = (this.#outage ??= this.#options.backoff.schedule(now));
    const fast = outage.fast(now);
    const delay = outage.next(now);
    this.#log.warn('camera unavailable, retrying', { error: error?.message, retryInMs: delay, fast });
    if (fast) {
      // Attempts a few hundred ms apart: one steady state for the whole fast phase, not a
      // flicker of offline/reconnecting pushed to every viewer on each attempt.
      this.#setState(this.#sessions > 0 ? 'reconnecting' : 'offline', undefined);
    } else {
      this.#setState('offline', now + delay);
    }
    this.#retryTimer = setTimeout(() => {
      if (!outage.fast(Date.now())) this.#setState('reconnecting', undefined);
      void this.#connect();
    }, delay);
  }

  /**
   * While a session plays: `stalled` after a second or so without RTP (the RTSP session may stay
   * up); a session silent for `dataTimeoutMs` is ended and retried (over TCP the RTSP client does
   * that). The worker has no cheaper signal: its RTP inactivity check (and the score drop to 0
   * with it) runs only for simulcast Producers, and a score change waits for an RTCP interval.
   */
  #watchRtp(): void {
    if (this.#stallTimer !== undefined) return;
    const stallAfterMs = this.#options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
    const dataTimeoutMs = this.#options.dataTimeoutMs ?? DEFAULT_DATA_TIMEOUT_MS;
    this.#stallTimer = setInterval(() => {
      const session = this.#session;
      if (!session) return;
      if (session.relay === undefined) void this.#pollUdp(session);
      // Over UDP silence is what polls answered: a slow answer (a busy loop or worker) is no stall.
      const silentMs = session.relay ? performance.now() - session.lastRtpAt : session.quietAt - session.lastRtpAt;
      if (session.relay === undefined && silentMs >= dataTimeoutMs) {
        this.#onSessionEnd(session, new RtspError(`no video for ${Math.round(silentMs)} ms`));
      } else if (this.#state === 'live' && silentMs >= stallAfterMs) {
        this.#log.warn('camera stalled: no RTP', { forMs: Math.round(silentMs) });
        this.#setState('stalled', undefined);
        if (!session.relay) this.#traceRtp(true);
      } else if (this.#state === 'live') {
        // Only while RTP flows: a silent camera's unanswered keyframe request says nothing of its hearing.
        session.tap?.tick();
      }
    }, stallAfterMs / CHECKS_PER_STALL);
    this.#stallTimer.unref();
  }

  #setState(state: CameraState, retryAt: number | undefined): void {
    if (state === this.#state && retryAt === this.#retryAt) return;
    this.#state = state;
    this.#retryAt = retryAt;
    this.emit('state', state, retryAt);
  }
}

/** Closes everything one RTSP session holds; the Producer closes with its transport. Idempotent. */
function closeSession(session: Session): void {
  if (session.closed) return;
  session.closed = true;
  clearTimeout(session.fallbackTimer);
  session.tap?.close();
  session.client.close();
  session.transport?.close();
  session.relay?.removeAllListeners('message');
  session.relay?.close();
}
