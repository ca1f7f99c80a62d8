import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, RingBuffer } from './rolling.ts';

test('a ring buffer keeps the newest samples, oldest first', () => {
  const ring = new RingBuffer(3);
  for (const value of [1, 2, 3, 4, 5]) ring.push(value);
  assert.deepEqual(ring.last(), [3, 4, 5]);
  assert.deepEqual(ring.last(2), [4, 5]);
  assert.equal(ring.size, 3);
  assert.equal(ring.total, 5);
});

test('clear empties the samples but keeps counting', () => {
  const ring = new RingBuffer(4);
  ring.push(1);
  ring.push(2);
  ring.clear();
  assert.deepEqual(ring.last(), []);
  ring.push(7);
  assert.deepEqual(ring.last(), [7]);
  assert.equal(ring.total, 3);
});

test('median', () => {
  assert.equal(median([]), null);
  assert.equal(median([5]), 5);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
