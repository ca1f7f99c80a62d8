/**
 * Whether a camera answers keyframe requests, learnt from the requests the keyframe tap makes
 * anyway (each time it waits for a keyframe it asks for one). A keyframe that comes within
 * `answerWithinMs` of a request answered it; a request left unanswered that long means the
 * camera is deaf to them. Every request is a new probe, so a camera that changes its mind (a
 * firmware setting, a different stream) is re-judged on the tap's next wait.
 *
 * A deaf camera whose GOP is shorter than `answerWithinMs` passes for obedient: harmless, its
 * next keyframe is no further away than an answer would be.
 */
export type Hearing = 'unknown' | 'obeys' | 'deaf';

/** mediasoup asks a producer for a keyframe again when one has not come within 1 s: the same bound. */
export const KEYFRAME_ANSWER_MS = 1_000;

export class KeyframeHearing {
  readonly answerWithinMs: number;
  #verdict: Hearing = 'unknown';
  /** When the oldest unanswered request went out. */
  #askedAt: number | undefined;

  constructor(answerWithinMs = KEYFRAME_ANSWER_MS) {
    this.answerWithinMs = answerWithinMs;
  }

  get verdict(): Hearing {
    return this.#verdict;
  }

  /** Whether a request is waiting for its answer. */
  get asking(): boolean {
    return this.#askedAt !== undefined;
  }

  /** A keyframe request went to the camera at `now` (ms). An earlier unanswered one keeps its time. */
  asked(now: number): void {
    this.#askedAt ??= now;
  }

  /** A keyframe arrived at `now`: it answers the outstanding request, if any. */
  keyframe(now: number): void {
    if (this.#askedAt === undefined) return;
    this.#verdict = now - this.#askedAt <= this.answerWithinMs ? 'obeys' : 'deaf';
    this.#askedAt = undefined;
  }

  /** The outstanding request can no longer be answered (its RTSP session ended): it judges nothing. */
  withdraw(): void {
    this.#askedAt = undefined;
  }

  /** Time passes: a request unanswered for `answerWithinMs` makes the camera deaf. True when one just went unanswered. */
  check(now: number): boolean {
    if (this.#askedAt === undefined || now - this.#askedAt <= this.answerWithinMs) return false;
    this.#askedAt = undefined;
    this.#verdict = 'deaf';
    return true;
  }
}
