/**
 * The media side of one viewer session: its router lease, its receive transport and, per
 * camera it watches, the camera stream's lease, the consumer and the transcode lease. It owns
 * all of them and close() ends them all. What may be watched, and the audit of it, is the
 * Viewer's: this class starts and stops pictures it is told to, and says when one ended by
 * itself (a codec the hub or the browser cannot take) through `feedEnded`.
 */
import { createHash } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { Logger } from '../log.ts';
import { HubError, type WireError } from '../protocol/errors.ts';
import type { CameraState, JoinResponse, MediaPath, ServerToClientEvents, TransportOptions } from '../protocol/events.ts';
import type { RequestOf } from '../protocol/schemas.ts';
import type { CameraStream, TranscodeLease } from '../../media/camera-stream.ts';
import type { CameraStreams, StreamLease, StreamSource } from '../../media/camera-streams.ts';
import { forwardingCapabilities, type WorkerPool } from '../../media/workers.ts';

export type Send = <E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

export interface ViewerMediaDeps {
  streams: CameraStreams;
  pool: WorkerPool;
  listenIp: string;
  announcedAddress: string | undefined;
  /** Whose transport it is (its appData). */
  subject: string;
  log: Logger;
  send: Send;
  /** A picture ended by itself (not by end()): the view's owner ends the view, which calls end(). */
  feedEnded: (cameraId: string, reason: WireError) => void;
}

/** One camera's picture to this viewer. */
interface Feed {
  cameraId: string;
  lease: StreamLease;
  rtpCapabilities: ms.RtpCapabilities;
  consumer: ms.Consumer | undefined;
  /** The path this viewer's picture takes, once decided. */
  path: MediaPath | undefined;
  /** Held while this viewer's picture comes through the camera's transcode. */
  transcode: TranscodeLease | undefined;
  /** Consumes run one after another, so two producer events cannot race to two consumers. */
  consuming: Promise<void>;
  closed: boolean;
}

export class ViewerMedia {
  readonly #deps: ViewerMediaDeps;
  readonly #feeds = new Map<string, Feed>();
  #router: { router: ms.Router; release: () => void } | undefined;
  #transport: ms.WebRtcTransport | undefined;
  /** Set by transport:create: a watch sent right behind it waits here for the transport. */
  #creating: Promise<ms.WebRtcTransport> | undefined;
  #transportConnected = false;
  #closed = false;

  constructor(deps: ViewerMediaDeps) {
    this.#deps = deps;
  }

  get consumerCount(): number {
    let count = 0;
    for (const feed of this.#feeds.values()) if (feed.consumer) count++;
    return count;
  }

  /** Whether transport:create was asked (the transport may still be on its way: see `transportReady`). */
  get transportAsked(): boolean {
    return this.#creating !== undefined;
  }

  /** Resolves once the receive transport exists; rejects if it could not be made. */
  async transportReady(): Promise<void> {
    if (!this.#creating) throw new HubError('NOT_JOINED', '수신 전송로가 없습니다 (create a transport first)');
    await this.#creating;
  }

  /** The id of the router's capabilities (see JoinResponse), once joined. */
  get capabilitiesId(): string | undefined {
    return this.#router ? capabilitiesId(this.#router.router.rtpCapabilities) : undefined;
  }

  /** Leases a router (once per session): what it can send is what the browser loads its device with. */
  join(): Pick<JoinResponse, 'routerRtpCapabilities' | 'routerCapabilitiesId'> {
    this.#router ??= this.#deps.pool.acquireRouter(1);
    const routerRtpCapabilities = this.#router.router.rtpCapabilities;
    return { routerRtpCapabilities, routerCapabilitiesId: capabilitiesId(routerRtpCapabilities) };
  }

  async createTransport(): Promise<TransportOptions> {
    const router = this.#router?.router;
    if (!router) throw new HubError('NOT_JOINED', 'media:join 먼저 필요합니다 (join first)');
    if (this.#creating) throw new HubError('BAD_REQUEST', '수신 전송로가 이미 있습니다 (transport already exists)');
    const creating = this.#create(router);
    this.#creating = creating;
    try {
      const transport = await creating;
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters
      };
    } catch (error) {
      // Not made: the client may ask again.
      if (this.#creating === creating) this.#creating = undefined;
      throw error;
    }
  }

  async #create(router: ms.Router): Promise<ms.WebRtcTransport> {
    const transport = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: this.#deps.listenIp, announcedAddress: this.#deps.announcedAddress }],
      enableUdp: true,
      enableTcp: false,
      appData: { subject: this.#deps.subject }
    });
    if (this.#closed) {
      transport.close();
      throw new HubError('SHUTTING_DOWN', '세션이 종료되었습니다 (session closed)');
    }
    this.#transport = transport;
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.#deps.log.warn('transport dtls state', { state });
      // A consumer resumed before DTLS was up had its keyframe request answered into the void;
      // ask again now, or the first picture waits for the camera's next GOP.
      if (state === 'connected') {
        for (const feed of this.#feeds.values()) void feed.consumer?.requestKeyFrame().catch(() => undefined);
      }
    });
    return transport;
  }

  async connectTransport({ transportId, dtlsParameters }: RequestOf<'transport:connect'>): Promise<Record<string, never>> {
    if (!this.#transport || this.#transport.id !== transportId) throw new HubError('TRANSPORT_UNKNOWN', '알 수 없는 전송로입니다 (unknown transport)');
    if (this.#transportConnected) throw new HubError('BAD_REQUEST', '전송로가 이미 연결되었습니다 (transport already connected)');
    this.#transportConnected = true;
    try {
      await this.#transport.connect({ dtlsParameters });
    } catch {
      // mediasoup refuses parameters the schema let through (e.g. a malformed fingerprint).
      this.#transportConnected = false;
      throw new HubError('BAD_REQUEST', 'DTLS 매개변수가 잘못되었습니다 (invalid DTLS parameters)');
    }
    return {};
  }

  /**
   * Starts this viewer's picture of a camera (authorised and recorded by the caller): leases the
   * camera's stream and consumes it whenever it (re)starts, until end().
   */
  open(camera: StreamSource, rtpCapabilities: ms.RtpCapabilities): void {
    const cameraId = camera.id;
    // Heard through the lease (one fan-out per stream), not as listeners of the stream itself.
    const lease = this.#deps.streams.acquire(camera, {
      state: (state, retryAt) => {
        if (feed.closed) return;
        this.#deps.send('camera:state', retryAt ? { cameraId, state, retryAt } : { cameraId, state });
        if (state === 'unsupported') this.#ended(feed, unsupportedCodec(stream));
        // A camera that needs a transcode has no producer of its own: its coming live is the cue.
        else if (state === 'live' && !feed.consumer) this.#consumeSafely(feed);
      },
      // A new picture on the path this viewer takes (any path while undecided).
      producer: (_producer, path) => {
        if (feed.closed) return;
        if (feed.path === undefined || feed.path === path) this.#consumeSafely(feed);
      }
    });
    const stream = lease.stream;
    const feed: Feed = {
      cameraId,
      lease,
      rtpCapabilities,
      consumer: undefined,
      path: undefined,
      transcode: undefined,
      consuming: Promise.resolve(),
      closed: false
    };
    this.#feeds.set(cameraId, feed);
    if (stream.state === 'live') this.#consumeSafely(feed);
  }

  /** The state of the camera's stream as this viewer's picture sees it (idle when it has none). */
  stateOf(cameraId: string): CameraState {
    return this.#feeds.get(cameraId)?.lease.stream.state ?? 'idle';
  }

  async resume({ consumerId }: RequestOf<'consumer:resume'>): Promise<Record<string, never>> {
    for (const feed of this.#feeds.values()) {
      if (feed.consumer?.id === consumerId) {
        await feed.consumer.resume();
        return {};
      }
    }
    throw new HubError('CONSUMER_UNKNOWN', '알 수 없는 영상 수신입니다 (unknown consumer)');
  }

  /** Stops the picture of a camera and lets its stream go. `reason` is told to the tile, even when no picture had arrived yet. */
  end(cameraId: string, reason?: WireError): void {
    const feed = this.#feeds.get(cameraId);
    if (!feed || feed.closed) return;
    feed.closed = true;
    feed.transcode?.release();
    feed.transcode = undefined;
    const consumer = feed.consumer;
    feed.consumer = undefined;
    consumer?.close();
    if (reason) this.#deps.send('consumer:closed', { cameraId, consumerId: consumer?.id ?? '', reason });
    feed.lease.release();
    this.#feeds.delete(cameraId);
  }

  /** Ends every picture (silently: the owner told the tiles), then the transport and the router lease. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cameraId of [...this.#feeds.keys()]) this.end(cameraId);
    this.#transport?.close();
    this.#router?.release();
  }

  /** A picture that ended by itself: its owner ends the view (and with it, the picture). */
  #ended(feed: Feed, reason: WireError): void {
    if (!feed.closed && this.#feeds.get(feed.cameraId) === feed) this.#deps.feedEnded(feed.cameraId, reason);
  }

  /** Consuming runs after the watch was answered, one at a time per feed: failures are logged, never left unhandled. */
  #consumeSafely(feed: Feed): void {
    feed.consuming = feed.consuming.then(() =>
      this.#consume(feed).catch((error: unknown) => {
        this.#deps.log.warn('consume failed', { camera: feed.cameraId, error: error instanceof Error ? error.message : String(error) });
        this.#ended(feed, { code: 'CODEC_UNSUPPORTED', message: '이 브라우저로 영상을 받을 수 없습니다 (cannot consume with these capabilities)', codec: BROWSER_REFUSED });
      })
    );
  }

  /**
   * Picks this viewer's path: the camera's own stream when its browser takes the negotiated
   * profile, else the camera's transcode (constrained baseline, shared by every viewer that
   * needs it), else CODEC_UNSUPPORTED.
   */
  async #consume(feed: Feed): Promise<void> {
    const transport = this.#transport;
    const router = this.#router?.router;
    const stream = feed.lease.stream;
    const plan = stream.plan;
    // Not described yet (a producer event follows), or unsupported (the state event ends the watch).
    if (!transport || !router || feed.closed || !plan || plan.path === 'unsupported') return;
    if (plan.path === 'passthrough') {
      const producer = await stream.producerOn(router);
      if (!producer || feed.closed || transport.closed) return;
      if (router.canConsume({ producerId: producer.id, rtpCapabilities: feed.rtpCapabilities })) {
        feed.path = 'passthrough';
        feed.transcode?.release();
        feed.transcode = undefined;
        await this.#consumeFrom(feed, producer, 'passthrough');
        return;
      }
    }
    if (!offersConstrainedBaseline(feed.rtpCapabilities)) {
      this.#ended(feed, { code: 'CODEC_UNSUPPORTED', message: '브라우저가 H.264를 재생할 수 없습니다 (this browser offers no H.264 decoder)', codec: BROWSER_REFUSED });
      return;
    }
    feed.path = 'transcode';
    feed.transcode ??= stream.acquireTranscode();
    const producer = await stream.producerOn(router, 'transcode');
    // Not running yet: the stream's producer event brings it.
    if (!producer || feed.closed || transport.closed) return;
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities: feed.rtpCapabilities })) {
      this.#ended(feed, { code: 'CODEC_UNSUPPORTED', message: '브라우저가 변환 영상도 재생할 수 없습니다 (codec not supported by this browser)', codec: BROWSER_REFUSED });
      return;
    }
    await this.#consumeFrom(feed, producer, 'transcode');
  }

  async #consumeFrom(feed: Feed, producer: ms.Producer, path: MediaPath): Promise<void> {
    const transport = this.#transport;
    // Already consuming this very producer (a second event for it).
    if (!transport || (feed.consumer && !feed.consumer.closed && feed.consumer.producerId === producer.id)) return;
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: forwardingCapabilities(feed.rtpCapabilities),
      paused: true,
      appData: { cameraId: feed.cameraId, path }
    });
    if (feed.closed) {
      consumer.close();
      return;
    }
    feed.consumer?.close();
    feed.consumer = consumer;
    consumer.on('producerclose', () => {
      if (feed.consumer !== consumer) return;
      feed.consumer = undefined;
      this.#deps.send('consumer:closed', {
        cameraId: feed.cameraId,
        consumerId: consumer.id,
        reason: { code: 'CAMERA_OFFLINE', message: '카메라 연결이 끊겼습니다 — 재연결 중 (camera dropped, reconnecting)' }
      });
    });
    this.#deps.send('camera:consumer', {
      cameraId: feed.cameraId,
      id: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      path
    });
  }
}

const capabilityIds = new WeakMap<ms.RouterRtpCapabilities, string>();

/**
 * Names a router's capabilities by their content (a router hands out the same object every
 * time, so each is hashed once): routers made with the same codecs share the id, and a hub whose
 * codecs changed gives a new one.
 */
export function capabilitiesId(capabilities: ms.RouterRtpCapabilities): string {
  let id = capabilityIds.get(capabilities);
  if (id === undefined) {
    id = createHash('sha256').update(JSON.stringify(capabilities)).digest('hex').slice(0, 32);
    capabilityIds.set(capabilities, id);
  }
  return id;
}

/** The codec named when the browser, not the camera, is what refuses. */
const BROWSER_REFUSED = 'browser: no H.264';

/** Why a camera's stream cannot be served, for the tile: its codec, named. */
export function unsupportedCodec(stream: CameraStream): WireError & { codec: string } {
  const codec = stream.plan?.codec.label ?? 'unknown codec';
  return { code: 'CODEC_UNSUPPORTED', message: `${codec}: 허브가 재생할 수 없는 코덱입니다 (a codec the hub cannot serve)`, codec };
}

/** Whether a receiver offers H.264 constrained baseline with packetization-mode 1 (what the transcode sends). */
function offersConstrainedBaseline(capabilities: ms.RtpCapabilities): boolean {
  return (capabilities.codecs ?? []).some((codec) => {
    const parameters = codec.parameters ?? {};
    return (
      codec.mimeType.toLowerCase() === 'video/h264' &&
      String(parameters['packetization-mode'] ?? '0') === '1' &&
      /^42/i.test(String(parameters['profile-level-id'] ?? '42'))
    );
  });
}
