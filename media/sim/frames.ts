/**
 * Raw I420 pictures for the simulated cameras: a colour gradient of the camera's own hue with
 * a bar sweeping across and a block bobbing up and down, so each camera looks different and
 * visibly live. Pure code and cheap: the background is computed once, each frame is one copy
 * plus a few row fills. The timestamp strip (media/strip.ts) is stamped separately, right
 * before a frame is written, and nothing here draws over its rows.
 */
import { STRIP_ROWS } from '../strip.ts';

export interface FramePainterOptions {
  width: number;
  height: number;
  /** Chooses the hue and the motion phase; use `cameraSeed(id)` for a stable look per camera. */
  seed: number;
}

/** Bytes in one I420 frame. */
export function i420Size(width: number, height: number): number {
  return width * height + 2 * (width >> 1) * (height >> 1);
}

/** A stable 32-bit seed from a camera id (FNV-1a). */
export function cameraSeed(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const BAR_WIDTH = 24;
const BAR_SPEED_PX_PER_S = 90;
const BLOCK_SIZE = 48;
const BLOCK_PERIOD_MS = 4000;

export class FramePainter {
  readonly width: number;
  readonly height: number;
  readonly frameSize: number;
  readonly #background: Uint8Array;
  readonly #phaseMs: number;
  readonly #hue: number;

  constructor({ width, height, seed }: FramePainterOptions) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width % 2 !== 0 || height % 2 !== 0) {
      throw new RangeError(`frame size ${width}x${height}: width and height must be even`);
    }
    if (width < 2 * BLOCK_SIZE || height < STRIP_ROWS + BLOCK_SIZE) throw new RangeError(`frame size ${width}x${height} too small`);
    this.width = width;
    this.height = height;
    this.frameSize = i420Size(width, height);
    this.#hue = ((seed >>> 0) % 360) * (Math.PI / 180);
    this.#phaseMs = ((seed >>> 9) % 10_000) * 1.0;
    this.#background = this.#paintBackground();
  }

  /** A new zeroed frame buffer of the right size. */
  allocate(): Uint8Array {
    return new Uint8Array(this.frameSize);
  }

  /** Paints the picture for `elapsedMs` (since the camera started) into `frame`. */
  paint(frame: Uint8Array, elapsedMs: number): void {
    if (frame.length !== this.frameSize) throw new RangeError(`frame is ${frame.length} bytes, expected ${this.frameSize}`);
    frame.set(this.#background);
    const t = elapsedMs + this.#phaseMs;
    const { width, height } = this;

    // A light bar sweeping left to right, wrapping around.
    const travel = width + BAR_WIDTH;
    const barX = (Math.floor(((t * BAR_SPEED_PX_PER_S) / 1000) % travel) & ~1) - BAR_WIDTH;
    this.#fillRect(frame, barX, STRIP_ROWS, BAR_WIDTH, height - STRIP_ROWS, 225, 128, 128);

    // A block of the complementary colour bobbing up and down.
    const phase = (t % BLOCK_PERIOD_MS) / BLOCK_PERIOD_MS;
    const span = height - STRIP_ROWS - BLOCK_SIZE;
    const blockY = STRIP_ROWS + (Math.round((span * (1 - Math.cos(2 * Math.PI * phase))) / 2) & ~1);
    const blockX = ((width * 3) >> 2) & ~1;
    const u = 128 - Math.round(90 * Math.cos(this.#hue));
    const v = 128 - Math.round(90 * Math.sin(this.#hue));
    this.#fillRect(frame, blockX, blockY, BLOCK_SIZE, BLOCK_SIZE, 150, u, v);
  }

  #paintBackground(): Uint8Array {
    const { width, height } = this;
    const frame = new Uint8Array(this.frameSize);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        // Diagonal luma gradient, 40..170, leaving headroom for the white bar and the text.
        frame[row + x] = 40 + Math.round((130 * (x / width + y / height)) / 2);
      }
    }
    const cw = width >> 1;
    const ch = height >> 1;
    const uOffset = width * height;
    const vOffset = uOffset + cw * ch;
    for (let y = 0; y < ch; y++) {
      // The camera's hue, saturation rising from top to bottom.
      const saturation = 30 + (60 * y) / ch;
      const u = 128 + Math.round(saturation * Math.cos(this.#hue));
      const v = 128 + Math.round(saturation * Math.sin(this.#hue));
      frame.fill(u, uOffset + y * cw, uOffset + (y + 1) * cw);
      frame.fill(v, vOffset + y * cw, vOffset + (y + 1) * cw);
    }
    return frame;
  }

  /** Fills a rectangle (clipped to the frame; x, y, w, h even) with one colour. */
  #fillRect(frame: Uint8Array, x: number, y: number, w: number, h: number, luma: number, u: number, v: number): void {
    const { width, height } = this;
    const x0 = Math.max(0, x);
    const x1 = Math.min(width, x + w);
    const y0 = Math.max(STRIP_ROWS, y);
    const y1 = Math.min(height, y + h);
    if (x0 >= x1 || y0 >= y1) return;
    for (let row = y0; row < y1; row++) frame.fill(luma, row * width + x0, row * width + x1);
    const cw = width >> 1;
    const uOffset = width * height;
    const vOffset = uOffset + cw * (height >> 1);
    for (let row = y0 >> 1; row < y1 >> 1; row++) {
      frame.fill(u, uOffset + row * cw + (x0 >> 1), uOffset + row * cw + (x1 >> 1));
      frame.fill(v, vOffset + row * cw + (x0 >> 1), vOffset + row * cw + (x1 >> 1));
    }
  }
}
