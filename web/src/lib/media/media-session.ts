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
import { preferLowDelay } from './low-delay.ts';
import { BackoffRetryPolicy, type RetryPolicy } from './retry-policy.ts';

export interface FeedLease {
  readonly feed: CameraFeed;
  release(): void;
}

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
  #closed = false;

  /**
   * Loads the device for the session's router and takes the receive transport the hub is
   * creating (`created`, asked for with the join: see `joinAndCreate` in join.ts), together:
   * the hub builds the transport while the browser matches its codecs (see `warmDevice()`).
   */
  static async open(client: HubClient, join: JoinResponse, created: Promise<TransportOptions>, options: { retryPolicy?: RetryPolicy } = {}): Promise<MediaSession> {
    let device: mc.Device;
    try {
      // mediasoup (server) and mediasoup-client type the same capabilities JSON separately.
      device = await loadDevice(join.routerRtpCapabilities as mc.RtpCapabilities);
    } catch (error) {
      throw new AppError('MEDIA_FAILED', `device: ${toAppError(error).message}`, { cause: error });
    }
    const options_ = await created;
    let transport: mc.Transport;
    try {
      transport = device.createRecvTransport(options_ as mc.TransportOptions);
    } catch (error) {
      throw new AppError('MEDIA_FAILED', `transport: ${toAppError(error).message}`, { cause: error });
    }
    return new MediaSession(client, device, transport, options.retryPolicy ?? new BackoffRetryPolicy());
  }

  private constructor(client: HubClient, device: mc.Device, transport: mc.Transport, retryPolicy: RetryPolicy) {
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

    this.#offs.push(
      client.on('camera:consumer', (event) => this.#feeds.get(event.cameraId)?.feed.handleConsumer(event)),
      client.on('consumer:closed', (event) => this.#feeds.get(event.cameraId)?.feed.handleConsumerClosed(event)),
      client.on('camera:state', (event) => this.#feeds.get(event.cameraId)?.feed.handleState(event)),
      client.on('cameras:changed', () => this.scopeChanged())
    );
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
    if (this.#closed) throw new AppError('CLIENT_CLOSED', 'media session closed');
    let entry = this.#feeds.get(cameraId);
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
      }, options);
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
