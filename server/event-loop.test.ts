/** EventLoopDelay samples while the hub serves someone (a session, a recent HTTP request) and not otherwise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLoopDelay } from './event-loop.ts';

test('samples while a session is connected, none while nobody is', async () => {
  const loop = new EventLoopDelay();
  try {
    assert.equal(loop.sampling, false, 'a hub nobody uses takes no samples');
    loop.sessions(1);
    // The 20 ms sampling timer is due long before this one.
    await sleep(100);
    assert.ok(loop.take().samples > 0, 'sampled while a session was connected');
    loop.sessions(0);
    loop.take();
    await sleep(100);
    assert.equal(loop.take().samples, 0, 'nothing sampled once the last session left');
  } finally {
    loop.close();
  }
});

test('an HTTP request turns sampling on until lingerMs after the last one', async () => {
  // A sample is the time between two timer runs: the first comes 40 ms after sampling starts.
  const loop = new EventLoopDelay({ lingerMs: 100 });
  try {
    loop.request();
    assert.equal(loop.sampling, true);
    await sleep(250);
    assert.ok(loop.take().samples > 0, 'sampled after the request');
    assert.equal(loop.sampling, false, 'off again after lingerMs');
    loop.sessions(2);
    loop.request();
    await sleep(250);
    assert.equal(loop.sampling, true, 'still on: sessions are connected');
  } finally {
    loop.close();
  }
});
