import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyframeHearing } from './keyframe-hearing.ts';

test('a keyframe within the bound of a request: the camera obeys', () => {
  const hearing = new KeyframeHearing(1_000);
  assert.equal(hearing.verdict, 'unknown');
  hearing.asked(10_000);
  assert.equal(hearing.asking, true);
  assert.equal(hearing.check(10_900), false, 'still in time');
  hearing.keyframe(10_120);
  assert.equal(hearing.verdict, 'obeys');
  assert.equal(hearing.asking, false);
});

test('a request left unanswered past the bound: deaf, told once', () => {
  const hearing = new KeyframeHearing(1_000);
  hearing.asked(0);
  assert.equal(hearing.check(1_000), false, 'the bound itself is still in time');
  assert.equal(hearing.check(1_001), true);
  assert.equal(hearing.verdict, 'deaf');
  assert.equal(hearing.check(5_000), false, 'nothing outstanding any more');
  hearing.keyframe(4_000);
  assert.equal(hearing.verdict, 'deaf', 'a keyframe nobody asked for judges nothing');
});

test('a late keyframe before any check still makes the camera deaf', () => {
  const hearing = new KeyframeHearing(1_000);
  hearing.asked(0);
  hearing.keyframe(3_900);
  assert.equal(hearing.verdict, 'deaf');
});

test('every request is a new probe: a deaf camera that starts answering obeys again, and back', () => {
  const hearing = new KeyframeHearing(1_000);
  hearing.asked(0);
  hearing.check(2_000);
  assert.equal(hearing.verdict, 'deaf');
  hearing.asked(4_000);
  hearing.keyframe(4_100);
  assert.equal(hearing.verdict, 'obeys');
  hearing.asked(30_000);
  assert.equal(hearing.check(31_500), true);
  assert.equal(hearing.verdict, 'deaf');
});

test('repeated requests keep the time of the first unanswered one', () => {
  const hearing = new KeyframeHearing(1_000);
  hearing.asked(0);
  hearing.asked(900);
  hearing.keyframe(1_200);
  assert.equal(hearing.verdict, 'deaf', 'the first request waited 1.2 s');
});

test('a withdrawn request (its session ended) judges nothing', () => {
  const hearing = new KeyframeHearing(1_000);
  hearing.asked(0);
  hearing.withdraw();
  assert.equal(hearing.check(5_000), false);
  hearing.keyframe(5_100);
  assert.equal(hearing.verdict, 'unknown');
});
