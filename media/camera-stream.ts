/**
 * One camera's live stream inside the hub: pulls the camera over RTSP and re-publishes it as a
 * mediasoup Producer. Owns the RTSP session, the UDP relay socket, the PlainTransport and the
 * current Producer; close() ends all of them, and mediasoup closes every consumer with them.
 *
 * Packets are forwarded as they arrive, never re-parsed, so the ingest adds no frame delay.
 * What the camera sends decides the path (see ingest/codec.ts): H.264 a browser can decode is
 * forwarded as it is (`passthrough`); H.265 or H.264 with B-frames goes through a Transcoder,
 * started while a viewer holds a transcode lease (`acquireTranscode`) — also for a passthrough
 * camera whose viewer's browser refuses its profile — and closed with the last lease or the
 * camera session; a codec the hub cannot serve leaves the stream `unsupported`, not retried.
 * Each RTSP session gets a fresh Producer: a camera that reboots comes back with a new RTP
 * session, and a new Producer tells every browser to start a new decoder instead of showing a
 * corrupted picture across the sequence-number jump.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { CameraState } from '../server/protocol/events.ts';
import type { Logger } from '../server/log.ts';
import type { Backoff, RetrySchedule } from './ingest/backoff.ts';
import { describeCodec, planIngest, type IngestPath, type IngestPlan } from './ingest/codec.ts';
import { keyframeRequest } from './ingest/h264.ts';
import { RtspClient, type RtspTrack } from './ingest/rtsp-client.ts';
import { Transcoder, type TranscoderStats } from './transcoder.ts';

export interface CameraStreamOptions {
  cameraId: string;
  source: string;
  router: ms.Router;
  listenIp: string;
  backoff: Backoff;
  log: Logger;
  rtspTimeoutMs?: number;
  /** RTP silence after which a live stream is reported `stalled`, ms (default 1000). */
  stallAfterMs?: number;
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
  /** Private: the owner removes the stream from its map. */
  '@close': [];
};

/** Packets that arrive while the Producer is being created are replayed, so the first frame is not lost. */
const MAX_EARLY_PACKETS = 512;
const DEFAULT_STALL_AFTER_MS = 1_000;
/** A transcode that died is started again after this long, while viewers need it. */
const TRANSCODE_RETRY_MS = 1_000;
/** The RTCP sender SSRC of the hub's own keyframe requests to a camera (any value will do). */
const KEYFRAME_SENDER_SSRC = 0x6774680a;

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
  #client: RtspClient | undefined;
  #socket: Socket | undefined;
  #transport: ms.PlainTransport | undefined;
  #producer: ms.Producer | undefined;
  /** What the camera sends and how it is served, from the current session's SDP. */
  #plan: IngestPlan | undefined;
  /** The current session's transcode, while leases are held. */
  #transcoder: Transcoder | undefined;
  #transcodeLeases = 0;
  /** Restarts a transcode that died while viewers still need it. */
  #transcodeRetry: NodeJS.Timeout | undefined;
  /** SSRC of the current session's RTP (to ask the camera for a keyframe). */
  #cameraSsrc: number | undefined;
  /** Pipe producers on other routers, by source producer id and router id. */
  #piped = new Map<string, Promise<ms.Producer | undefined>>();
  #sessions = 0;
  /** performance.now() of the last RTP packet of the current session. */
  #lastRtpAt = 0;
  /** Checks for RTP silence while a session plays. */
  #stallTimer: NodeJS.Timeout | undefined;

  constructor(options: CameraStreamOptions) {
    super();
    this.cameraId = options.cameraId;
    this.#options = options;
    this.#log = options.log.child({ camera: options.cameraId });
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
    const socket = createSocket('udp4');
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // RTCP from mediasoup (receiver reports, PLI/FIR for a new viewer) goes back to the camera.
    socket.on('message', (packet) => this.#client?.sendRtcp(packet));
    socket.on('error', (error) => this.#log.warn('relay socket error', { error: error.message }));

    const transport = await this.#options.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: this.#options.listenIp },
      rtcpMux: true,
      comedia: true
    });
    if (this.#closed) {
      transport.close();
      return;
    }
    this.#transport = transport;
    void this.#connect();
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
    this.#client?.close();
    this.#stopTranscode();
    this.#producer?.close();
    this.#transport?.close();
    this.#socket?.close();
    this.#setState('offline', undefined);
    this.emit('@close');
    this.removeAllListeners();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new RtspClient(this.#options.source, { timeoutMs: this.#options.rtspTimeoutMs });
    this.#client = client;
    client.once('close', (error) => this.#onSessionEnd(client, error));
    try {
      const track = await client.start();
      if (this.#closed || client.closed) return;
      const plan = planIngest(describeCodec(track.codec, track.fmtp));
      this.#plan = plan;
      if (plan.path === 'unsupported') {
        this.#unsupported(client, plan);
        return;
      }
      this.#sessions++;
      this.#relay(client, track, plan);
    } catch (error) {
      this.#onSessionEnd(client, error instanceof Error ? error : new Error(String(error)));
      client.close();
    }
  }

  /** Nothing to retry: the camera works, the hub cannot serve what it sends. */
  #unsupported(client: RtspClient, plan: IngestPlan): void {
    this.#log.warn('camera codec unsupported', { codec: plan.codec.label });
    this.#client = undefined;
    client.close();
    this.#setState('unsupported', undefined);
  }

  #relay(client: RtspClient, track: RtspTrack, plan: Exclude<IngestPlan, { path: 'unsupported' }>): void {
    const socket = this.#socket!;
    const port = this.#transport!.tuple.localPort;
    const ip = this.#options.listenIp;
    const forward = (packet: Buffer) => {
      if (!this.#closed && client === this.#client) socket.send(packet, port, ip);
    };
    let ssrc: number | undefined;
    let early: Buffer[] | undefined;

    client.on('rtp', (packet) => {
      if (packet.length < 12) return;
      this.#lastRtpAt = performance.now();
      if (this.#state === 'stalled') this.#setState('live', undefined);
      const packetSsrc = packet.readUInt32BE(8);
      if (plan.path === 'transcode') {
        if (packetSsrc !== this.#cameraSsrc) this.#newSession(packetSsrc);
        this.#transcoder?.push(packet);
        return;
      }
      this.#transcoder?.push(packet);
      if (packetSsrc !== ssrc) {
        // First packet, or the camera started a new RTP session on the same connection.
        ssrc = packetSsrc;
        early = [packet];
        void this.#produce(track, plan.profileLevelId, packetSsrc).then((ok) => {
          const queued = early ?? [];
          early = undefined;
          if (ok) for (const p of queued) forward(p);
        });
        return;
      }
      if (early) {
        if (early.length < MAX_EARLY_PACKETS) early.push(packet);
        return;
      }
      forward(packet);
    });
    client.on('rtcp', (packet) => {
      if (!early) forward(packet);
    });
  }

  /** The camera's RTP (re)started with `ssrc`; the transcode of the old session ends with it. */
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
    const ssrc = this.#cameraSsrc;
    if (!this.#client || ssrc === undefined) return; // Started when the camera's RTP flows.
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
    this.#client.sendRtcp(keyframeRequest(KEYFRAME_SENDER_SSRC, ssrc, 'pli'));
  }

  #stopTranscode(): void {
    clearTimeout(this.#transcodeRetry);
    const transcoder = this.#transcoder;
    this.#transcoder = undefined;
    transcoder?.close();
  }

  async #produce(track: RtspTrack, profileLevelId: string, ssrc: number): Promise<boolean> {
    this.#producer?.close();
    this.#piped.clear();
    this.#cameraSsrc = ssrc;
    this.#stopTranscode();
    const transport = this.#transport;
    if (!transport || this.#closed) return false;
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
                'profile-level-id': profileLevelId,
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
      if (this.#closed) {
        producer.close();
        return false;
      }
      this.#producer = producer;
      this.#log.info('camera live', { producer: producer.id, ssrc, codec: this.#plan?.codec.label, profile: track.profileLevelId, negotiatedAs: profileLevelId });
      this.#onLive();
      this.emit('producer', producer, 'passthrough');
      this.#startTranscode();
      return true;
    } catch (error) {
      const client = this.#client;
      if (client) {
        this.#onSessionEnd(client, error as Error);
        client.close();
      }
      return false;
    }
  }

  #onSessionEnd(client: RtspClient, error: Error | undefined): void {
    if (this.#closed || client !== this.#client) return;
    this.#client = undefined;
    clearInterval(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#cameraSsrc = undefined;
    this.#stopTranscode();
    this.#producer?.close();
    this.#producer = undefined;
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

  /** While a session plays: `stalled` after a second without RTP (the RTSP session may stay up). */
  #watchRtp(): void {
    if (this.#stallTimer !== undefined) return;
    const stallAfterMs = this.#options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
    this.#stallTimer = setInterval(() => {
      if (this.#state === 'live' && performance.now() - this.#lastRtpAt >= stallAfterMs) {
        this.#log.warn('camera stalled: no RTP', { forMs: Math.round(performance.now() - this.#lastRtpAt) });
        this.#setState('stalled', undefined);
      }
    }, stallAfterMs / 4);
    this.#stallTimer.unref();
  }

  #setState(state: CameraState, retryAt: number | undefined): void {
    if (state === this.#state && retryAt === this.#retryAt) return;
    this.#state = state;
    this.#retryAt = retryAt;
    this.emit('state', state, retryAt);
  }
}
