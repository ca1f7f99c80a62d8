import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.ts';

test('without a fast phase, delays double up to the maximum', () => {
  const schedule = new Backoff({ initialMs: 500, maxMs: 4000, jitter: 0, random: () => 0.5 }).schedule(0);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(() => schedule.next(0)), [500, 1000, 2000, 4000, 4000, 4000]);
});

test('an outage retries fast for its first seconds, then backs off from the initial delay', () => {
  const backoff = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0, fastMs: 250, fastForMs: 5000 });
  const schedule = backoff.schedule(10_000);
  // A camera that refuses at once: attempts at 10 000, 10 250, … (each refusal takes no time).
  const delays: number[] = [];
  let now = 10_000;
  while (now < 40_000) {
    const delay = schedule.next(now);
    delays.push(delay);
    now += delay;
  }
  assert.deepEqual(delays.slice(0, 20), Array(20).fill(250), 'every 250 ms for 5 s');
  assert.deepEqual(delays.slice(20, 25), [1000, 2000, 4000, 8000, 8000], 'then doubling from initialMs');
});

test('attempts that take time still count against the fast phase, by the clock', () => {
  const schedule = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0, fastMs: 250, fastForMs: 3000 }).schedule(0);
  assert.equal(schedule.fast(2999), true);
  assert.equal(schedule.next(2999), 250);
  assert.equal(schedule.fast(3000), false);
  assert.equal(schedule.next(3000), 1000);
  assert.equal(schedule.next(7000), 2000);
});

test('jitter spreads retries within the given share, and never lengthens a fast delay', () => {
  const low = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.2, random: () => 0, fastMs: 400, fastForMs: 1000 });
  const high = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.2, random: () => 1, fastMs: 400, fastForMs: 1000 });
  assert.equal(low.schedule(0).next(0), 400);
  assert.equal(high.schedule(0).next(0), 320);
  assert.equal(low.schedule(0).next(5000), 800);
  assert.equal(high.schedule(0).next(5000), 1000);
});
