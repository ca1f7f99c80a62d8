/**
 * The media side of one hub session: the mediasoup Device, the one receive transport, and the
 * camera feeds. Built after `media:join`; closed as a whole when the socket drops, the page is
 * left or the person signs out (closing the transport closes every consumer with it).
 *
 * Tiles take a lease on a feed (`acquire`). A feed lives while leased; releasing the last
 * lease closes it on the next task, so a camera moved from one tile to another within a
 * render keeps its subscription and picture.
 */
import type { types as mc } from 'mediasoup-client';
import type { ConsumerOptions, JoinResponse, TransportOptions } from '$protocol/events.ts';
import { AppError, toAppError } from '$lib/errors/app-error.ts';
import type { HubClient } from '$lib/signaling/index.ts';
import { CameraFeed, type FeedOptions } from './camera-feed.ts';
import { loadDevice } from './device.ts';
import type { EarlyWatches, MediaPush, SentWatch } from './early-watch.ts';
import { keepRouter } from './kept-router.ts';
import { preferLowDelay } from './low-delay.ts';
import { BackoffRetryPolicy, type RetryPolicy } from './retry-policy.ts';

export interface FeedLease {
  readonly feed: CameraFeed;
  release(): void;
}

/** How long a feed watched early (early-watch.ts) waits for a tile to take it before it is unwatched. */
const EARLY_FEED_HELD_MS = 5_000;

interface FeedEntry {
  feed: CameraFeed;
  leases: number;
  releaseTimer: ReturnType<typeof setTimeout> | undefined;
}

export class MediaSession {
  readonly #client: HubClient;
  readonly #device: mc.Device;
  readonly #transport: mc.Transport;
  readonly #retryPolicy: RetryPolicy;
  readonly #feeds = new Map<string, FeedEntry>();
  readonly #offs: Array<() => void> = [];
  readonly #failedListeners = new Set<() => void>();
  /** Cameras acquired whose first answer (a picture or a refusal) has not come yet. */
  readonly #starting = new Set<string>();
  readonly #settledWaiters = new Set<() => void>();
  /** The session's own leases on feeds watched early, until a tile takes each (or none does in time). */
  readonly #earlyLeases = new Map<string, FeedLease>();
  #earlyTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * Loads the device for the session's router and takes the receive transport the hub is
   * creating (`created`, asked for with the join: see `joinAndCreate` in join.ts), together:
   * the hub builds the transport while the browser matches its codecs (see `warmDevice()`).
   * `early`: watches sent before the join was answered; used when they were made with this
   * join's router capabilities, else dropped (the hub refused them) and the tiles watch anew.
   */
  static async open(client: HubClient, join: JoinResponse, created: Promise<TransportOptions>, options: { retryPolicy?: RetryPolicy; early?: EarlyWatches } = {}): Promise<MediaSession> {
    const early = options.early ? await MediaSession.#usable(client, join, options.early) : null;
    let device: mc.Device;
    try {
      // mediasoup (server) and mediasoup-client type the same capabilities JSON separately.
      device = early?.device ?? (await loadDevice(join.routerRtpCapabilities as mc.RtpCapabilities));
    } catch (error) {
      early?.watches.takePushes();
      throw new AppError('MEDIA_FAILED', `device: ${toAppError(error).message}`, { cause: error });
    }
    if (!early) keepRouter({ id: join.routerCapabilitiesId, capabilities: join.routerRtpCapabilities as mc.RtpCapabilities, recvRtpCapabilities: device.recvRtpCapabilities });
    let transport: mc.Transport;
    try {
      const transportOptions = await created;
      try {
        transport = device.createRecvTransport(transportOptions as mc.TransportOptions);
      } catch (error) {
        throw new AppError('MEDIA_FAILED', `transport: ${toAppError(error).message}`, { cause: error });
      }
    } catch (error) {
      early?.watches.takePushes();
      throw error;
    }
    return new MediaSession(client, device, transport, options.retryPolicy ?? new BackoffRetryPolicy(), early?.watches ?? null);
  }

  /**
   * The early watches with their Device, if they were made with this join's router capabilities
   * and the Device makes of them what they carried; else they are let go (a stale one the hub
   * refused; one the hub took is unwatched) and the tiles watch anew.
   */
  static async #usable(client: HubClient, join: JoinResponse, watches: EarlyWatches): Promise<{ watches: EarlyWatches; device: mc.Device } | null> {
    if (watches.routerCapabilitiesId === join.routerCapabilitiesId) {
      const device = await watches.device.catch(() => null);
      if (device && JSON.stringify(device.recvRtpCapabilities) === JSON.stringify(watches.recvRtpCapabilities)) return { watches, device };
      for (const cameraId of watches.sent.keys()) client.request('camera:unwatch', { cameraId }).catch(() => undefined);
    }
    watches.takePushes();
    return null;
  }

  private constructor(client: HubClient, device: mc.Device, transport: mc.Transport, retryPolicy: RetryPolicy, early: EarlyWatches | null) {
    this.#client = client;
    this.#device = device;
    this.#transport = transport;
    this.#retryPolicy = retryPolicy;

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      client
        .request('transport:connect', { transportId: transport.id, dtlsParameters: dtlsParameters as never })
        .then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && !this.#closed) for (const listener of this.#failedListeners) listener();
    });

    // The early watches' feeds, and what the hub said of them so far, before the hub's next word.
    if (early) {
      for (const [cameraId, sent] of early.sent) this.#earlyLeases.set(cameraId, this.#lease(cameraId, {}, sent));
      for (const push of early.takePushes()) this.#route(push);
      this.#earlyTimer = setTimeout(() => this.#releaseEarly(), EARLY_FEED_HELD_MS);
    }
    this.#offs.push(
      client.on('camera:consumer', (payload) => this.#route({ event: 'camera:consumer', payload })),
      client.on('consumer:closed', (payload) => this.#route({ event: 'consumer:closed', payload })),
      client.on('camera:state', (payload) => this.#route({ event: 'camera:state', payload })),
      client.on('cameras:changed', () => this.scopeChanged())
    );
  }

  #route(push: MediaPush): void {
    const feed = this.#feeds.get(push.payload.cameraId)?.feed;
    if (!feed) return;
    if (push.event === 'camera:consumer') feed.handleConsumer(push.payload);
    else if (push.event === 'consumer:closed') feed.handleConsumerClosed(push.payload);
    else feed.handleState(push.payload);
  }

  /** Early feeds no tile took are let go (and unwatched). */
  #releaseEarly(cameraId?: string): void {
    for (const [id, lease] of this.#earlyLeases) {
      if (cameraId !== undefined && id !== cameraId) continue;
      this.#earlyLeases.delete(id);
      lease.release();
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get transportId(): string {
    return this.#transport.id;
  }

  /** What the session may see may have changed: feeds refused for their scope ask again. */
  scopeChanged(): void {
    if (this.#closed) return;
    for (const { feed } of this.#feeds.values()) feed.handleScopeChanged();
  }

  /** Calls `listener` when the transport's ICE/DTLS fails (the session must be rebuilt). */
  onTransportFailed(listener: () => void): () => void {
    this.#failedListeners.add(listener);
    return () => this.#failedListeners.delete(listener);
  }

  /**
   * The camera's feed, started on first use; release the lease when done. `options.incidentId`
   * makes the view one for that incident (the hub keeps one view per camera and session: a feed
   * already running for another incident, or for none, is closed and watched anew).
   */
  acquire(cameraId: string, options: FeedOptions = {}): FeedLease {
    const lease = this.#lease(cameraId, options);
    // A tile holds it now: the session's own early lease has done its job.
    this.#releaseEarly(cameraId);
    return lease;
  }

  #lease(cameraId: string, options: FeedOptions, sent?: SentWatch): FeedLease {
    if (this.#closed) throw new AppError('CLIENT_CLOSED', 'media session closed');
    let entry = this.#feeds.get(cameraId);
    // A tile showing an early-watched camera for an incident: the plain early view makes way.
    if (entry && entry.feed.incidentId !== options.incidentId) this.#releaseEarly(cameraId);
    if (entry && entry.feed.incidentId !== options.incidentId) {
      if (entry.leases > 0) throw new AppError('MEDIA_FAILED', `${cameraId} is already shown for another incident`);
      clearTimeout(entry.releaseTimer);
      this.#feeds.delete(cameraId);
      entry.feed.close({ unwatch: true });
      this.#settle(cameraId);
      entry = undefined;
    }
    if (!entry) {
      const feed = new CameraFeed(cameraId, {
        client: this.#client,
        rtpCapabilities: this.#device.recvRtpCapabilities,
        consume: (options) => this.#consume(options),
        retryPolicy: this.#retryPolicy
      }, options, sent);
      entry = { feed, leases: 0, releaseTimer: undefined };
      this.#feeds.set(cameraId, entry);
      this.#track(feed);
      feed.start();
    }
    clearTimeout(entry.releaseTimer);
    entry.releaseTimer = undefined;
    entry.leases++;
    const held = entry;
    let released = false;
    return {
      feed: held.feed,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        if (held.leases > 0 || this.#closed) return;
        held.releaseTimer = setTimeout(() => {
          if (held.leases > 0 || this.#feeds.get(cameraId) !== held) return;
          this.#feeds.delete(cameraId);
          held.feed.close({ unwatch: true });
          this.#settle(cameraId);
        }, 0);
      }
    };
  }

  /**
   * Resolves once every camera acquired so far has its picture or its answer (refused,
   * offline …), or after `capMs`: the moment for requests that would hold up the hub's event
   * loop (a registry listing) without delaying the first pictures.
   */
  settled(capMs: number): Promise<void> {
    if (this.#starting.size === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#settledWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, capMs);
      this.#settledWaiters.add(done);
    });
  }

  #track(feed: CameraFeed): void {
    this.#starting.add(feed.cameraId);
    const off = feed.onStatus((status) => {
      if (status.state === 'connecting' && !feed.closed) return;
      off();
      this.#settle(feed.cameraId);
    });
  }

  #settle(cameraId: string): void {
    if (!this.#starting.delete(cameraId) || this.#starting.size > 0) return;
    for (const done of [...this.#settledWaiters]) done();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#earlyTimer);
    this.#earlyLeases.clear();
    this.#starting.clear();
    for (const done of [...this.#settledWaiters]) done();
    for (const off of this.#offs) off();
    this.#failedListeners.clear();
    for (const entry of this.#feeds.values()) {
      clearTimeout(entry.releaseTimer);
      entry.feed.close({ unwatch: false });
    }
    this.#feeds.clear();
    this.#transport.close();
  }

  async #consume(options: ConsumerOptions): Promise<mc.Consumer> {
    try {
      return await this.#transport.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as mc.RtpParameters,
        onRtpReceiver: preferLowDelay
      });
    } catch (error) {
      throw new AppError('MEDIA_FAILED', `consume: ${toAppError(error).message}`, { cause: error });
    }
  }
}
