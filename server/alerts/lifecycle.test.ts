import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALARM_STATUSES } from '../protocol/alerts.ts';
import { HubError } from '../protocol/errors.ts';
import { transition, unattended, type AlarmMove } from './lifecycle.ts';

const MOVES: readonly AlarmMove[] = ['acknowledged', 'in_progress', 'closed'];

test('신규 → 확인 → 처리 중 → 종료: forward only, closing from any open state, nothing after 종료', () => {
  const allowed = (from: (typeof ALARM_STATUSES)[number]) =>
    MOVES.filter((move) => {
      try {
        return transition(from, move) === move;
      } catch (error) {
        assert.ok(error instanceof HubError);
        assert.equal(error.code, from === 'closed' ? 'ALARM_CLOSED' : 'ALARM_INVALID_TRANSITION');
        return false;
      }
    });
  assert.deepEqual(allowed('new'), ['acknowledged', 'in_progress', 'closed']);
  assert.deepEqual(allowed('acknowledged'), ['in_progress', 'closed']);
  assert.deepEqual(allowed('in_progress'), ['closed']);
  assert.deepEqual(allowed('closed'), []);
});

test('only a new alarm is unattended (it escalates, and a source’s end closes it)', () => {
  assert.deepEqual(ALARM_STATUSES.filter(unattended), ['new']);
});
