/**
 * How late the event loop runs, as a metric: the loop that answers requests also relays camera
 * RTP, so a handler that holds it delays pictures. Sampled by Node's own timer histogram; each
 * read covers the window since the previous read and starts a new one, so a benchmark reads
 * the p99 of its own interval by reading once before and once after (GET /metrics twice).
 * Sampled only while someone is connected (`sampling`): with nobody to serve, each sample is a
 * wakeup for a figure nobody waits on, and the idle hub's largest cost.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The sampling timer's period: the handler budget (20 ms), so every handler over budget delays a
 * sample. Each sample wakes the process; at 10 ms that was ≈1 % of a core for an idle hub, as
 * much as the rest of it together. The histogram records whole periods, so it is taken off again.
 */
const RESOLUTION_MS = 20;
const NS_PER_MS = 1e6;

export interface DelayWindow {
  /** Delay beyond the sampling period, ms; 0 when nothing was sampled. */
  p50: number;
  p99: number;
  max: number;
  /** Samples in the window (none while nobody was connected). */
  samples: number;
  windowMs: number;
}

export class EventLoopDelay {
  readonly #histogram: IntervalHistogram;
  readonly #now: () => number;
  #since: number;

  constructor(now: () => number = () => performance.now()) {
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#now = now;
    this.#since = now();
  }

  /** Samples while `on` (a session is connected); a window read while off has no samples. */
  sampling(on: boolean): void {
    if (on) this.#histogram.enable();
    else this.#histogram.disable();
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
    this.#histogram.disable();
  }
}
