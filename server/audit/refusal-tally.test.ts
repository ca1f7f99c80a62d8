import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefusalTally } from './refusal-tally.ts';
import type { AuditInput } from './types.ts';

function tally(options: { intervalMs?: number; maxSources?: number } = {}) {
  const records: AuditInput[] = [];
  let now = 1_000;
  const refusals = new RefusalTally({ intervalMs: options.intervalMs ?? 60_000, maxSources: options.maxSources ?? 1000, record: (input) => records.push(input), now: () => (now += 10) });
  return { refusals, records };
}

test('500 refusals from one address for one reason are one record with the count, written when the window ends', async () => {
  const { refusals, records } = tally({ intervalMs: 50 });
  for (let i = 0; i < 500; i++) refusals.count({ clientAddress: '203.0.113.7', code: 'AUTH_INVALID_TOKEN' });
  assert.equal(records.length, 0, 'nothing is written per refusal');
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(records.length, 1);
  assert.deepEqual(records[0], {
    at: 1_000 + 500 * 10,
    action: 'auth.refused',
    outcome: 'refused',
    code: 'AUTH_INVALID_TOKEN',
    clientAddress: '203.0.113.7',
    detail: { count: 500, firstAt: 1_010, lastAt: 6_000, intervalMs: 50 }
  });
  refusals.count({ clientAddress: '203.0.113.7', code: 'AUTH_INVALID_TOKEN' });
  refusals.close();
  assert.equal(records.length, 2, 'a refusal after the window opens the next one');
  assert.equal(records[1]?.detail?.count, 1);
});

test('addresses, reasons and refused users are counted apart; close() writes every open window', () => {
  const { refusals, records } = tally();
  refusals.count({ clientAddress: '10.0.0.1', code: 'AUTH_INVALID_TOKEN' });
  refusals.count({ clientAddress: '10.0.0.1', code: 'AUTH_TOKEN_EXPIRED' });
  refusals.count({ clientAddress: '10.0.0.2', code: 'AUTH_INVALID_TOKEN' });
  refusals.count({ clientAddress: '10.0.0.2', code: 'RATE_LIMITED', subject: 'kim', agency: 'seoul-119' });
  refusals.count({ clientAddress: '10.0.0.2', code: 'RATE_LIMITED', subject: 'kim', agency: 'seoul-119' });
  refusals.close();
  assert.deepEqual(
    records.map((r) => [r.clientAddress, r.code, r.subject, r.agency, r.detail?.count]),
    [
      ['10.0.0.1', 'AUTH_INVALID_TOKEN', undefined, undefined, 1],
      ['10.0.0.1', 'AUTH_TOKEN_EXPIRED', undefined, undefined, 1],
      ['10.0.0.2', 'AUTH_INVALID_TOKEN', undefined, undefined, 1],
      ['10.0.0.2', 'RATE_LIMITED', 'kim', 'seoul-119', 2]
    ]
  );
  refusals.close();
  assert.equal(records.length, 4, 'close is idempotent');
});

test('beyond maxSources, refusals from further addresses share one window per reason, without an address', () => {
  const { refusals, records } = tally({ maxSources: 3 });
  for (let i = 0; i < 100; i++) refusals.count({ clientAddress: `198.51.100.${i}`, code: 'AUTH_INVALID_TOKEN' });
  refusals.close();
  assert.equal(records.length, 4);
  assert.deepEqual(records.slice(0, 3).map((r) => r.detail?.count), [1, 1, 1]);
  const overflow = records[3]!;
  assert.equal(overflow.clientAddress, undefined);
  assert.equal(overflow.code, 'AUTH_INVALID_TOKEN');
  assert.equal(overflow.detail?.count, 97);
  assert.match(String(overflow.detail?.note), /beyond maxSources/);
});
