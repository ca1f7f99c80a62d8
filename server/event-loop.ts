/**
 * How late the event loop runs, as a metric: the loop that answers requests also relays camera
 * RTP, so a handler that holds it delays pictures. Sampled by Node's own timer histogram; each
 * read covers the window since the previous read and starts a new one, so a benchmark reads
 * the p99 of its own interval by reading once before and once after (GET /metrics twice).
 * Sampled only while the hub serves someone — a session is connected, or an HTTP request came in
 * the last `SERVED_LINGER_MS` (an API caller, an LPR system, a scrape): with nobody served, each
 * sample is a wakeup (≈0.2 % of a core at 50 a second on this VM) for a figure nobody waits on,
 * and a loop with no work to do is never late.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The sampling timer's period: the handler budget (20 ms), so every handler over budget delays a
 * sample. Each sample wakes the process; at 10 ms that was ≈1 % of a core for an idle hub, as
 * much as the rest of it together. The histogram records whole periods, so it is taken off again.
 */
const RESOLUTION_MS = 20;
const NS_PER_MS = 1e6;
/** Sampling goes on this long after the last HTTP request. */
const SERVED_LINGER_MS = 10_000;

export interface DelayWindow {
  /** Delay beyond the sampling period, ms; 0 when nothing was sampled. */
  p50: number;
  p99: number;
  max: number;
  /** Samples in the window (none while nobody was served). */
  samples: number;
  windowMs: number;
}

export class EventLoopDelay {
  readonly #histogram: IntervalHistogram;
  readonly #now: () => number;
  #since: number;
  #sessions = 0;
  /** Runs from an HTTP request until `lingerMs` after the last one (made once, then refreshed). */
  #linger: NodeJS.Timeout | undefined;
  #lingering = false;

  readonly #lingerMs: number;

  constructor({ now = () => performance.now(), lingerMs = SERVED_LINGER_MS }: { now?: () => number; lingerMs?: number } = {}) {
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#now = now;
    this.#since = now();
    this.#lingerMs = lingerMs;
  }

  /** Whether samples are being taken now. */
  get sampling(): boolean {
    return this.#sessions > 0 || this.#lingering;
  }

  /** Sessions connected now: sampled while there is any. */
  sessions(count: number): void {
    this.#sessions = count;
    this.#update();
  }

  /** An HTTP request arrived: sampled until `lingerMs` after the last one. */
  request(): void {
    if (this.#linger) this.#linger.refresh();
    else this.#linger = setTimeout(() => this.#lingerEnded(), this.#lingerMs).unref();
    if (this.#lingering) return;
    this.#lingering = true;
    this.#update();
  }

  /** The window since the last call (or since start); the next window starts now. */
  take(): DelayWindow {
    const h = this.#histogram;
    const delay = (ns: number) => (h.count === 0 ? 0 : Math.round(Math.max(0, ns / NS_PER_MS - RESOLUTION_MS) * 100) / 100);
    const now = this.#now();
    const window: DelayWindow = { p50: delay(h.percentile(50)), p99: delay(h.percentile(99)), max: delay(h.max), samples: h.count, windowMs: Math.round(now - this.#since) };
    h.reset();
    this.#since = now;
    return window;
  }

  close(): void {
    clearTimeout(this.#linger);
    this.#histogram.disable();
  }

  #lingerEnded(): void {
    this.#lingering = false;
    this.#update();
  }

  #update(): void {
    if (this.sampling) this.#histogram.enable();
    else this.#histogram.disable();
  }
}
