import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockTime, compass, formatWindow } from './text.ts';

test('arrival windows read in seconds, and in minutes from two minutes on', () => {
  assert.equal(formatWindow(20.4, 44.6, false), '20–45초');
  assert.equal(formatWindow(20, 45, true), '20–45 s');
  assert.equal(formatWindow(-3, 10, false), '0–10초', 'never before the sighting');
  assert.equal(formatWindow(90, 230, false), '1–4분');
  assert.equal(formatWindow(130, 125, true), '2–3 min', 'a window never runs backwards');
});

test('headings read as compass points', () => {
  assert.deepEqual([0, 44, 46, 90, 180, 270, 359, -90].map((d) => compass(d, false)), ['북', '북동', '북동', '동', '남', '서', '북', '서']);
  assert.equal(compass(135, true), 'SE');
});

test('times are Seoul’s, with seconds', () => {
  assert.equal(clockTime(Date.UTC(2026, 0, 1, 5, 6, 7), true), '14:06:07');
});
