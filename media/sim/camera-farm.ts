/**
 * A farm of simulated IP cameras, each an RTSP server on its own 127.0.0.1 port, so one can go
 * offline (stop) and come back with a new RTP session (restart) on its own.
 *
 *   const farm = new CameraFarm();
 *   await farm.start([{ id: 'cam-1', name: '광산구 첨단로 교차로', port: 0 }]);
 *   farm.url('cam-1'); // rtsp://127.0.0.1:<port>/stream
 *   await farm.close();
 *
 * The farm owns its cameras; close() stops every process and waits for it to exit.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { SimError } from './errors.ts';
import { SIM_HOST, SimCamera, type SimCameraExit, type SimCameraSpec, type SimCameraStats } from './sim-camera.ts';

/** Cameras started at once: one per core (at least two). */
const START_CONCURRENCY = Math.max(2, availableParallelism());

export { SIM_CODECS, type SimCameraExit, type SimCameraSpec, type SimCameraStats, type SimCodec } from './sim-camera.ts';
export { SimError, type SimErrorCode } from './errors.ts';

export interface CameraFarmOptions {
  /** Python with python3-gi and GstRtspServer; default Debian's /usr/bin/python3. */
  python?: string;
  /**
   * How long a starting camera may make no progress (no CPU time charged to it or its helper
   * processes, no output) before it is given up, default 10 s. However long a busy or fresh
   * machine makes a start, a camera that keeps moving is waited for.
   */
  startStallMs?: number;
  /** How long a camera may take to exit after SIGTERM before SIGKILL, default 3 s. */
  stopTimeoutMs?: number;
  /** Time zone of the clock burnt into the picture, default Asia/Seoul (like the real cameras). */
  timeZone?: string;
}

export interface CameraFarmEvents {
  /** A camera listens (after start or restart). */
  ready: [id: string, url: string];
  /** A camera process exited; `expected` is false when it died on its own. */
  exit: [id: string, exit: SimCameraExit];
  /** A diagnostic line from a camera process's stderr. */
  log: [id: string, line: string];
}

export class CameraFarm extends EventEmitter<CameraFarmEvents> {
  readonly #options: Required<CameraFarmOptions>;
  readonly #cameras = new Map<string, SimCamera>();
  #closing: Promise<void> | undefined;

  constructor(options: CameraFarmOptions = {}) {
    super();
    this.#options = {
      python: options.python ?? '/usr/bin/python3',
      startStallMs: options.startStallMs ?? 10_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 3_000,
      timeZone: options.timeZone ?? 'Asia/Seoul',
    };
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Ids of all cameras, running or stopped. */
  ids(): string[] {
    return [...this.#cameras.keys()];
  }

  /**
   * Adds and starts cameras; resolves when every one's RTSP port accepts connections. If any
   * fails, the cameras of this call are stopped and forgotten, and the first error is thrown.
   */
  async start(specs: readonly SimCameraSpec[]): Promise<void> {
    this.#assertOpen();
    const seen = new Set<string>();
    for (const spec of specs) {
      if (this.#cameras.has(spec.id) || seen.has(spec.id)) {
        throw new SimError('ERR_SIM_DUPLICATE_CAMERA', `camera ${spec.id} already exists`, spec.id);
      }
      seen.add(spec.id);
    }
    const cameras = specs.map((spec) => new SimCamera(spec, this.#options));
    for (const camera of cameras) this.#adopt(camera);
    // A few at a time: sixteen GStreamer start-ups at once only share two cores, and the first
    // pictures come sooner when some cameras finish than when all are half-way.
    const results: Array<PromiseSettledResult<void>> = new Array(cameras.length);
    let next = 0;
    const worker = async () => {
      while (next < cameras.length) {
        const i = next++;
        results[i] = await cameras[i]!.start().then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason: unknown) => ({ status: 'rejected' as const, reason })
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(cameras.length, START_CONCURRENCY) }, worker));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(cameras.map((camera) => this.#forget(camera)));
      throw failure.reason;
    }
  }

  /** The camera's RTSP URL (rtsp://127.0.0.1:<port>/stream). */
  url(id: string): string {
    return this.#get(id).url;
  }

  stats(id: string): SimCameraStats {
    return this.#get(id).stats;
  }

  /** Takes a camera offline: its process is killed and its port closes. */
  async stop(id: string): Promise<void> {
    this.#assertOpen();
    await this.#get(id).stop();
  }

  /**
   * Stalls a running camera for `ms`: its RTP stops while its RTSP session stays up (the
   * network drops the packets, the camera does not notice). Resolves when frames flow again.
   */
  async stall(id: string, ms: number): Promise<void> {
    this.#assertOpen();
    await this.#get(id).stall(ms);
  }

  /** Brings a camera back on the same port (a fresh process, so a new RTP session). */
  async restart(id: string): Promise<void> {
    this.#assertOpen();
    const camera = this.#get(id);
    await camera.stop();
    await camera.start();
  }

  /** Stops every camera and waits for every process to exit. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#cameras.values()].map((camera) => camera.close()));
      this.#cameras.clear();
    })();
    return this.#closing;
  }

  #adopt(camera: SimCamera): void {
    this.#cameras.set(camera.id, camera);
    camera.on('ready', (url) => this.emit('ready', camera.id, url));
    camera.on('exit', (exit) => this.emit('exit', camera.id, exit));
    camera.on('log', (line) => this.emit('log', camera.id, line));
  }

  async #forget(camera: SimCamera): Promise<void> {
    await camera.close();
    if (this.#cameras.get(camera.id) === camera) this.#cameras.delete(camera.id);
  }

  #get(id: string): SimCamera {
    const camera = this.#cameras.get(id);
    if (!camera) throw new SimError('ERR_SIM_UNKNOWN_CAMERA', `no camera ${id}`, id);
    return camera;
  }

  #assertOpen(): void {
    if (this.#closing) throw new SimError('ERR_SIM_CLOSED', 'camera farm is closed');
  }
}

/**
 * A port on 127.0.0.1 that was free a moment ago (for tests that need to know a port before
 * starting a camera; a spec with port 0 avoids the race entirely).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, SIM_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true if something accepts TCP connections on 127.0.0.1:`port`. */
export function portAccepts(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: SIM_HOST, port });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
