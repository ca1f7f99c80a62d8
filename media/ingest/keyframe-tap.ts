/**
 * The keyframe tap of an ingest whose RTP goes straight into the mediasoup worker (RTSP over
 * UDP): a DirectTransport consumer of the camera's Producer that hands packets to Node only
 * while a keyframe is wanted, so the hub holds the camera's latest keyframe without reading
 * every packet in JavaScript.
 *
 * It leans on two things a mediasoup consumer does when resumed: it asks the producer for a
 * keyframe (RTCP PLI to the camera), and it forwards nothing until a keyframe starts. So:
 * - after each keyframe the tap pauses; a camera deaf to keyframe requests (KeyframeHearing)
 *   gets it resumed at once, and Node next sees the camera's next IDR — its packets only;
 * - a camera that obeys stays paused; a still asked for (`fresh()`), the periodic refresh
 *   (`refreshAfterMs`) and stall recovery resume it, and its answer arrives a frame or two later.
 * - while something needs every packet (a transcode fed from the tap, `holdOpen`), it stays resumed.
 * Each resume is a keyframe request, so it is also the probe that keeps the hearing current.
 *
 * Owns nothing: the consumer belongs to the session (closed with its transport).
 */
import type { types as ms } from 'mediasoup';
import { KeyframeHearing } from './keyframe-hearing.ts';
import type { Keyframe, KeyframeCatcher } from './keyframe.ts';

export interface KeyframeTapOptions {
  consumer: ms.Consumer;
  catcher: KeyframeCatcher;
  hearing: KeyframeHearing;
  /** Every packet the tap reads (liveness, a transcode's input). */
  onPacket: (packet: Buffer) => void;
  onKeyframe: (keyframe: Keyframe) => void;
  /** An obedient camera's keyframe is refreshed this often (the last picture of a camera that drops). */
  refreshAfterMs: number;
  now?: () => number;
}

/** How fresh a held keyframe of an obedient camera must be to answer a still without asking. */
const FRESH_MS = 1_000;
/** A still never waits longer than an answer may take and a tick to notice it did not come. */
const ANSWER_SLACK_MS = 300;

export class KeyframeTap {
  readonly #options: KeyframeTapOptions;
  readonly #now: () => number;
  /** What the tap last asked the worker for. */
  #resumed: boolean;
  #holds = 0;
  #lastKeyframeAt: number | undefined;
  #waiters: Array<() => void> = [];

  constructor(options: KeyframeTapOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    // A new consumer waits for a keyframe. Its first is no answer (a session starts with one):
    // the request made after it is the first probe.
    this.#resumed = !options.consumer.paused;
    options.consumer.on('rtp', (packet) => this.#onRtp(packet));
  }

  /** Reads every packet while held (a transcode's input); release with the returned function. */
  holdOpen(): () => void {
    this.#holds++;
    this.#resume();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds === 0) this.#rearm();
    };
  }

  /**
   * A keyframe that is current: at once while the tap keeps up by itself (it reads each
   * keyframe of a camera not known to obey), else after asking the camera — resolves when the
   * answer arrived, or at the latest when it would have (the camera is then deaf, and the tap
   * keeps reading its keyframes).
   */
  async fresh(): Promise<void> {
    if (this.#options.hearing.verdict !== 'obeys') return;
    const last = this.#lastKeyframeAt;
    if (last !== undefined && this.#now() - last < FRESH_MS) return;
    let timer: NodeJS.Timeout | undefined;
    // Bounded even if the camera stalls meanwhile (ticks, which judge the answer, pause then).
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.hearing.answerWithinMs + ANSWER_SLACK_MS)));
    await Promise.race([this.#ask(), late]);
    clearTimeout(timer);
  }

  /** Asks the camera for a keyframe now (a transcode's decoder starts on one). */
  ask(): void {
    void this.#ask();
  }

  /** The session ended: nothing more will come; whoever waits gets what is held. */
  close(): void {
    this.#options.hearing.withdraw();
    this.#settle();
  }

  /** Called twice a second or so: decides unanswered requests and the periodic refresh. */
  tick(): void {
    const now = this.#now();
    if (this.#options.hearing.check(now)) this.#settle();
    const last = this.#lastKeyframeAt;
    if (this.#options.hearing.verdict === 'obeys' && !this.#resumed && last !== undefined && now - last >= this.#options.refreshAfterMs) void this.#ask();
  }

  #ask(): Promise<void> {
    const answered = new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#resumed) {
      this.#options.hearing.asked(this.#now());
      this.#options.consumer.requestKeyFrame().catch(() => undefined);
    } else {
      this.#resume();
    }
    return answered;
  }

  #onRtp(packet: Buffer): void {
    this.#options.onPacket(packet);
    const keyframe = this.#options.catcher.push(packet);
    if (!keyframe) return;
    this.#lastKeyframeAt = this.#now();
    this.#options.hearing.keyframe(this.#lastKeyframeAt);
    this.#options.onKeyframe(keyframe);
    this.#settle();
    if (this.#holds === 0) this.#rearm();
  }

  #settle(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** After a keyframe: stop reading; a camera that may not answer requests is waited on again at once. */
  #rearm(): void {
    if (this.#waiters.length > 0) return; // Someone waits for the next keyframe.
    this.#pause();
    if (this.#options.hearing.verdict !== 'obeys') this.#resume();
  }

  #resume(): void {
    if (this.#resumed || this.#options.consumer.closed) return;
    this.#resumed = true;
    this.#options.hearing.asked(this.#now());
    // The worker handles a consumer's requests in order: a pause just sent is undone by this.
    this.#options.consumer.resume().catch(() => undefined);
  }

  #pause(): void {
    if (!this.#resumed || this.#options.consumer.closed) return;
    this.#resumed = false;
    this.#options.consumer.pause().catch(() => undefined);
  }
}
