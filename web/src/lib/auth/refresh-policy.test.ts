import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pasteDue, refreshAt, retryAt } from './refresh-policy.ts';

const MIN = 60_000;

test('an hour-long token is renewed a minute before expiry', () => {
  assert.equal(refreshAt(0, 60 * MIN), 59 * MIN);
});

test('a short token is renewed at 80 % of its lifetime', () => {
  assert.equal(refreshAt(0, 2 * MIN), 96_000);
  assert.equal(refreshAt(1_000, 1_000 + 30_000), 1_000 + 24_000);
  // At five minutes both rules agree.
  assert.equal(refreshAt(0, 5 * MIN), 4 * MIN);
});

test('a token whose issue time is after its expiry is renewed at once', () => {
  assert.equal(refreshAt(10_000, 5_000), 10_000);
});

test('a pasted token is asked for two minutes before expiry', () => {
  assert.equal(pasteDue(0, 2 * MIN + 1), false);
  assert.equal(pasteDue(0, 2 * MIN), true);
  assert.equal(pasteDue(10 * MIN, 5 * MIN), true);
});

test('a failed renewal is retried soon, never past expiry', () => {
  assert.equal(retryAt(0, 60 * MIN), 5_000);
  assert.equal(retryAt(0, 4_000), 2_000);
  assert.equal(retryAt(0, 1_500), 1_000);
  assert.equal(retryAt(0, 900), null);
});
