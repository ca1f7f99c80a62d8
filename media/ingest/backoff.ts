/**
 * Retry policy for a camera that is offline or dropped: exponential back-off with jitter, so a
 * control centre's cameras coming back after a power cut are not all hit at the same instant.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0…1: the share of each delay that is randomised. */
  jitter: number;
  random?: () => number;
}

export class Backoff {
  readonly #options: Required<BackoffOptions>;

  constructor(options: BackoffOptions) {
    this.#options = { random: Math.random, ...options };
  }

  /** Delay before attempt number `attempt` (1 = first retry). */
  delayMs(attempt: number): number {
    const { initialMs, maxMs, jitter, random } = this.#options;
    const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(base * (1 - jitter + jitter * random()));
  }
}
