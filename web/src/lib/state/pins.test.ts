import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillSlots, pickSlot } from './pins.ts';

test('auto-fill keeps pinned cameras in their tiles and fills the rest in order', () => {
  assert.deepEqual(fillSlots(['a', 'b', 'c', 'd'], ['n1', 'n2', 'n3', 'n4'], new Set(['b'])), ['n1', 'b', 'n2', 'n3']);
  // A pinned camera that is also among the nearest is not shown twice.
  assert.deepEqual(fillSlots(['a', 'b', null, null], ['b', 'n2', 'n3'], new Set(['b'])), ['n2', 'b', 'n3', null]);
  assert.deepEqual(fillSlots([null, null, null, null], ['n1'], new Set()), ['n1', null, null, null]);
  // A pin on a camera that is not on the wall changes nothing.
  assert.deepEqual(fillSlots(['a', null], ['n1', 'n2'], new Set(['zzz'])), ['n1', 'n2']);
});

test('a camera picked on the map goes to the selected tile, else a free one, else the last unpinned one', () => {
  assert.equal(pickSlot(['a', 'b', 'c', 'd'], 1, new Set()), 1);
  assert.equal(pickSlot(['a', null, 'c', null], null, new Set()), 1);
  assert.equal(pickSlot(['a', 'b', 'c', 'd'], null, new Set(['d'])), 2);
  assert.equal(pickSlot(['a', 'b'], null, new Set(['a', 'b'])), -1);
  // The monitor (no pins given) never replaces a camera it was not told to.
  assert.equal(pickSlot(['a', 'b'], null, null), -1);
});
