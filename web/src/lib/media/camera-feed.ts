/**
 * One camera's subscription within a media session: the `camera:watch`, the mediasoup
 * consumer of the current stream (replaced each time the camera's stream restarts), the
 * server's view of the camera, and the receiver's stats. Owned by `MediaSession`, which routes
 * the hub's pushes for this camera here; a tile holds a lease on it (see `TileStream`).
 */
import type { types as mc } from 'mediasoup-client';
import type { CameraState, CameraStateEvent, ConsumerClosedEvent, ConsumerOptions, MediaPath, Still } from '$protocol/events.ts';
import { AppError, toAppError, type AppErrorCode } from '$lib/errors/app-error.ts';
import type { HubClient, RequestPayload } from '$lib/signaling/index.ts';
import type { SentWatch } from './early-watch.ts';
import { EMPTY_RECEIVER_STATS, readInboundVideo, type ReceiverStats } from './receiver-stats.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { endsSubscription, terminalStateFor, type TileState } from './tile-state.ts';

export interface FeedStatus {
  cameraId: string;
  /** Feed-level state; a viewer reports `live` only once a frame of `track` is on screen. */
  state: TileState;
  cameraState: CameraState | null;
  /** The last reason the picture stopped or was refused, shown on the tile. */
  error: AppError | null;
  /** When the next attempt is due (ms since epoch), while waiting to retry. */
  retryAt: number | null;
  /** The current picture, or null between streams. */
  track: MediaStreamTrack | null;
  /** How the current picture comes: the camera's own stream or the hub's transcode (null between streams). */
  path: MediaPath | null;
}

/** What a feed needs from its session: narrow, so the feed never holds its parent. */
export interface FeedHost {
  client: HubClient;
  rtpCapabilities: mc.RtpCapabilities;
  consume(options: ConsumerOptions): Promise<mc.Consumer>;
  retryPolicy: RetryPolicy;
}

const STATS_INTERVAL_MS = 1_000;

/**
 * Refusals that a change of what the session may see can undo: a grant issued, or an incident
 * known, after the tile asked (a wall re-watching after a hub restart, before its context is
 * back). They end the feed like any verdict, until the hub says the scope changed.
 */
const SCOPE_REFUSALS: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>(['CAMERA_OUT_OF_SCOPE', 'INCIDENT_NOT_FOUND']);
const REMEMBERED_CLOSED_IDS = 32;

export interface FeedOptions {
  /** The incident this view is for: the hub ends it (INCIDENT_CLOSED) when the incident closes. Monitor tiles pass none. */
  incidentId?: string;
}

export class CameraFeed {
  readonly cameraId: string;
  readonly incidentId: string | undefined;
  readonly #host: FeedHost;
  readonly #listeners = new Set<(status: FeedStatus) => void>();
  #closed = false;

  #consumer: mc.Consumer | null = null;
  #path: MediaPath | null = null;
  /** consumer:closed can overtake a consume() in flight; remember recent ids. */
  readonly #closedConsumerIds = new Set<string>();
  #queue: Promise<void> = Promise.resolve();

  #cameraState: CameraState | null = null;
  #error: AppError | null = null;
  #terminal: TileState | null = null;
  #retryState: TileState | null = null;
  #retryAt: number | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  #watchStartedAt = 0;
  /** A watch sent for this feed before it existed (early-watch.ts): its answer is the first one. */
  #sent: SentWatch | undefined;
  /** A `camera:watch` is on its way; a scope change meanwhile may have come too late for it. */
  #watching = false;
  #scopeChangedWhileWatching = false;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #stats: ReceiverStats = EMPTY_RECEIVER_STATS;
  /** framesDecoded of consumers already closed, so the count survives stream restarts. */
  #framesDecodedBefore = 0;

  constructor(cameraId: string, host: FeedHost, options: FeedOptions = {}, sent?: SentWatch) {
    this.cameraId = cameraId;
    this.incidentId = options.incidentId;
    this.#host = host;
    this.#sent = sent;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** `performance.now()` when the current subscription was requested. */
  get watchStartedAt(): number {
    return this.#watchStartedAt;
  }

  get status(): FeedStatus {
    return {
      cameraId: this.cameraId,
      state: this.#state(),
      cameraState: this.#cameraState,
      error: this.#error,
      retryAt: this.#terminal ? null : this.#retryAt,
      track: this.#consumer?.track ?? null,
      path: this.#consumer ? this.#path : null
    };
  }

  get receiverStats(): ReceiverStats {
    return this.#stats;
  }

  get framesDecoded(): number {
    return this.#framesDecodedBefore + this.#stats.framesDecoded;
  }

  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: FeedStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#closed || this.#statsTimer !== undefined) return;
    this.#statsTimer = setInterval(() => void this.#pollStats(), STATS_INTERVAL_MS);
    void this.#watch();
  }

  /** The camera's latest keyframe from the hub (checked and recorded like the watch), or null. */
  async still(): Promise<Still | null> {
    const answer = await this.#host.client.request('camera:still', {
      cameraId: this.cameraId,
      ...(this.incidentId ? { incidentId: this.incidentId } : {})
    });
    return answer.still;
  }

  // Pushes from the hub, routed by MediaSession.

  handleConsumer(options: ConsumerOptions): void {
    this.#queue = this.#queue
      .then(() => this.#consume(options))
      .catch((error: unknown) => {
        if (this.#closed) return;
        this.#error = toAppError(error, 'MEDIA_FAILED');
        this.#emit();
      });
  }

  handleConsumerClosed(event: ConsumerClosedEvent): void {
    this.#rememberClosed(event.consumerId);
    if (this.#consumer?.id === event.consumerId) this.#dropConsumer();
    this.#error = AppError.fromWire(event.reason);
    if (endsSubscription(event.reason.code)) this.#stop(terminalStateFor(event.reason.code));
    this.#emit();
  }

  /**
   * What the session may see has changed (the hub's `cameras:changed`, a refreshed token): a
   * feed refused for its scope asks again, and so does one whose refusal is still on its way.
   */
  handleScopeChanged(): void {
    if (this.#closed) return;
    if (this.#watching) this.#scopeChangedWhileWatching = true;
    else if (this.#terminal && this.#error && SCOPE_REFUSALS.has(this.#error.code)) this.#watchAgain();
  }

  handleState(event: CameraStateEvent): void {
    this.#cameraState = event.state;
    this.#retryAt = event.retryAt ?? null;
    if (event.state === 'live' && this.#error?.code === 'CAMERA_OFFLINE') this.#error = null;
    this.#emit();
  }

  /**
   * Stops the feed. `unwatch`: tell the hub (a tile was cleared); not when the whole session
   * is going away, since the hub drops a closed session's subscriptions itself.
   */
  close({ unwatch }: { unwatch: boolean }): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#statsTimer);
    this.#dropConsumer();
    this.#listeners.clear();
    if (unwatch && this.#host.client.connected) {
      this.#host.client.request('camera:unwatch', { cameraId: this.cameraId }).catch(() => {
        // The session may be ending; the hub forgets its subscriptions with it.
      });
    }
  }

  async #watch(): Promise<void> {
    const sent = this.#sent;
    this.#sent = undefined;
    this.#watchStartedAt = sent?.sentAt ?? performance.now();
    this.#watching = true;
    this.#scopeChangedWhileWatching = false;
    try {
      const answer = await (sent?.answer ??
        this.#host.client.request('camera:watch', {
          cameraId: this.cameraId,
          // mediasoup-client's and mediasoup's RtpCapabilities types describe the same JSON.
          rtpCapabilities: this.#host.rtpCapabilities as RequestPayload<'camera:watch'>['rtpCapabilities'],
          ...(this.incidentId ? { incidentId: this.incidentId } : {})
        }));
      if (this.#closed) return;
      this.#attempt = 0;
      this.#retryState = null;
      this.#retryAt = null;
      // A consumer may have arrived before the answer; its state is newer than the answer's.
      if (this.#cameraState === null || !this.#consumer) this.#cameraState = answer.state;
      this.#watching = false;
      this.#emit();
    } catch (error) {
      this.#watching = false;
      this.#refused(toAppError(error));
    }
  }

  /** Starts over after a scope refusal: a fresh subscription, as on the first watch. */
  #watchAgain(): void {
    this.#terminal = null;
    this.#error = null;
    this.#attempt = 0;
    this.#emit();
    void this.#watch();
  }

  #refused(error: AppError): void {
    // A lost or closed socket is the session's business: it builds a new session and feeds.
    if (this.#closed || error.code === 'CLIENT_CLOSED' || error.code === 'CONNECTION_LOST') return;
    this.#error = error;
    const delay = endsSubscription(error.code) ? null : this.#host.retryPolicy.nextRetryDelayMs({ attempt: this.#attempt, code: error.code });
    if (delay === null) {
      this.#stop(terminalStateFor(error.code));
      if (this.#scopeChangedWhileWatching && SCOPE_REFUSALS.has(error.code)) return this.#watchAgain();
    } else {
      this.#attempt++;
      this.#retryState = error.code === 'CAMERA_OFFLINE' ? 'offline' : 'reconnecting';
      this.#retryAt = Date.now() + delay;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => void this.#watch(), delay);
    }
    this.#emit();
  }

  /** The subscription is over for good (refused, revoked, expired): no retry, no new picture. */
  #stop(state: TileState): void {
    this.#terminal = state;
    this.#retryState = null;
    this.#retryAt = null;
    clearTimeout(this.#retryTimer);
    this.#dropConsumer();
  }

  async #consume(options: ConsumerOptions): Promise<void> {
    if (this.#closed || this.#terminal || this.#closedConsumerIds.has(options.id)) return;
    if (options.kind !== 'video') return; // Tiles are silent; the hub sends CCTV video only.
    this.#dropConsumer();
    const consumer = await this.#host.consume(options);
    if (this.#closed || this.#terminal || this.#closedConsumerIds.has(options.id)) {
      consumer.close();
      return;
    }
    this.#consumer = consumer;
    this.#path = options.path;
    this.#stats = EMPTY_RECEIVER_STATS;
    consumer.on('transportclose', () => this.#dropConsumer(consumer));
    consumer.on('trackended', () => this.#dropConsumer(consumer));
    this.#error = null;
    this.#emit();
    try {
      await this.#host.client.request('consumer:resume', { consumerId: consumer.id });
    } catch (error) {
      if (this.#consumer !== consumer) return; // Replaced or closed meanwhile: nothing to resume.
      this.#error = toAppError(error);
      this.#emit();
    }
  }

  #dropConsumer(which: mc.Consumer | null = this.#consumer): void {
    if (!which || which !== this.#consumer) return;
    this.#framesDecodedBefore += this.#stats.framesDecoded;
    this.#stats = EMPTY_RECEIVER_STATS;
    this.#consumer = null;
    // Tell the tiles before the track stops: they copy its last frame to keep on screen.
    if (!this.#closed) this.#emit();
    if (!which.closed) which.close();
  }

  #rememberClosed(consumerId: string): void {
    this.#closedConsumerIds.add(consumerId);
    if (this.#closedConsumerIds.size > REMEMBERED_CLOSED_IDS) {
      const oldest = this.#closedConsumerIds.values().next().value;
      if (oldest !== undefined) this.#closedConsumerIds.delete(oldest);
    }
  }

  async #pollStats(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer || consumer.closed) return;
    try {
      const stats = readInboundVideo(await consumer.getStats());
      if (stats && consumer === this.#consumer) this.#stats = stats;
    } catch {
      // A consumer closing under the call; the next tick sees the new one.
    }
  }

  #state(): TileState {
    if (this.#terminal) return this.#terminal;
    if (this.#retryState) return this.#retryState;
    if (this.#cameraState === 'offline') return 'offline';
    if (this.#cameraState === 'unsupported') return 'unsupported';
    if (this.#cameraState === 'reconnecting') return 'reconnecting';
    if (this.#consumer) return 'live';
    if (this.#error?.code === 'CAMERA_OFFLINE') return 'offline';
    return 'connecting';
  }

  #emit(): void {
    if (this.#closed) return;
    const status = this.status;
    for (const listener of this.#listeners) listener(status);
  }
}
