import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STALL_AFTER_MS, StallWatch } from './stall-watch.ts';

test('a picture is never stalled before its first frame', () => {
  const watch = new StallWatch();
  assert.equal(watch.stalled(60_000), false);
  assert.equal(watch.msUntilStall(60_000), null);
});

test('frames at 15 fps keep a picture live; a second without one stalls it', () => {
  const watch = new StallWatch();
  for (let t = 0; t <= 2_000; t += 67) {
    assert.equal(watch.frame(t), false);
    assert.equal(watch.stalled(t + 66), false);
  }
  const last = 1_943;
  assert.equal(watch.msUntilStall(last + 400), STALL_AFTER_MS - 400);
  assert.equal(watch.stalled(last + STALL_AFTER_MS - 1), false);
  assert.equal(watch.stalled(last + STALL_AFTER_MS), true);
  assert.equal(watch.msUntilStall(last + STALL_AFTER_MS), null, 'stalled already: no timer needed');
});

test('the next frame ends the stall, and says so once', () => {
  const watch = new StallWatch(500);
  watch.frame(0);
  assert.equal(watch.stalled(4_000), true);
  assert.equal(watch.frame(4_000), true, 'this frame ended a stall');
  assert.equal(watch.stalled(4_000), false);
  assert.equal(watch.frame(4_067), false);
});

test('a new picture source forgets the old one', () => {
  const watch = new StallWatch(500);
  watch.frame(0);
  watch.reset();
  assert.equal(watch.stalled(10_000), false, 'waiting for the first frame of a new track is connecting, not stalled');
  assert.equal(watch.frame(10_000), false);
});
