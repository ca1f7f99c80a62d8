import assert from 'node:assert/strict';
import { test } from 'node:test';
import { principalFromClaims, type Principal } from './auth/principal.ts';
import { Budget, COST, requestCost, TokenBuckets } from './budget.ts';

function user(sub: string, agency = 'seoul-119', issuer = 'iss'): Principal {
  return principalFromClaims(issuer, { sub, name: 'n', agency, role: 'operator', purpose: 'dispatch-119', scope: { districts: ['*'], cameras: [] }, exp: 2e9 });
}

test('a bucket spends its burst, then refills at its rate; a refused take spends nothing', () => {
  let now = 0;
  const buckets = new TokenBuckets({ perSecond: 10, burst: 30 }, () => now);
  assert.ok(buckets.take('a', 25));
  assert.ok(!buckets.take('a', 10), '5 left');
  assert.equal(buckets.available('a'), 5, 'the refused take cost nothing');
  now += 500;
  assert.equal(buckets.available('a'), 10);
  now += 60_000;
  assert.equal(buckets.available('a'), 30, 'never above the burst');
  assert.equal(buckets.available('b'), 30, 'keys are separate');
});

test('how long until a bucket, and a budget, could pay: the user’s or the agency’s refill, whichever is later', () => {
  let now = 0;
  const buckets = new TokenBuckets({ perSecond: 10, burst: 30 }, () => now);
  assert.equal(buckets.waitMs('a', 30), 0, 'a full bucket pays at once');
  assert.ok(buckets.take('a', 28));
  assert.equal(buckets.waitMs('a', 2), 0);
  assert.equal(buckets.waitMs('a', 7), 500, '5 missing at 10 a second');
  const budget = new Budget({ user: { perSecond: 10, burst: 20 }, agency: { perSecond: 100, burst: 25 } }, () => now);
  assert.ok(budget.spend(user('kim'), 20));
  assert.equal(budget.waitMs(user('kim'), 10), 1000, 'the user is empty: its own refill');
  assert.equal(budget.waitMs(user('lee'), 10), 50, 'another user waits only for the agency (5 missing at 100 a second)');
});

test('a user is one budget however many sessions it holds; another user of the agency has its own, up to the agency’s', () => {
  let now = 0;
  const budget = new Budget({ user: { perSecond: 10, burst: 20 }, agency: { perSecond: 20, burst: 50 } }, () => now);
  const first = user('kim');
  const sameUserNewToken = user('kim');
  let served = 0;
  for (let i = 0; i < 100; i++) if (budget.spend(i % 2 ? first : sameUserNewToken, 1)) served++;
  assert.equal(served, 20, 'two sessions of one user share one burst');
  assert.ok(budget.spend(user('kim', 'seoul-119', 'other-issuer'), 1), 'the same name from another issuer is another user');
  assert.ok(budget.spend(user('lee'), 20), 'another user of the agency still has its own');
  assert.ok(!budget.spend(user('park'), 10), 'the agency has 9 left: refused');
  assert.ok(budget.spend(user('park'), 9));
  assert.ok(budget.spend(user('kim', 'gangnam-police'), 20), 'another agency is not touched');
  now += 1000;
  assert.ok(budget.spend(first, 10), 'a second later the user has refilled');
});

test('a refused spend costs neither the user nor the agency', () => {
  const now = 0;
  const budget = new Budget({ user: { perSecond: 1, burst: 10 }, agency: { perSecond: 1, burst: 15 } }, () => now);
  assert.ok(budget.spend(user('a'), 10));
  assert.ok(!budget.spend(user('b'), 10), 'agency short by 5');
  assert.ok(budget.spend(user('b'), 5), 'b was not charged for the refusal');
});

test('a search and a long page cost more than a plain request', () => {
  assert.equal(requestCost('consumer:resume', { consumerId: 'x' }), COST.request);
  assert.equal(requestCost('cameras:list', {}), COST.request + 2 * COST.pageOf100);
  assert.equal(requestCost('cameras:list', { query: '  ' }), COST.request + 2 * COST.pageOf100, 'a blank query is no search');
  assert.equal(requestCost('cameras:list', { query: '강남', limit: 500 }), COST.request + COST.search + 5 * COST.pageOf100);
  assert.equal(requestCost('cameras:get', { ids: ['a', 'b'] }), COST.request + COST.pageOf100);
});
