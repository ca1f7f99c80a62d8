/**
 * The timestamp strip: a machine-readable clock that every simulated camera burns into the
 * top edge of each frame, so the browser can measure glass-to-glass delay from the pixels.
 *
 * Layout: 40 blocks of 16×16 pixels across the top 16 rows of a 640-pixel-wide frame (the
 * blocks scale with the width), aligned to H.264 macroblocks so the encoder keeps them crisp.
 * Bits 0–31 carry the sender's `Date.now()` mod 2³², most significant bit first; bits 32–39 a
 * CRC-8 of those four bytes (see crc8). White (luma 235) is 1, black (luma 16) is 0.
 *
 * Pure code: used by the camera simulator (write) and the web tiles and benchmarks (read).
 */

export const STRIP_BLOCKS = 40;
export const STRIP_ROWS = 16;
const TIMESTAMP_BITS = 32;
const LUMA_ONE = 235;
const LUMA_ZERO = 16;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * CRC-8 (polynomial 0x07, initial value 0xff) over the four timestamp bytes. The non-zero
 * start keeps an all-black (or all-white) strip area from reading as a valid timestamp.
 */
export function crc8(value: number): number {
  let crc = 0xff;
  for (let shift = 24; shift >= 0; shift -= 8) {
    crc ^= (value >>> shift) & 0xff;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc;
}

/** The 40 bits (as 0/1) that encode a timestamp in milliseconds. */
export function stripBits(timestampMs: number): Uint8Array {
  const stamp = Math.floor(timestampMs) % TWO_POW_32 >>> 0;
  const check = crc8(stamp);
  const bits = new Uint8Array(STRIP_BLOCKS);
  for (let i = 0; i < TIMESTAMP_BITS; i++) bits[i] = (stamp >>> (TIMESTAMP_BITS - 1 - i)) & 1;
  for (let i = 0; i < 8; i++) bits[TIMESTAMP_BITS + i] = (check >>> (7 - i)) & 1;
  return bits;
}

/**
 * Burns the strip into an I420 frame in place: luma blocks in the Y plane, neutral chroma
 * under them so colour noise cannot shift the luma the reader sees.
 */
export function writeStripI420(frame: Uint8Array, width: number, height: number, timestampMs: number): void {
  const bits = stripBits(timestampMs);
  const block = width / STRIP_BLOCKS;
  for (let y = 0; y < STRIP_ROWS; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) frame[row + x] = bits[Math.floor(x / block)] ? LUMA_ONE : LUMA_ZERO;
  }
  const chromaWidth = width >> 1;
  const uOffset = width * height;
  const vOffset = uOffset + chromaWidth * (height >> 1);
  for (let y = 0; y < STRIP_ROWS >> 1; y++) {
    frame.fill(128, uOffset + y * chromaWidth, uOffset + (y + 1) * chromaWidth);
    frame.fill(128, vOffset + y * chromaWidth, vOffset + (y + 1) * chromaWidth);
  }
}

/**
 * Reads the strip from RGBA pixels of the strip's rows of a decoded frame (as `getImageData`
 * returns them; `rows` is the strip height at this width). Samples the centre of each block so scaling and ringing at block edges do
 * not matter. Returns the timestamp (ms mod 2³²), or null when the checksum does not match.
 */
export function readStripRgba(rgba: Uint8ClampedArray | Uint8Array, width: number, rows: number): number | null {
  const block = width / STRIP_BLOCKS;
  const y = Math.floor(rows / 2);
  let stamp = 0;
  let check = 0;
  for (let i = 0; i < STRIP_BLOCKS; i++) {
    const x0 = Math.floor(i * block + block / 4);
    const x1 = Math.max(x0 + 1, Math.floor(i * block + (3 * block) / 4));
    let sum = 0;
    for (let x = x0; x < x1; x++) {
      const p = (y * width + x) * 4;
      sum += ((rgba[p] ?? 0) + (rgba[p + 1] ?? 0) + (rgba[p + 2] ?? 0)) / 3;
    }
    const bit = sum / (x1 - x0) >= 128 ? 1 : 0;
    if (i < TIMESTAMP_BITS) stamp = ((stamp << 1) | bit) >>> 0;
    else check = (check << 1) | bit;
  }
  return crc8(stamp) === check ? stamp : null;
}

/** Milliseconds from a strip timestamp to `nowMs`, correct across the 2³² wrap (~49.7 days). */
export function stripAgeMs(nowMs: number, stamp: number): number {
  const now = Math.floor(nowMs) % TWO_POW_32;
  let age = now - stamp;
  if (age < -TWO_POW_32 / 2) age += TWO_POW_32;
  if (age > TWO_POW_32 / 2) age -= TWO_POW_32;
  return age;
}
