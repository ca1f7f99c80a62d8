import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.ts';

test('delays double up to the maximum', () => {
  const backoff = new Backoff({ initialMs: 500, maxMs: 4000, jitter: 0, random: () => 0.5 });
  assert.deepEqual([1, 2, 3, 4, 5, 10].map((a) => backoff.delayMs(a)), [500, 1000, 2000, 4000, 4000, 4000]);
  assert.equal(backoff.delayMs(0), 500);
});

test('jitter spreads retries within the given share', () => {
  const low = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.2, random: () => 0 });
  const high = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.2, random: () => 1 });
  assert.equal(low.delayMs(1), 800);
  assert.equal(high.delayMs(1), 1000);
});
