import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STRIP_ROWS, readStripRgba, writeStripI420 } from '../strip.ts';
import { FramePainter, cameraSeed, i420Size } from './frames.ts';

const WIDTH = 640;
const HEIGHT = 360;

function stripRgba(frame: Uint8Array, width: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * STRIP_ROWS * 4);
  for (let i = 0; i < width * STRIP_ROWS; i++) {
    const grey = ((frame[i]! - 16) * 255) / 219;
    rgba.fill(grey, i * 4, i * 4 + 3);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

function differingBytes(a: Uint8Array, b: Uint8Array, from = 0, to = a.length): number {
  let count = 0;
  for (let i = from; i < to; i++) if (a[i] !== b[i]) count++;
  return count;
}

test('i420Size: a luma plane plus two quarter-size chroma planes', () => {
  assert.equal(i420Size(640, 360), 345_600);
  assert.equal(i420Size(320, 180), 86_400);
});

test('a painted frame has the I420 size, and the strip stamped on it reads back', () => {
  const painter = new FramePainter({ width: WIDTH, height: HEIGHT, seed: cameraSeed('cam-1') });
  const frame = painter.allocate();
  assert.equal(frame.length, WIDTH * HEIGHT * 1.5);
  assert.equal(painter.frameSize, frame.length);
  painter.paint(frame, 1234);
  const now = Date.now();
  writeStripI420(frame, WIDTH, HEIGHT, now);
  assert.equal(readStripRgba(stripRgba(frame, WIDTH), WIDTH, STRIP_ROWS), now % 2 ** 32);
});

test('painting leaves the strip to the stamper: rows below the strip are the picture', () => {
  const painter = new FramePainter({ width: WIDTH, height: HEIGHT, seed: 1 });
  const stamped = painter.allocate();
  painter.paint(stamped, 0);
  const plain = stamped.slice();
  writeStripI420(stamped, WIDTH, HEIGHT, Date.now());
  // The stamp changes only the strip rows (and the chroma beneath them).
  assert.equal(differingBytes(plain, stamped, STRIP_ROWS * WIDTH, WIDTH * HEIGHT), 0);
  const chromaRows = (STRIP_ROWS / 2) * (WIDTH / 2);
  const uOffset = WIDTH * HEIGHT;
  const vOffset = uOffset + (WIDTH / 2) * (HEIGHT / 2);
  assert.equal(differingBytes(plain, stamped, uOffset + chromaRows, vOffset), 0);
  assert.equal(differingBytes(plain, stamped, vOffset + chromaRows, plain.length), 0);
  // The moving elements never reach into the strip rows, whatever the time.
  const background = painter.allocate();
  painter.paint(background, 0);
  for (let t = 0; t < 20_000; t += 333) {
    const frame = painter.allocate();
    painter.paint(frame, t);
    assert.equal(differingBytes(background, frame, 0, STRIP_ROWS * WIDTH), 0, `t=${t}`);
  }
});

test('the picture moves over time', () => {
  const painter = new FramePainter({ width: WIDTH, height: HEIGHT, seed: 2 });
  const a = painter.allocate();
  const b = painter.allocate();
  painter.paint(a, 1000);
  painter.paint(b, 1000 + 1000 / 15);
  assert.ok(differingBytes(a, b) > 0, 'consecutive frames differ');
  painter.paint(b, 1000);
  assert.equal(differingBytes(a, b), 0, 'same time, same picture');
});

test('cameras look different from each other', () => {
  const a = new FramePainter({ width: WIDTH, height: HEIGHT, seed: cameraSeed('sim-01') });
  const b = new FramePainter({ width: WIDTH, height: HEIGHT, seed: cameraSeed('sim-02') });
  const fa = a.allocate();
  const fb = b.allocate();
  a.paint(fa, 0);
  b.paint(fb, 0);
  assert.ok(differingBytes(fa, fb, WIDTH * HEIGHT) > (WIDTH * HEIGHT) / 4, 'chroma differs');
  assert.equal(cameraSeed('sim-01'), cameraSeed('sim-01'));
});

test('other sizes work; odd or tiny sizes and wrong buffers are refused', () => {
  const small = new FramePainter({ width: 320, height: 180, seed: 3 });
  const frame = small.allocate();
  small.paint(frame, 500);
  writeStripI420(frame, 320, 180, 42);
  assert.equal(readStripRgba(stripRgba(frame, 320), 320, STRIP_ROWS), 42);
  assert.throws(() => new FramePainter({ width: 641, height: 360, seed: 0 }), RangeError);
  assert.throws(() => new FramePainter({ width: 640, height: 361, seed: 0 }), RangeError);
  assert.throws(() => new FramePainter({ width: 64, height: 36, seed: 0 }), RangeError);
  assert.throws(() => small.paint(new Uint8Array(10), 0), RangeError);
});

test('painting is cheap (informational)', (t) => {
  const painter = new FramePainter({ width: WIDTH, height: HEIGHT, seed: 4 });
  const frame = painter.allocate();
  const n = 300;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    painter.paint(frame, (i * 1000) / 15);
    writeStripI420(frame, WIDTH, HEIGHT, Date.now());
  }
  t.diagnostic(`paint + stamp: ${((performance.now() - start) / n).toFixed(3)} ms per 640x360 frame`);
});
