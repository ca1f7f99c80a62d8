import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STRIP_BLOCKS, STRIP_ROWS, crc8, readStripRgba, stripAgeMs, stripBits, writeStripI420 } from './strip.ts';

const WIDTH = 640;
const HEIGHT = 360;
const TWO_POW_32 = 2 ** 32;

function i420Frame(width = WIDTH, height = HEIGHT, luma = 90): Uint8Array {
  const frame = new Uint8Array(width * height * 1.5);
  frame.fill(luma, 0, width * height);
  frame.fill(100, width * height);
  return frame;
}

/** The top `rows` rows of an 8-bit luma plane as RGBA, BT.601 limited range to full range. */
function lumaToRgba(luma: Uint8Array, width: number, rows: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * rows * 4);
  for (let i = 0; i < width * rows; i++) {
    const grey = ((luma[i]! - 16) * 255) / 219;
    rgba[i * 4] = grey;
    rgba[i * 4 + 1] = grey;
    rgba[i * 4 + 2] = grey;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** Bilinear resample of a luma plane, as a browser scaling a decoded frame would. */
function resampleLuma(luma: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Uint8Array {
  const out = new Uint8Array(toWidth * toHeight);
  for (let y = 0; y < toHeight; y++) {
    const sy = Math.min(height - 1, Math.max(0, ((y + 0.5) * height) / toHeight - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < toWidth; x++) {
      const sx = Math.min(width - 1, Math.max(0, ((x + 0.5) * width) / toWidth - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      const top = luma[y0 * width + x0]! * (1 - fx) + luma[y0 * width + x1]! * fx;
      const bottom = luma[y1 * width + x0]! * (1 - fx) + luma[y1 * width + x1]! * fx;
      out[y * toWidth + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}

function roundTrip(timestampMs: number, width = WIDTH, height = HEIGHT): number | null {
  const frame = i420Frame(width, height);
  writeStripI420(frame, width, height, timestampMs);
  return readStripRgba(lumaToRgba(frame, width, STRIP_ROWS), width, STRIP_ROWS);
}

const SAMPLE_TIMESTAMPS = [
  0,
  1,
  255,
  0x7fff_ffff,
  0x8000_0000,
  TWO_POW_32 - 2,
  TWO_POW_32 - 1,
  TWO_POW_32, // wraps to 0
  TWO_POW_32 + 1,
  1_763_769_600_000, // 2025-11-22
  1_763_769_600_000.9, // fractional milliseconds are floored
  Date.now(),
];

test('round trip: the strip decodes to the timestamp mod 2^32', () => {
  for (const ts of SAMPLE_TIMESTAMPS) {
    assert.equal(roundTrip(ts), Math.floor(ts) % TWO_POW_32, `timestamp ${ts}`);
  }
  let seed = 12345;
  for (let i = 0; i < 500; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const ts = Date.now() + seed * 7;
    assert.equal(roundTrip(ts), ts % TWO_POW_32, `timestamp ${ts}`);
  }
});

test('the strip covers exactly the top 16 rows, with neutral chroma beneath', () => {
  const frame = i420Frame();
  writeStripI420(frame, WIDTH, HEIGHT, 0xdead_beef);
  for (let x = 0; x < WIDTH; x++) {
    assert.ok(frame[x] === 16 || frame[x] === 235, `row 0 x ${x}`);
    assert.equal(frame[STRIP_ROWS * WIDTH + x], 90, `row ${STRIP_ROWS} untouched`);
  }
  const uOffset = WIDTH * HEIGHT;
  const vOffset = uOffset + (WIDTH / 2) * (HEIGHT / 2);
  for (let y = 0; y < STRIP_ROWS / 2; y++) {
    assert.equal(frame[uOffset + y * (WIDTH / 2) + 5], 128);
    assert.equal(frame[vOffset + y * (WIDTH / 2) + 5], 128);
  }
  assert.equal(frame[uOffset + (STRIP_ROWS / 2) * (WIDTH / 2)], 100);
  assert.equal(frame[vOffset + (STRIP_ROWS / 2) * (WIDTH / 2)], 100);
});

test('stripBits: 32 timestamp bits MSB first, then the CRC-8', () => {
  const bits = stripBits(0x8000_0001);
  assert.equal(bits.length, STRIP_BLOCKS);
  assert.equal(bits[0], 1);
  assert.equal(bits[1], 0);
  assert.equal(bits[31], 1);
  const check = crc8(0x8000_0001);
  for (let i = 0; i < 8; i++) assert.equal(bits[32 + i], (check >>> (7 - i)) & 1);
});

test('crc8 (poly 0x07, init 0xff) matches a bytewise reference', () => {
  const reference = (bytes: number[], init = 0): number => {
    let crc = init;
    for (const byte of bytes) {
      crc ^= byte;
      for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
    return crc;
  };
  assert.equal(crc8(0x3132_3334), reference([0x31, 0x32, 0x33, 0x34], 0xff));
  assert.notEqual(crc8(0), 0, 'four zero bytes must not check as zero');
  // The reference itself: the CRC-8/SMBUS check value of "123456789" is 0xF4.
  assert.equal(reference([...'123456789'].map((c) => c.charCodeAt(0))), 0xf4);
});

test('any single corrupted block makes the strip unreadable (null)', () => {
  const ts = 1_763_769_600_123;
  const frame = i420Frame();
  writeStripI420(frame, WIDTH, HEIGHT, ts);
  const block = WIDTH / STRIP_BLOCKS;
  for (let i = 0; i < STRIP_BLOCKS; i++) {
    const corrupted = frame.slice();
    for (let y = 0; y < STRIP_ROWS; y++) {
      for (let x = i * block; x < (i + 1) * block; x++) {
        corrupted[y * WIDTH + x] = corrupted[y * WIDTH + x] === 235 ? 16 : 235;
      }
    }
    assert.equal(readStripRgba(lumaToRgba(corrupted, WIDTH, STRIP_ROWS), WIDTH, STRIP_ROWS), null, `block ${i}`);
  }
});

test('a picture without a strip reads as null', () => {
  for (const luma of [150, 180, 235]) {
    const frame = i420Frame(WIDTH, HEIGHT, luma);
    assert.equal(readStripRgba(lumaToRgba(frame, WIDTH, STRIP_ROWS), WIDTH, STRIP_ROWS), null, `luma ${luma}`);
  }
});

test('an all-dark or all-bright strip area reads as null', () => {
  for (const luma of [16, 235]) {
    const frame = i420Frame(WIDTH, HEIGHT, luma);
    assert.equal(readStripRgba(lumaToRgba(frame, WIDTH, STRIP_ROWS), WIDTH, STRIP_ROWS), null, `luma ${luma}`);
  }
});

test('the strip reads back from a frame scaled to 1280, 960 or 320 wide', () => {
  const ts = 1_763_769_654_321;
  const frame = i420Frame();
  writeStripI420(frame, WIDTH, HEIGHT, ts);
  for (const [toWidth, toHeight] of [
    [1280, 720],
    [960, 540],
    [320, 180],
    [400, 225],
  ] as const) {
    const scaled = resampleLuma(frame, WIDTH, HEIGHT, toWidth, toHeight);
    const rows = Math.round((STRIP_ROWS * toHeight) / HEIGHT);
    assert.equal(readStripRgba(lumaToRgba(scaled, toWidth, rows), toWidth, rows), ts % TWO_POW_32, `${toWidth}x${toHeight}`);
  }
});

test('the strip written at other widths reads back', () => {
  for (const width of [320, 1280, 1920, 352]) {
    const height = (width * 9) / 16;
    const ts = Date.now() + width;
    assert.equal(roundTrip(ts, width, height - (height % 2)), ts % TWO_POW_32, `width ${width}`);
  }
});

test('the strip survives mild noise and contrast loss', () => {
  const ts = 1_763_769_600_777;
  const frame = i420Frame();
  writeStripI420(frame, WIDTH, HEIGHT, ts);
  let seed = 7;
  for (let i = 0; i < WIDTH * STRIP_ROWS; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // Pull toward mid-grey by 30 % and add ±20 of noise.
    frame[i] = Math.round(128 + (frame[i]! - 128) * 0.7 + ((seed >>> 16) % 41) - 20);
  }
  assert.equal(readStripRgba(lumaToRgba(frame, WIDTH, STRIP_ROWS), WIDTH, STRIP_ROWS), ts % TWO_POW_32);
});

test('stripAgeMs: plain ages, and ages across the 2^32 wrap', () => {
  assert.equal(stripAgeMs(1_000_050, 1_000_000), 50);
  assert.equal(stripAgeMs(1_000_000, 1_000_050), -50);
  // The stamp was written just before the wrap, read just after it.
  assert.equal(stripAgeMs(TWO_POW_32 + 5, TWO_POW_32 - 10), 15);
  assert.equal(stripAgeMs(2 * TWO_POW_32 + 5, TWO_POW_32 - 10), 15);
  // A stamp from just after the wrap, read by a clock just before it: slightly in the future.
  assert.equal(stripAgeMs(TWO_POW_32 - 3, 2), -5);
  // With a real clock.
  const now = Date.now();
  const stamp = roundTrip(now - 33);
  assert.notEqual(stamp, null);
  assert.equal(stripAgeMs(now, stamp!), 33);
  assert.equal(stripAgeMs(now + 0.9, stamp!), 33);
});
