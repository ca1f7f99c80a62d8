import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestRun } from './latest-run.ts';

test('a new run makes the one before stale and aborts its requests', () => {
  const runs = new LatestRun();
  const first = runs.begin();
  assert.equal(first.stale, false);
  const second = runs.begin();
  assert.equal(first.stale, true);
  assert.equal(first.signal.aborted, true);
  assert.equal(second.stale, false);
});

test('closing the board makes the current run stale; a run after that is live', () => {
  const runs = new LatestRun();
  const run = runs.begin();
  runs.abort();
  assert.equal(run.stale, true);
  runs.abort();
  assert.equal(runs.begin().stale, false);
});
