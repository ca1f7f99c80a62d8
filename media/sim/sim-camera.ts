/**
 * One simulated IP camera: a `rtsp_camera.py` process (GStreamer RTSP server + x264 on its own
 * port) fed with raw I420 frames painted here on a drift-free schedule, each stamped with the
 * timestamp strip just before it is written. Frames are painted only while an RTSP client pulls
 * the stream (the process says `PULL 1` / `PULL 0`): sixteen unwatched cameras painting and
 * piping 15 frames a second each took CPU from the hub and the browsers on the same cores. A real
 * camera's encoder is not on this machine, so an unwatched simulated one should cost nothing.
 *
 * Owned by CameraFarm; reports to it through events and never reaches back. Lifecycle calls
 * (start, stop, close) are serialised, so a restart cannot overlap a stop.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { writeStripI420 } from '../strip.ts';
import { SimError } from './errors.ts';
import { FramePainter, cameraSeed } from './frames.ts';
import { describeStall, StartWatch } from './start-watch.ts';

/** Cameras only ever listen on loopback. */
export const SIM_HOST = '127.0.0.1';
export const SIM_PATH = '/stream';

/**
 * What a simulated camera sends (rtsp_camera.py's ENCODERS): constrained-baseline H.264 (the
 * default), the Main and High profiles IP cameras default to, High with B-frames, H.265 Main
 * and H.265 Main 10. Every kind obeys keyframe requests.
 */
export const SIM_CODECS = ['h264-baseline', 'h264-main', 'h264-high', 'h264-bframes', 'h265', 'h265-main10'] as const;
export type SimCodec = (typeof SIM_CODECS)[number];

export interface SimCameraSpec {
  /** Stable id (the hub's camera id). */
  id: string;
  /** Display name burnt into the picture; any Unicode (Korean is fine). */
  name: string;
  /** RTSP port on 127.0.0.1; 0 picks a free one at first start and keeps it for restarts. */
  port: number;
  fps?: number;
  width?: number;
  height?: number;
  /** Encoder bitrate, kbit/s. */
  bitrateKbps?: number;
  /** Default `h264-baseline`. */
  codec?: SimCodec;
  /** How a camera keys its stream (default: an IDR every second, and on every PLI/FIR). */
  keyframes?: SimKeyframes;
}

/** A real camera's keyframe habits: its GOP, and whether it answers keyframe requests. */
export interface SimKeyframes {
  /** Frames between IDRs (default: fps, one per second); 60 at 15 fps is a 4 s GOP. */
  gopFrames?: number;
  /** Many cameras ignore RTCP PLI/FIR: a viewer then waits for the next IDR. */
  ignoreRequests?: boolean;
}

export interface SimCameraOptions {
  /** Debian's python with python3-gi; not a pyenv/venv python. */
  python: string;
  /** A starting camera that makes no progress this long is given up (see StartWatch). */
  startStallMs: number;
  stopTimeoutMs: number;
  /** For the clock overlay (TZ of the camera process). */
  timeZone: string;
}

export type SimCameraState = 'stopped' | 'starting' | 'running' | 'stopping' | 'closed';

export interface SimCameraExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the farm asked for it (stop, restart, close). */
  expected: boolean;
}

export interface SimCameraStats {
  state: SimCameraState;
  pid: number | undefined;
  port: number;
  framesWritten: number;
  /** Frames not written because the previous one was still in the pipe. */
  framesSkipped: number;
  /** Frames held back by a stall fault. */
  framesStalled: number;
  /** An RTSP client pulls the stream, so frames are painted and written. */
  pulled: boolean;
}

export interface SimCameraEvents {
  ready: [url: string];
  exit: [exit: SimCameraExit];
  log: [line: string];
}

const SCRIPT = fileURLToPath(new URL('./rtsp_camera.py', import.meta.url));
const STDERR_LINES_KEPT = 20;

type CameraProcess = ChildProcessByStdio<Writable, Readable, Readable>;

export class SimCamera extends EventEmitter<SimCameraEvents> {
  readonly id: string;
  readonly name: string;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly codec: SimCodec;
  readonly #bitrateKbps: number;
  readonly #keyframes: SimKeyframes;
  readonly #options: SimCameraOptions;
  readonly #painter: FramePainter;
  readonly #frame: Uint8Array;
  #port: number;
  #state: SimCameraState = 'stopped';
  #child: CameraProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  /** A client pulls the stream (the process's last PULL line), so the frame clock runs. */
  #pulled = false;
  /** performance.now() when the process started: the picture's motion runs from it, pulled or not. */
  #epoch = 0;
  #writing = false;
  #framesWritten = 0;
  #framesSkipped = 0;
  #framesStalled = 0;
  /** performance.now() until which no frame is written (a stall fault). */
  #stalledUntil = 0;
  #stderr: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(spec: SimCameraSpec, options: SimCameraOptions) {
    super();
    validateSpec(spec);
    this.id = spec.id;
    this.name = spec.name;
    this.fps = spec.fps ?? 15;
    this.width = spec.width ?? 640;
    this.height = spec.height ?? 360;
    this.#bitrateKbps = spec.bitrateKbps ?? 1000;
    this.codec = spec.codec ?? 'h264-baseline';
    this.#keyframes = spec.keyframes ?? {};
    this.#port = spec.port;
    this.#options = options;
    this.#painter = new FramePainter({ width: this.width, height: this.height, seed: cameraSeed(spec.id) });
    this.#frame = this.#painter.allocate();
  }

  get state(): SimCameraState {
    return this.#state;
  }

  /** The RTSP URL; its port is known once the camera has started (or was given). */
  get url(): string {
    if (this.#port === 0) throw new SimError('ERR_SIM_NOT_RUNNING', `camera ${this.id} has no port yet`, this.id);
    return `rtsp://${SIM_HOST}:${this.#port}${SIM_PATH}`;
  }

  get stats(): SimCameraStats {
    return {
      state: this.#state,
      pid: this.#child?.pid,
      port: this.#port,
      framesWritten: this.#framesWritten,
      framesSkipped: this.#framesSkipped,
      framesStalled: this.#framesStalled,
      pulled: this.#pulled,
    };
  }

  /** Starts the camera process; resolves once its RTSP port accepts connections. */
  start(): Promise<void> {
    return this.#serial(() => this.#start());
  }

  /** Kills the camera process (its port closes) and waits for it to exit. */
  stop(): Promise<void> {
    return this.#serial(() => this.#stop());
  }

  /**
   * A network stall: no frame reaches the encoder for `ms`, so RTP stops while the RTSP
   * session and the process stay up. Resolves when frames flow again.
   */
  async stall(ms: number): Promise<void> {
    if (this.#state !== 'running') throw new SimError('ERR_SIM_NOT_RUNNING', `camera ${this.id} is not running`, this.id);
    if (!(ms > 0)) throw new SimError('ERR_SIM_INVALID_SPEC', `stall of ${ms} ms`, this.id);
    this.#stalledUntil = Math.max(this.#stalledUntil, performance.now() + ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Stops for good; idempotent. */
  close(): Promise<void> {
    return this.#serial(async () => {
      await this.#stop();
      this.#state = 'closed';
      this.removeAllListeners();
    });
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #start(): Promise<void> {
    if (this.#state === 'closed') throw new SimError('ERR_SIM_CLOSED', `camera ${this.id} is closed`, this.id);
    if (this.#state === 'running') return;
    this.#state = 'starting';
    this.#stderr = [];
    this.#writing = false;
    this.#pulled = false;
    this.#stalledUntil = 0;
    this.#epoch = performance.now();
    const env = { ...process.env };
    delete env.PYTHONHOME;
    delete env.PYTHONPATH;
    env.TZ = this.#options.timeZone;
    const child = spawn(
      this.#options.python,
      [
        SCRIPT,
        ...['--address', SIM_HOST, '--port', String(this.#port), '--path', SIM_PATH],
        ...['--name', this.name, '--width', String(this.width), '--height', String(this.height)],
        ...['--fps', String(this.fps), '--bitrate', String(this.#bitrateKbps), '--codec', this.codec],
        ...keyframeArgs(this.#keyframes),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'], env },
    );
    this.#child = child;
    // EPIPE when the process dies mid-write; the exit handler reports the death.
    child.stdin.on('error', () => undefined);
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES_KEPT) this.#stderr.shift();
      this.emit('log', line);
    });
    this.#exited = new Promise((resolve) => {
      let done = false;
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (done) return;
        done = true;
        const expected = this.#state === 'stopping';
        if (this.#child === child) {
          this.#child = undefined;
          this.#pulled = false;
          this.#stopClock();
          if (this.#state === 'running') this.#state = 'stopped';
        }
        this.emit('exit', { code, signal, expected });
        resolve();
      };
      child.once('exit', onExit);
      // A process that could not be spawned (no pid) may never emit 'exit'.
      child.once('error', () => {
        if (child.pid === undefined) onExit(null, null);
      });
    });

    const lines = createInterface({ input: child.stdout });
    const ready = this.#waitReady(child, lines);
    lines.on('line', (line) => {
      const pull = /^PULL ([01])$/.exec(line.trim());
      if (pull && this.#child === child) this.#setPulled(pull[1] === '1');
    });
    try {
      const port = await ready;
      if (this.#port === 0) this.#port = port;
    } catch (error) {
      this.#state = 'stopping';
      child.kill('SIGKILL');
      await this.#exited;
      this.#state = 'stopped';
      throw error;
    }
    this.#state = 'running';
    // A client that connected between READY and now is already pulling.
    if (this.#pulled) this.#startClock();
    this.emit('ready', this.url);
  }

  #setPulled(pulled: boolean): void {
    if (pulled === this.#pulled) return;
    this.#pulled = pulled;
    if (pulled) this.#startClock();
    else this.#stopClock();
  }

  /** Resolves with the port from the process's `READY <port>` line. */
  #waitReady(child: CameraProcess, lines: ReturnType<typeof createInterface>): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (reason: string, cause?: unknown): void => {
        cleanup();
        const tail = this.#stderr.length ? `\n${this.#stderr.join('\n')}` : '';
        reject(new SimError('ERR_SIM_START_FAILED', `camera ${this.id}: ${reason}${tail}`, this.id, { cause }));
      };
      const onLine = (line: string): void => {
        const match = /^READY (\d+)$/.exec(line.trim());
        if (!match) return watch.progress();
        cleanup();
        resolve(Number(match[1]));
      };
      // 'close' rather than 'exit': stderr has drained, so the reason is in the message.
      const onClose = (code: number | null, signal: NodeJS.Signals | null): void =>
        fail(`process exited before ready (code ${code}, signal ${signal})`);
      const onError = (error: Error): void => fail(`cannot run ${this.#options.python}: ${error.message}`, error);
      const onLog = (): void => watch.progress();
      const watch = new StartWatch(child.pid, this.#options.startStallMs, (stall) => fail(`not ready: ${describeStall(stall)}`));
      const cleanup = (): void => {
        watch.stop();
        lines.off('line', onLine);
        this.off('log', onLog);
        child.off('close', onClose);
        child.off('error', onError);
      };
      lines.on('line', onLine);
      this.on('log', onLog);
      child.once('close', onClose);
      child.once('error', onError);
    });
  }

  async #stop(): Promise<void> {
    const child = this.#child;
    if (!child) {
      if (this.#state !== 'closed') this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    this.#stopClock();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), this.#options.stopTimeoutMs);
    await this.#exited;
    clearTimeout(killer);
    this.#state = 'stopped';
  }

  /**
   * While running and pulled, frame n is due at origin + n·period (no setInterval drift), the
   * first at once: a media answers its client only once the encoder has had a frame. A late tick
   * skips the slots it missed rather than bursting; a frame whose predecessor is still in the
   * pipe is skipped.
   */
  #startClock(): void {
    if (this.#timer !== undefined || this.#state !== 'running' || !this.#pulled) return;
    const period = 1000 / this.fps;
    const origin = performance.now();
    let slot = 0;
    const tick = (): void => {
      this.#timer = undefined;
      if (this.#state !== 'running' || !this.#pulled) return;
      this.#sendFrame(origin + slot * period - this.#epoch);
      const now = performance.now();
      slot = Math.max(slot + 1, Math.floor((now - origin) / period) + 1);
      this.#timer = setTimeout(tick, Math.max(0, origin + slot * period - now));
    };
    this.#timer = setTimeout(tick, 0);
  }

  #stopClock(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #sendFrame(elapsedMs: number): void {
    const stdin = this.#child?.stdin;
    // write()'s return value cannot tell: a frame is larger than the stream's highWaterMark,
    // so it is always false. The write callback says when the bytes reached the pipe, which
    // is also when the buffer may be reused.
    if (performance.now() < this.#stalledUntil) {
      this.#framesStalled++;
      return;
    }
    if (!stdin || !stdin.writable || this.#writing) {
      this.#framesSkipped++;
      return;
    }
    this.#painter.paint(this.#frame, elapsedMs);
    writeStripI420(this.#frame, this.width, this.height, Date.now());
    this.#writing = true;
    stdin.write(this.#frame, () => {
      if (this.#child?.stdin === stdin) this.#writing = false;
    });
    this.#framesWritten++;
  }
}

function keyframeArgs({ gopFrames, ignoreRequests }: SimKeyframes): string[] {
  return [...(gopFrames ? ['--gop', String(gopFrames)] : []), ...(ignoreRequests ? ['--ignore-keyframe-requests'] : [])];
}

function validateSpec(spec: SimCameraSpec): void {
  const problems: string[] = [];
  if (typeof spec.id !== 'string' || spec.id.length === 0) problems.push('id must be a non-empty string');
  if (typeof spec.name !== 'string' || spec.name.length === 0) problems.push('name must be a non-empty string');
  if (!Number.isInteger(spec.port) || spec.port < 0 || spec.port > 65535) problems.push(`port ${spec.port} out of range`);
  if (spec.fps !== undefined && !(Number.isInteger(spec.fps) && spec.fps >= 1 && spec.fps <= 60)) problems.push(`fps ${spec.fps} must be 1–60`);
  for (const key of ['width', 'height'] as const) {
    const value = spec[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 96 && value <= 1920 && value % 2 === 0)) {
      problems.push(`${key} ${value} must be an even integer 96–1920`);
    }
  }
  if (spec.codec !== undefined && !SIM_CODECS.includes(spec.codec)) problems.push(`codec ${String(spec.codec)} must be one of ${SIM_CODECS.join(', ')}`);
  const gop = spec.keyframes?.gopFrames;
  if (gop !== undefined && !(Number.isInteger(gop) && gop >= 1 && gop <= 600)) problems.push(`gopFrames ${gop} must be 1–600`);
  if (problems.length) throw new SimError('ERR_SIM_INVALID_SPEC', `camera ${spec.id}: ${problems.join('; ')}`, spec.id);
}
