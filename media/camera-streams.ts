/**
 * Owner of every running CameraStream. A camera is pulled when its first viewer asks, shared
 * by all viewers, and stopped a grace period after the last one leaves (a viewer switching
 * layouts should not cost a cold start). Get-or-create is synchronous, so two viewers asking
 * at once can never start two ingests.
 */
import { EventEmitter } from 'node:events';
import type { CameraState } from '../server/protocol/events.ts';
import type { Logger } from '../server/log.ts';
import type { Backoff } from './ingest/backoff.ts';
import { CameraStream } from './camera-stream.ts';
import type { WorkerPool } from './workers.ts';

export interface CameraStreamsOptions {
  pool: WorkerPool;
  listenIp: string;
  idleGraceMs: number;
  backoff: Backoff;
  log: Logger;
}

export interface StreamLease {
  readonly stream: CameraStream;
  release(): void;
}

interface Entry {
  stream: CameraStream;
  leases: number;
  graceTimer: NodeJS.Timeout | undefined;
}

type ObserverEvents = {
  state: [cameraId: string, state: CameraState];
  'stream:open': [cameraId: string];
  'stream:close': [cameraId: string];
};

/** Ingest is heavier than a viewer transport when placing work on a router. */
const INGEST_WEIGHT = 4;

export class CameraStreams {
  /** Monitoring only (metrics, logs); control flow never depends on it. */
  readonly observer = new EventEmitter<ObserverEvents>();
  readonly #options: CameraStreamsOptions;
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  constructor(options: CameraStreamsOptions) {
    this.#options = options;
  }

  state(cameraId: string): CameraState {
    return this.#entries.get(cameraId)?.stream.state ?? 'idle';
  }

  /** The running stream of a camera, if any (monitoring and tests). */
  get(cameraId: string): CameraStream | undefined {
    return this.#entries.get(cameraId)?.stream;
  }

  get running(): number {
    return this.#entries.size;
  }

  acquire(camera: { id: string; source: string }): StreamLease {
    if (this.#closed) throw new Error('camera streams closed');
    let entry = this.#entries.get(camera.id);
    if (!entry) entry = this.#open(camera);
    clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
    entry.leases++;
    const held = entry;
    let released = false;
    return {
      stream: held.stream,
      release: () => {
        if (released) return;
        released = true;
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

  #open(camera: { id: string; source: string }): Entry {
    const { router, release } = this.#options.pool.acquireRouter(INGEST_WEIGHT);
    const stream = new CameraStream({
      cameraId: camera.id,
      source: camera.source,
      router,
      listenIp: this.#options.listenIp,
      backoff: this.#options.backoff,
      log: this.#options.log
    });
    const entry: Entry = { stream, leases: 0, graceTimer: undefined };
    this.#entries.set(camera.id, entry);
    stream.on('state', (state) => this.observer.emit('state', camera.id, state));
    stream.once('@close', () => {
      clearTimeout(entry.graceTimer);
      release();
      if (this.#entries.get(camera.id) === entry) this.#entries.delete(camera.id);
      this.observer.emit('stream:close', camera.id);
    });
    this.observer.emit('stream:open', camera.id);
    stream.start().catch((error: Error) => {
      this.#options.log.error('camera stream failed to start', { camera: camera.id, error: error.message });
      stream.close();
    });
    return entry;
  }
}
