/**
 * The mediasoup worker pool: up to one worker per core, one router per worker. Work is packed
 * onto the first worker until it holds `packLoad`, and only then spread: a camera and its
 * viewers on one router forward each packet once, while a camera watched from another router
 * is piped there (see CameraStream.producerOn) — a second worker receiving and re-sending every
 * packet. So the hub starts with one worker and starts the next in the background when the
 * started ones are nearly full (mediasoup advises ≈500 consumers per worker, one per core).
 * The pool owns every worker it started; close() ends them, and with them their routers.
 */
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Logger } from '../server/log.ts';

/**
 * H.264 only: what IP cameras send. Constrained baseline and main, which Chromium decodes.
 * (mediasoup gives a router codec the RTCP feedback it supports whatever is listed here: what a
 * consumer uses is decided by `forwardingCapabilities`.)
 */
export const MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '4d001f', 'level-asymmetry-allowed': 1 } }
];

/** The RTP header extensions that feed a sender-side bandwidth estimate (transport-cc, REMB's abs-send-time). */
const BWE_HEADER_EXTENSIONS = new Set(['http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time']);
const BWE_FEEDBACK = new Set(['transport-cc', 'goog-remb']);

/**
 * A receiver's capabilities as the hub consumes with them: without bandwidth estimation. A
 * camera's stream has one layer at the camera's own bitrate, so an estimate could change
 * nothing the viewer gets; but a consumer that negotiates transport-cc or REMB gives its
 * transport mediasoup's congestion controller, whose pacer wakes the worker every 5 ms
 * (200/s per viewer transport, and per keyframe tap), and makes the browser send feedback
 * every 50–100 ms. NACK, PLI and FIR stay: they are what repairs and starts a picture.
 */
export function forwardingCapabilities(capabilities: ms.RtpCapabilities): ms.RtpCapabilities {
  return {
    ...capabilities,
    codecs: capabilities.codecs?.map((codec) => ({ ...codec, rtcpFeedback: codec.rtcpFeedback?.filter((fb) => !BWE_FEEDBACK.has(fb.type)) })),
    headerExtensions: capabilities.headerExtensions?.filter((ext) => !BWE_HEADER_EXTENSIONS.has(ext.uri))
  };
}

export interface WorkerPoolOptions {
  /** The most workers to run (one per core). */
  size: number;
  /** Load a worker takes before work goes to the next one (default PACK_LOAD). */
  packLoad?: number;
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

/**
 * A worker's share before the next one is used: 25 ingests (weight 4) or 100 viewer sessions
 * (weight 1, a few tiles each) stay well inside mediasoup's ≈500 consumers per worker.
 */
export const PACK_LOAD = 100;
/** The next worker starts when every started one holds this share of `packLoad` (it is ready before they are full). */
const GROW_AT = 0.75;

export class WorkerPool {
  readonly #slots: Slot[];
  readonly #options: WorkerPoolOptions;
  readonly #packLoad: number;
  #growing: Promise<void> | undefined;
  #closed = false;

  private constructor(first: Slot, options: WorkerPoolOptions) {
    this.#slots = [first];
    this.#options = options;
    this.#packLoad = options.packLoad ?? PACK_LOAD;
  }

  /** Starts the first worker; the others start when load needs them. */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(await startSlot(options), options);
    options.log.info('mediasoup worker ready', { worker: pool.#slots[0]!.worker.pid, most: options.size, version: mediasoup.version });
    return pool;
  }

  get rtpCapabilities(): ms.RouterRtpCapabilities {
    return this.#slots[0]!.router.rtpCapabilities;
  }

  /** Workers running now. */
  get workers(): number {
    return this.#slots.length;
  }

  /**
   * A router for work of `weight` (an ingest weighs more than a viewer transport): the first
   * worker with room for it, else the least-loaded one. Call the returned release() when that
   * load goes away.
   */
  acquireRouter(weight: number): { router: ms.Router; release: () => void } {
    if (this.#closed) throw new Error('worker pool closed');
    let best = this.#slots.find((slot) => slot.load + weight <= this.#packLoad);
    if (!best) {
      best = this.#slots[0]!;
      for (const slot of this.#slots) if (slot.load < best.load) best = slot;
    }
    const chosen = best;
    chosen.load += weight;
    this.#growIfFull();
    let released = false;
    return {
      router: chosen.router,
      release: () => {
        if (released) return;
        released = true;
        chosen.load -= weight;
      }
    };
  }

  /** Resolves when no worker is starting (for tests). */
  async settled(): Promise<void> {
    while (this.#growing) await this.#growing;
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

  #growIfFull(): void {
    if (this.#growing || this.#slots.length >= this.#options.size) return;
    if (this.#slots.some((slot) => slot.load < this.#packLoad * GROW_AT)) return;
    this.#growing = startSlot(this.#options)
      .then((slot) => {
        this.#growing = undefined;
        // A worker that arrives after close() has no owner left: it ends here.
        if (this.#closed) return void slot.worker.close();
        this.#slots.push(slot);
        this.#options.log.info('mediasoup worker added', { worker: slot.worker.pid, workers: this.#slots.length });
        // Load may have grown while this worker started.
        this.#growIfFull();
      })
      .catch((error: Error) => {
        // Tried again on the next acquire, not in a loop.
        this.#growing = undefined;
        this.#options.log.warn('could not start another mediasoup worker', { error: error.message });
      });
  }
}

/** One worker and its router; the worker is closed again if its router cannot be made. */
async function startSlot(options: WorkerPoolOptions): Promise<Slot> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: options.rtcMinPort, rtcMaxPort: options.rtcMaxPort });
  worker.on('died', (error) => {
    options.log.error('mediasoup worker died', { pid: worker.pid, error: error.message });
    options.onWorkerDied(error);
  });
  try {
    return { worker, router: await worker.createRouter({ mediaCodecs: MEDIA_CODECS }), load: 0 };
  } catch (error) {
    worker.close();
    throw error;
  }
}
