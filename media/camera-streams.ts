/**
 * Owner of every running CameraStream. A camera is pulled when its first viewer asks, shared
 * by all viewers, and stopped a grace period after the last one leaves (a viewer switching
 * layouts should not cost a cold start). Get-or-create is synchronous, so two viewers asking
 * at once can never start two ingests.
 *
 * Ingests are keyed by source URL, not by camera: registry cameras that stand on the same feed
 * (development maps 68,000 registry cameras onto a pool of simulated feeds) share one ingest.
 * Views, states told to browsers and audit stay per registry camera (the Viewer's business).
 *
 * The latest keyframe of each source outlives its ingest (a bounded cache), so a tile whose
 * camera went offline or idle can still show the last picture with its time.
 */
import { EventEmitter } from 'node:events';
import type { CameraState } from '../server/protocol/events.ts';
import type { Logger } from '../server/log.ts';
import type { Backoff } from './ingest/backoff.ts';
import type { types as ms } from 'mediasoup';
import { CameraStream, type IngestTransport } from './camera-stream.ts';
import type { IngestPath } from './ingest/codec.ts';
import type { Keyframe } from './ingest/keyframe.ts';
import type { WorkerPool } from './workers.ts';

export interface CameraStreamsOptions {
  pool: WorkerPool;
  listenIp: string;
  idleGraceMs: number;
  backoff: Backoff;
  /** RTP silence after which a live ingest is reported `stalled`, ms. */
  stallAfterMs?: number;
  /** How each source is pulled (RTSP over UDP unless configured otherwise). */
  transportFor?: (source: string) => IngestTransport;
  /** A UDP ingest that gets nothing for this long falls back to TCP, ms. */
  udpFallbackMs?: number;
  log: Logger;
}

/** What a lease's holder hears of its stream, until it releases the lease. */
export interface StreamWatcher {
  state(state: CameraState, retryAt: number | undefined): void;
  /** A new picture source on a path (first connect, the camera came back, a transcode started). */
  producer(producer: ms.Producer, path: IngestPath): void;
}

export interface StreamLease {
  readonly stream: CameraStream;
  release(): void;
}

interface Entry {
  stream: CameraStream;
  leases: number;
  graceTimer: NodeJS.Timeout | undefined;
  /** The lease holders' watchers: one listener per event on the stream fans out to all of them, however many viewers. */
  watchers: Set<StreamWatcher>;
}

/** What a stream is pulled from; `simulatedFeed` (else the id) names the ingest in logs and metrics. */
export interface StreamSource {
  id: string;
  source: string;
  simulatedFeed?: string;
}

/** Observer events name an ingest by its label (the feed's name, or the first camera's id): never its URL. */
type ObserverEvents = {
  state: [label: string, state: CameraState];
  'stream:open': [label: string];
  'stream:close': [label: string];
};

/** Ingest is heavier than a viewer transport when placing work on a router. */
const INGEST_WEIGHT = 4;
/** Sources whose last keyframe is kept after their ingest stopped (≈30–200 KB each). */
const KEPT_KEYFRAMES = 256;

export class CameraStreams {
  /** Monitoring only (metrics, logs); control flow never depends on it. */
  readonly observer = new EventEmitter<ObserverEvents>();
  readonly #options: CameraStreamsOptions;
  readonly #entries = new Map<string, Entry>();
  /** Last keyframe per source, oldest first (insertion order is recency). */
  readonly #keyframes = new Map<string, Keyframe>();
  #closed = false;

  constructor(options: CameraStreamsOptions) {
    this.#options = options;
  }

  /** The state of the ingest a camera stands on ('idle' when none runs). */
  state(camera: { source: string }): CameraState {
    return this.#entries.get(camera.source)?.stream.state ?? 'idle';
  }

  /** The running stream a camera stands on, if any (monitoring and tests). */
  get(camera: { source: string }): CameraStream | undefined {
    return this.#entries.get(camera.source)?.stream;
  }

  /** The latest keyframe of the source a camera stands on, live or kept from an earlier ingest. */
  keyframe(camera: { source: string }): Keyframe | undefined {
    return this.#entries.get(camera.source)?.stream.keyframe ?? this.#keyframes.get(camera.source);
  }

  /** The keyframe a still is made of: made current first where the camera must be asked (CameraStream.freshKeyframe). */
  async still(camera: { source: string }): Promise<Keyframe | undefined> {
    const stream = this.#entries.get(camera.source)?.stream;
    return (await stream?.freshKeyframe()) ?? this.#keyframes.get(camera.source);
  }

  get running(): number {
    return this.#entries.size;
  }

  /** The camera's stream, started if need be; `watcher` hears it until the lease is released. */
  acquire(camera: StreamSource, watcher?: StreamWatcher): StreamLease {
    if (this.#closed) throw new Error('camera streams closed');
    let entry = this.#entries.get(camera.source);
    if (!entry) entry = this.#open(camera);
    clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
    entry.leases++;
    // One object per lease, so two leases with the same callbacks stay two.
    const own = watcher && { state: watcher.state, producer: watcher.producer };
    if (own) entry.watchers.add(own);
    const held = entry;
    let released = false;
    return {
      stream: held.stream,
      release: () => {
        if (released) return;
        released = true;
        if (own) held.watchers.delete(own);
        held.leases--;
        if (held.leases === 0 && !held.stream.closed) {
          held.graceTimer = setTimeout(() => held.stream.close(), this.#options.idleGraceMs);
          held.graceTimer.unref();
        }
      }
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of [...this.#entries.values()]) entry.stream.close();
  }

  #open(camera: StreamSource): Entry {
    const { router, release } = this.#options.pool.acquireRouter(INGEST_WEIGHT);
    const key = camera.source;
    const label = camera.simulatedFeed ?? camera.id;
    const stream = new CameraStream({
      cameraId: label,
      source: camera.source,
      router,
      listenIp: this.#options.listenIp,
      backoff: this.#options.backoff,
      ...(this.#options.stallAfterMs ? { stallAfterMs: this.#options.stallAfterMs } : {}),
      ...(this.#options.udpFallbackMs ? { udpFallbackMs: this.#options.udpFallbackMs } : {}),
      transport: this.#options.transportFor?.(camera.source) ?? 'udp',
      log: this.#options.log
    });
    const entry: Entry = { stream, leases: 0, graceTimer: undefined, watchers: new Set() };
    this.#entries.set(key, entry);
    stream.on('state', (state, retryAt) => {
      this.observer.emit('state', label, state);
      for (const watcher of [...entry.watchers]) watcher.state(state, retryAt);
    });
    stream.on('producer', (producer, path) => {
      for (const watcher of [...entry.watchers]) watcher.producer(producer, path);
    });
    stream.on('keyframe', (keyframe) => {
      this.#keyframes.delete(key);
      this.#keyframes.set(key, keyframe);
      if (this.#keyframes.size > KEPT_KEYFRAMES) this.#keyframes.delete(this.#keyframes.keys().next().value!);
    });
    stream.once('@close', () => {
      clearTimeout(entry.graceTimer);
      release();
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
      this.observer.emit('stream:close', label);
    });
    this.observer.emit('stream:open', label);
    stream.start().catch((error: Error) => {
      this.#options.log.error('camera stream failed to start', { stream: label, error: error.message });
      stream.close();
    });
    return entry;
  }
}
