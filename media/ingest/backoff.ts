/**
 * Retry policy for a camera that is offline or dropped. Most drops are short (a network blip,
 * a camera reboot), so the first seconds of an outage retry fast: the picture is back as soon
 * as the camera answers. Only then does exponential back-off with jitter take over, so a
 * control centre's cameras coming back after a power cut are not all hit at the same instant.
 */
export interface BackoffOptions {
  /** First delay of the slow phase; doubles per attempt up to `maxMs`. */
  initialMs: number;
  maxMs: number;
  /** 0…1: the share of each delay that is randomised. */
  jitter: number;
  /** Delay between attempts during the fast phase (default: no fast phase). */
  fastMs?: number;
  /** How long the fast phase lasts from the start of an outage, ms (0: none). */
  fastForMs?: number;
  random?: () => number;
}

export class Backoff {
  readonly #options: Required<BackoffOptions>;

  constructor(options: BackoffOptions) {
    this.#options = { random: Math.random, fastMs: 0, fastForMs: 0, ...options };
  }

  /** The retry schedule of one outage that began at `startedAt` (ms, any clock the caller keeps using). */
  schedule(startedAt: number): RetrySchedule {
    return new RetrySchedule(this.#options, startedAt);
  }
}

export class RetrySchedule {
  readonly #options: Required<BackoffOptions>;
  readonly #startedAt: number;
  #slowAttempts = 0;

  constructor(options: Required<BackoffOptions>, startedAt: number) {
    this.#options = options;
    this.#startedAt = startedAt;
  }

  /** Whether an attempt at `now` still belongs to the fast phase. */
  fast(now: number): boolean {
    return this.#options.fastMs > 0 && now - this.#startedAt < this.#options.fastForMs;
  }

  /** Delay before the next attempt, asked at `now` (after the previous attempt failed). */
  next(now: number): number {
    const { initialMs, maxMs, jitter, random, fastMs } = this.#options;
    // Jitter only shortens a fast delay: the fast phase promises attempts at most fastMs apart.
    if (this.fast(now)) return Math.round(fastMs * (1 - jitter * random()));
    const base = Math.min(maxMs, initialMs * 2 ** this.#slowAttempts++);
    return Math.round(base * (1 - jitter + jitter * random()));
  }
}
