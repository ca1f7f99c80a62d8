import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cuePattern } from './cue.ts';

test('a more urgent alarm beeps more often and higher; beeps never overlap', () => {
  const [urgent, high, routine] = [cuePattern(1), cuePattern(2), cuePattern(5)];
  assert.deepEqual([urgent.length, high.length, routine.length], [3, 2, 1]);
  assert.ok(urgent[0]!.frequency > high[0]!.frequency && high[0]!.frequency > routine[0]!.frequency);
  for (const pattern of [urgent, high, routine]) {
    pattern.slice(1).forEach((tone, i) => assert.ok(tone.startS >= pattern[i]!.startS + pattern[i]!.durationS, 'a gap between beeps'));
  }
});
