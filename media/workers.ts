/**
 * The mediasoup worker pool: one worker per core, one router per worker. Camera ingests and
 * viewer transports are spread over the routers; a camera watched from another router is
 * piped there (see CameraStream.producerOn), as mediasoup advises for one-to-many fan-out.
 */
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Logger } from '../server/log.ts';

/** H.264 only: what IP cameras send. Constrained baseline and main, which Chromium decodes. */
export const MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }]
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '4d001f', 'level-asymmetry-allowed': 1 },
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }]
  }
];

export interface WorkerPoolOptions {
  size: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  log: Logger;
  /** Called when a worker dies unexpectedly: the hub cannot serve media without it. */
  onWorkerDied: (error: Error) => void;
}

interface Slot {
  worker: ms.Worker;
  router: ms.Router;
  load: number;
}

export class WorkerPool {
  readonly #slots: Slot[];
  #closed = false;

  private constructor(slots: Slot[]) {
    this.#slots = slots;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < options.size; i++) {
        const worker = await mediasoup.createWorker({
          logLevel: 'warn',
          rtcMinPort: options.rtcMinPort,
          rtcMaxPort: options.rtcMaxPort
        });
        worker.on('died', (error) => {
          options.log.error('mediasoup worker died', { pid: worker.pid, error: error.message });
          options.onWorkerDied(error);
        });
        const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
        slots.push({ worker, router, load: 0 });
      }
    } catch (error) {
      for (const slot of slots) slot.worker.close();
      throw error;
    }
    options.log.info('mediasoup workers ready', { workers: slots.map((s) => s.worker.pid), version: mediasoup.version });
    return new WorkerPool(slots);
  }

  get rtpCapabilities(): ms.RouterRtpCapabilities {
    return this.#slots[0]!.router.rtpCapabilities;
  }

  /**
   * The least-loaded router. `weight` is what the caller will add (an ingest weighs more than a
   * viewer transport); call the returned release() when that load goes away.
   */
  acquireRouter(weight: number): { router: ms.Router; release: () => void } {
    if (this.#closed) throw new Error('worker pool closed');
    let best = this.#slots[0]!;
    for (const slot of this.#slots) if (slot.load < best.load) best = slot;
    best.load += weight;
    let released = false;
    return {
      router: best.router,
      release: () => {
        if (released) return;
        released = true;
        best.load -= weight;
      }
    };
  }

  async usage(): Promise<Array<{ pid: number; cpuMs: number; maxRssKb: number }>> {
    return Promise.all(
      this.#slots.map(async ({ worker }) => {
        const usage = await worker.getResourceUsage();
        return { pid: worker.pid, cpuMs: usage.ru_utime + usage.ru_stime, maxRssKb: usage.ru_maxrss };
      })
    );
  }

  /** Closes every worker; mediasoup closes their routers, transports, producers and consumers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.close();
  }
}
