/**
 * One tile's picture: holds a lease on a camera's feed, shows the feed's track in the tile's
 * <video>, and measures what the operator sees on every frame the video presents
 * (`requestVideoFrameCallback`): frame rate, time to first frame, the glass-to-glass delay
 * read from the timestamp strip, and whether the picture has stopped (`stalled`).
 *
 * The tile never goes black: before the video's source changes (the camera dropped, or came
 * back with a new stream) its last frame is copied into the tile's still canvas, which covers
 * the video until a frame of the new stream is presented. `close()` stops the frame loop,
 * detaches the video and releases the lease.
 *
 * Picture first: on opening, the tile asks the hub for the camera's latest keyframe and, if
 * no live frame has come meanwhile, decodes it into the still canvas, labelled with its time
 * (a camera that ignores keyframe requests would otherwise leave the tile empty for a GOP; an
 * offline camera shows its last picture).
 */
import { stripAgeMs } from '$strip';
import type { CameraState, MediaPath } from '$protocol/events.ts';
import type { AppError } from '$lib/errors/app-error.ts';
import type { FeedStatus } from './camera-feed.ts';
import { drawKeyframe } from './keyframe-still.ts';
import type { FeedLease } from './media-session.ts';
import { median, RingBuffer } from './rolling.ts';
import { StallWatch } from './stall-watch.ts';
import { StripReader } from './strip-reader.ts';
import type { TileState } from './tile-state.ts';

export interface TileStatus {
  state: TileState;
  cameraState: CameraState | null;
  error: AppError | null;
  retryAt: number | null;
  /** The path of the picture on screen (원본 / 변환), null while there is none. */
  path: MediaPath | null;
  /** While the tile shows a keyframe still from the hub: when that picture was taken (ms since epoch, this clock). */
  stillTakenAt: number | null;
}

/** The tile's elements a stream draws into. */
export interface TileSurface {
  video: HTMLVideoElement;
  /** Holds the last picture while the video has none; shown by clearing `hidden`. */
  still: HTMLCanvasElement;
}

export interface TileStats {
  cameraId: string;
  state: TileState;
  /** RTCRtpReceiver `inbound-rtp` framesDecoded, summed over the camera's stream restarts (1 Hz). */
  framesDecoded: number;
  framesDropped: number;
  packetsLost: number;
  jitterBufferMs: number | null;
  /** Recent glass-to-glass delays (strip stamp → the frame's expected display time), ms, oldest first. */
  delays: number[];
  /** Recent receive delays (strip stamp → the frame's last packet in the browser), ms. */
  receiveDelays: number[];
  /** Delay samples ever taken, so a poller can pick only the new ones off `delays`. */
  delayCount: number;
  /** Median of the last 15 delays, ms. */
  delayMs: number | null;
  receiveDelayMs: number | null;
  /** Frames presented per second over the last second (0 before it is measured). */
  fps: number;
  /** `camera:watch` request → first presented frame, ms. */
  firstFrameMs?: number;
  width: number;
  height: number;
  /** Whether frames carry a readable timestamp strip. */
  hasStrip: boolean;
  /** How often the picture stalled (stopped for `STALL_AFTER_MS` while the stream was up). */
  stalls: number;
  /** Whether the tile shows a held still (the last picture) instead of the video. */
  holding: boolean;
  /** The path of the picture on screen (원본 passthrough / 변환 transcode), null while there is none. */
  path: MediaPath | null;
  /** `camera:watch` request → the hub's keyframe still on screen, ms (absent if none was shown). */
  stillShownMs?: number;
  /** How old that still was when it arrived, ms. */
  stillAgeMs?: number;
}

export type TileBrief = Pick<TileStats, 'delayMs' | 'receiveDelayMs' | 'framesDecoded' | 'hasStrip' | 'width' | 'height'> & {
  /** Frames per second, null until measured (a picture that just came, e.g. after a hand-off, is not "0 fps"). */
  fps: number | null;
};

const SAMPLE_CAPACITY = 900; // 60 s at 15 fps
const SMOOTHING = 15;
const FPS_WINDOW_MS = 1_000;
/** After this many frames without a strip (a real camera), read only every `SPARSE_EVERY`-th. */
const NO_STRIP_STREAK = 30;
const SPARSE_EVERY = 15;
/** A checksum can pass on random pixels once in 256 reads; ages outside this are misreads. */
const PLAUSIBLE_AGE_MS = { min: -1_000, max: 60_000 };

export class TileStream {
  readonly cameraId: string;
  readonly #lease: FeedLease;
  readonly #video: HTMLVideoElement;
  readonly #still: HTMLCanvasElement;
  readonly #onStatus: (status: TileStatus) => void;
  readonly #reader = new StripReader();
  readonly #offFeed: () => void;
  #closed = false;

  #track: MediaStreamTrack | null = null;
  #feedStatus: FeedStatus;
  /** Whether a frame of the current track has been presented. */
  #framing = false;
  #frameHandle: number | null = null;
  readonly #stall = new StallWatch();
  #stallTimer: ReturnType<typeof setTimeout> | undefined;
  #stalls = 0;

  readonly #delays = new RingBuffer(SAMPLE_CAPACITY);
  readonly #receiveDelays = new RingBuffer(SAMPLE_CAPACITY);
  #firstFrameMs: number | undefined;
  #frames = 0;
  #noStripStreak = 0;
  #hasStrip = false;
  readonly #fpsWindow: Array<{ time: number; presented: number }> = [];
  #width = 0;
  #height = 0;
  /** The keyframe still on screen: when it was taken (this clock), or null. */
  #stillTakenAt: number | null = null;
  #stillShownMs: number | undefined;
  #stillAgeMs: number | undefined;

  constructor(lease: FeedLease, surface: TileSurface, onStatus: (status: TileStatus) => void) {
    this.cameraId = lease.feed.cameraId;
    this.#lease = lease;
    this.#video = surface.video;
    this.#still = surface.still;
    this.#onStatus = onStatus;
    this.#feedStatus = lease.feed.status;
    this.#offFeed = lease.feed.onStatus((status) => this.#applyFeed(status));
    this.#applyFeed(this.#feedStatus);
    this.#requestFrame();
    void this.#showStill();
  }

  get status(): TileStatus {
    const feed = this.#feedStatus;
    let state: TileState = feed.state;
    // The feed has a track, but nothing is on screen until a frame is presented; and a
    // picture that stopped moving is not live, whatever the hub thinks of the camera.
    if (state === 'live' && !this.#framing) state = 'connecting';
    else if (state === 'live' && this.#stall.stalled(performance.now())) state = 'stalled';
    return { state, cameraState: feed.cameraState, error: feed.error, retryAt: feed.retryAt, path: this.#framing ? feed.path : null, stillTakenAt: this.#stillTakenAt };
  }

  stats(): TileStats {
    const feed = this.#lease.feed;
    const receiver = feed.receiverStats;
    return {
      cameraId: this.cameraId,
      state: this.status.state,
      framesDecoded: feed.framesDecoded,
      framesDropped: receiver.framesDropped,
      packetsLost: receiver.packetsLost,
      jitterBufferMs: receiver.jitterBufferMs,
      delays: this.#delays.last(),
      receiveDelays: this.#receiveDelays.last(),
      delayCount: this.#delays.total,
      delayMs: median(this.#delays.last(SMOOTHING)),
      receiveDelayMs: median(this.#receiveDelays.last(SMOOTHING)),
      fps: this.#fps() ?? 0,
      ...(this.#firstFrameMs !== undefined ? { firstFrameMs: this.#firstFrameMs } : {}),
      width: this.#width,
      height: this.#height,
      hasStrip: this.#hasStrip,
      stalls: this.#stalls,
      holding: !this.#still.hidden,
      path: this.status.path,
      ...(this.#stillShownMs !== undefined ? { stillShownMs: this.#stillShownMs, stillAgeMs: this.#stillAgeMs } : {})
    };
  }

  /** The numbers a tile shows (no sample arrays: cheap enough to poll twice a second). */
  brief(): TileBrief {
    const feed = this.#lease.feed;
    return {
      delayMs: median(this.#delays.last(SMOOTHING)),
      receiveDelayMs: median(this.#receiveDelays.last(SMOOTHING)),
      fps: this.#fps(),
      framesDecoded: feed.framesDecoded,
      hasStrip: this.#hasStrip,
      width: this.#width,
      height: this.#height
    };
  }

  /** Forgets the delay samples (a benchmark's warm-up is over). */
  resetSamples(): void {
    this.#delays.clear();
    this.#receiveDelays.clear();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#frameHandle !== null) this.#video.cancelVideoFrameCallback(this.#frameHandle);
    this.#frameHandle = null;
    clearTimeout(this.#stallTimer);
    this.#offFeed();
    this.#lease.release();
    this.#reader.close();
    this.#video.srcObject = null;
    this.#track = null;
    this.#still.hidden = true;
  }

  #applyFeed(status: FeedStatus): void {
    if (this.#closed) return;
    this.#feedStatus = status;
    if (status.track !== this.#track) this.#attach(status.track);
    this.#onStatus(this.status);
  }

  #attach(track: MediaStreamTrack | null): void {
    // Called before the old track is stopped (see CameraFeed): its last frame is still there.
    if (this.#framing) this.#holdPicture();
    this.#track = track;
    this.#framing = false;
    this.#stall.reset();
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    this.#fpsWindow.length = 0;
    if (!track) return; // The still shows the last picture, greyed by the tile, until a new one comes.
    this.#video.muted = true; // Autoplay without a gesture needs a muted element.
    this.#video.srcObject = new MediaStream([track]);
    this.#video.play().catch(() => {
      // Autoplay of a muted video is allowed; a rejection here means a newer srcObject won.
    });
  }

  /** The hub's latest keyframe of the camera, shown until live video's first frame (never over it). */
  async #showStill(): Promise<void> {
    const still = await this.#lease.feed.still().catch(() => null);
    if (!still || this.#closed || this.#framing) return;
    const receivedAt = Date.now();
    // Decode into a canvas of our own: the tile's still may be holding a picture meanwhile.
    const canvas = document.createElement('canvas');
    if (!(await drawKeyframe(still, canvas)) || this.#closed || this.#framing) return;
    this.#still.width = canvas.width;
    this.#still.height = canvas.height;
    this.#still.getContext('2d', { alpha: false })?.drawImage(canvas, 0, 0);
    this.#still.hidden = false;
    this.#stillTakenAt = receivedAt - still.ageMs;
    this.#stillShownMs = performance.now() - this.#lease.feed.watchStartedAt;
    this.#stillAgeMs = still.ageMs;
    this.#onStatus(this.status);
  }

  /** Copies the video's current frame into the still and shows it over the video. */
  #holdPicture(): void {
    const video = this.#video;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
    const still = this.#still;
    if (still.width !== video.videoWidth || still.height !== video.videoHeight) {
      still.width = video.videoWidth;
      still.height = video.videoHeight;
    }
    const context = still.getContext('2d', { alpha: false });
    if (!context) return;
    context.drawImage(video, 0, 0, still.width, still.height);
    still.hidden = false;
  }

  /** Arms one timer for the moment the picture would count as stalled; frames only move that moment. */
  #watchStall(): void {
    if (this.#stallTimer !== undefined || this.#closed) return;
    const wait = this.#stall.msUntilStall(performance.now());
    if (wait === null) return;
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      if (this.#closed) return;
      if (this.#stall.stalled(performance.now())) {
        this.#stalls++;
        this.#onStatus(this.status);
      } else {
        this.#watchStall();
      }
    }, wait);
  }

  #requestFrame(): void {
    if (this.#closed) return;
    this.#frameHandle = this.#video.requestVideoFrameCallback(this.#onFrame);
  }

  readonly #onFrame = (now: DOMHighResTimeStamp, metadata: VideoFrameCallbackMetadata): void => {
    this.#requestFrame();
    if (!this.#track || this.#closed) return;
    this.#frames++;
    this.#width = metadata.width;
    this.#height = metadata.height;
    const stallEnded = this.#stall.frame(performance.now());
    this.#watchStall();
    if (!this.#framing) {
      this.#framing = true;
      this.#firstFrameMs ??= now - this.#lease.feed.watchStartedAt;
      // The new stream is on screen: the held picture can go.
      this.#still.hidden = true;
      this.#stillTakenAt = null;
      this.#onStatus(this.status);
      this.#countFrame(metadata);
      // Not this frame: the reader's first read sets up its canvas (tens of ms in Chromium),
      // which would hold back the tile's "live" until it is done. It starts on the next one.
      return;
    }
    if (stallEnded) this.#onStatus(this.status);
    this.#countFrame(metadata);
    this.#readStrip(metadata);
  };

  #countFrame(metadata: VideoFrameCallbackMetadata): void {
    const window = this.#fpsWindow;
    const time = metadata.expectedDisplayTime;
    window.push({ time, presented: metadata.presentedFrames });
    while (window.length > 2 && time - window[0]!.time > FPS_WINDOW_MS) window.shift();
  }

  /** Null until frames span half the window (too few to tell); 0 once nothing is presented for a window (frozen). */
  #fps(): number | null {
    const window = this.#fpsWindow;
    const first = window[0];
    const last = window.at(-1);
    if (!first || !last) return null;
    if (performance.now() - last.time > FPS_WINDOW_MS) return 0;
    const span = last.time - first.time;
    return span >= FPS_WINDOW_MS / 2 ? ((last.presented - first.presented) * 1000) / span : null;
  }

  #readStrip(metadata: VideoFrameCallbackMetadata): void {
    if (this.#noStripStreak >= NO_STRIP_STREAK && this.#frames % SPARSE_EVERY !== 0) return;
    let stamp: number | null = null;
    try {
      stamp = this.#reader.read(this.#video, metadata.width);
    } catch {
      stamp = null; // A frame that cannot be read back (e.g. a tainted source).
    }
    if (stamp === null) {
      this.#noStripStreak++;
      if (this.#noStripStreak >= NO_STRIP_STREAK) this.#hasStrip = false;
      return;
    }
    const displayed = stripAgeMs(performance.timeOrigin + metadata.expectedDisplayTime, stamp);
    if (displayed < PLAUSIBLE_AGE_MS.min || displayed > PLAUSIBLE_AGE_MS.max) return;
    this.#noStripStreak = 0;
    this.#hasStrip = true;
    this.#delays.push(displayed);
    if (metadata.receiveTime !== undefined) {
      this.#receiveDelays.push(stripAgeMs(performance.timeOrigin + metadata.receiveTime, stamp));
    }
  }
}
