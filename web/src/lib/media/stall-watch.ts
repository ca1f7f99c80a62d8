/**
 * Whether a tile's picture has stopped, decided from what the person sees: the frames the
 * <video> presents (`requestVideoFrameCallback`), not the hub's view of the camera. A picture
 * that presents no new frame for `STALL_AFTER_MS` is stalled until the next frame. Pure, with
 * the clock passed in, so the rule is tested without a browser.
 */

/** A 15 fps camera presents a frame every 67 ms; a second without one is a frozen picture. */
export const STALL_AFTER_MS = 1_000;

export class StallWatch {
  readonly #afterMs: number;
  /** When the last frame was presented; null before the first frame of the current picture. */
  #lastFrameAt: number | null = null;

  constructor(afterMs = STALL_AFTER_MS) {
    this.#afterMs = afterMs;
  }

  /** A new picture source: nothing presented yet, so nothing can be stalled. */
  reset(): void {
    this.#lastFrameAt = null;
  }

  /** A frame was presented at `now`; true when it ended a stall. */
  frame(now: number): boolean {
    const ended = this.stalled(now);
    this.#lastFrameAt = now;
    return ended;
  }

  stalled(now: number): boolean {
    return this.#lastFrameAt !== null && now - this.#lastFrameAt >= this.#afterMs;
  }

  /** Milliseconds until the picture counts as stalled if no frame comes; null when it cannot (no frame yet, or stalled already). */
  msUntilStall(now: number): number | null {
    if (this.#lastFrameAt === null || this.stalled(now)) return null;
    return this.#lastFrameAt + this.#afterMs - now;
  }
}
