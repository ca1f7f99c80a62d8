import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cueKey, mergeListed, openCount, sortQueue, toCue, upsertAlarm, type Queued } from './queue.ts';

const alarm = (id: string, over: Partial<Queued> = {}): Queued => ({ id, priority: 3, status: 'new', raisedAt: 1_000, updatedAt: 1_000, ...over });
const ids = (list: readonly Queued[]): string[] => list.map((a) => a.id);

test('open alarms first, the most urgent on top, then the newest; closed ones last, newest closed first', () => {
  const queue = sortQueue([
    alarm('old-p2', { priority: 2, raisedAt: 100 }),
    alarm('closed-early', { status: 'closed', priority: 1, updatedAt: 500 }),
    alarm('new-p2', { priority: 2, raisedAt: 900 }),
    alarm('p1-acked', { priority: 1, status: 'acknowledged', raisedAt: 50 }),
    alarm('closed-late', { status: 'closed', priority: 4, updatedAt: 800 }),
    alarm('p5', { priority: 5, raisedAt: 2_000 })
  ]);
  assert.deepEqual(ids(queue), ['p1-acked', 'new-p2', 'old-p2', 'p5', 'closed-late', 'closed-early']);
});

test('a change replaces the alarm in place and re-sorts; an older copy never overwrites a newer one', () => {
  let queue = sortQueue([alarm('a', { priority: 3 }), alarm('b', { priority: 2 })]);
  queue = upsertAlarm(queue, alarm('a', { priority: 1, updatedAt: 2_000 }));
  assert.deepEqual(ids(queue), ['a', 'b']);
  assert.equal(queue.length, 2);
  const stale = upsertAlarm(queue, alarm('a', { priority: 5, updatedAt: 1_500 }));
  assert.equal(stale.find((x) => x.id === 'a')?.priority, 1);
  assert.deepEqual(ids(upsertAlarm(queue, alarm('c', { priority: 1, raisedAt: 3_000 }))), ['c', 'a', 'b']);
});

test('a listing merged with what arrived meanwhile keeps the newer copy of each', () => {
  const listed = [alarm('a', { updatedAt: 1_000 }), alarm('b', { updatedAt: 3_000, status: 'acknowledged' })];
  const held = [alarm('a', { updatedAt: 2_000, status: 'in_progress' }), alarm('b', { updatedAt: 2_500 }), alarm('c', { raisedAt: 5_000, updatedAt: 5_000 })];
  const merged = mergeListed(listed, held);
  assert.deepEqual(Object.fromEntries(merged.map((a) => [a.id, a.status])), { a: 'in_progress', b: 'acknowledged', c: 'new' });
});

test('the badge counts open alarms; the sound is for new alarms not cued yet', () => {
  const queue = [alarm('a'), alarm('b', { status: 'acknowledged' }), alarm('c', { status: 'closed' }), alarm('d')];
  assert.equal(openCount(queue), 3);
  assert.deepEqual(ids(toCue(queue, new Set(['a']))), ['d']);
});

test('an alarm still unacknowledged when it escalates is cued once more, once', () => {
  const cued = new Set(['a']);
  const escalated = [alarm('a', { escalated: true })];
  assert.deepEqual(ids(toCue(escalated, cued)), ['a']);
  cued.add(cueKey(escalated[0]!));
  assert.deepEqual(ids(toCue(escalated, cued)), []);
  assert.deepEqual(ids(toCue([alarm('b', { escalated: true, status: 'acknowledged' })], new Set(['b']))), [], 'acknowledged meanwhile: no cue');
});
