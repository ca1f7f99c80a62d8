/**
 * Reads the timestamp strip (`$strip`) off a playing <video>: only the strip's rows are drawn,
 * to a small canvas kept for the reader's life, so a frame costs one small copy and read.
 */
import { readStripRgba, STRIP_BLOCKS, STRIP_ROWS } from '$strip';

/** Width the strip layout is defined at: 16 rows of a 640-pixel-wide frame. */
const REFERENCE_WIDTH = 640;

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

export class StripReader {
  #canvas: HTMLCanvasElement | OffscreenCanvas | null = null;
  #context: Context2D | null = null;
  #width = 0;
  #rows = 0;

  /** Strip rows at a frame width: `round(16 * width / 640)`. */
  static rowsFor(width: number): number {
    return Math.max(1, Math.round((STRIP_ROWS * width) / REFERENCE_WIDTH));
  }

  /** The strip's timestamp (ms mod 2³²) of the frame the video shows now, or null. */
  read(video: HTMLVideoElement, width: number): number | null {
    if (width < STRIP_BLOCKS) return null;
    const context = this.#contextFor(width);
    if (!context) return null;
    const rows = this.#rows;
    context.drawImage(video, 0, 0, width, rows, 0, 0, width, rows);
    const pixels = context.getImageData(0, 0, width, rows).data;
    return readStripRgba(pixels, width, rows);
  }

  close(): void {
    if (this.#canvas) {
      // Releases the backing store now rather than at the next collection.
      this.#canvas.width = 0;
      this.#canvas.height = 0;
    }
    this.#canvas = null;
    this.#context = null;
  }

  #contextFor(width: number): Context2D | null {
    if (this.#context && this.#width === width) return this.#context;
    const rows = StripReader.rowsFor(width);
    if (!this.#canvas) {
      this.#canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, rows) : document.createElement('canvas');
    }
    this.#canvas.width = width;
    this.#canvas.height = rows;
    this.#context = this.#canvas.getContext('2d', { willReadFrequently: true, alpha: false }) as Context2D | null;
    this.#width = width;
    this.#rows = rows;
    return this.#context;
  }
}
