import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlarmKind, AlarmLevel, AlertObservation } from '../protocol/alerts.ts';
import { alertsConfigSchema } from './config.ts';
import { DEMO_ALERTS, withDemoAlerts } from './demo.ts';
import { levelOf, routeAlarm } from './routing.ts';

const seoul = withDemoAlerts(alertsConfigSchema.parse({}), DEMO_ALERTS.seoul);
const gwangju = withDemoAlerts(alertsConfigSchema.parse({}), DEMO_ALERTS.gwangju);
const route = (rules: typeof seoul.routes, kind: AlarmKind, level: AlarmLevel, district: string) =>
  Object.fromEntries(routeAlarm({ kind, level, district }, rules).recipients.map((r) => [r.agency, r.priority]));

test('the Seoul demo matrix: every kind and level in every demo 구 reaches exactly its agencies, at its priority', () => {
  const GANGNAM = '11680';
  const SEOCHO = '11650';
  const MAPO = '11440';
  const JONGNO = '11110';
  const expected: Array<[AlarmKind, AlarmLevel, string, Record<string, number>]> = [
    ['fire', '주의', JONGNO, { 'seoul-119': 1, 'seoul-disaster': 2 }],
    ['fire', '심각', GANGNAM, { 'seoul-119': 1, 'seoul-disaster': 2 }],
    ['crowd', '주의', MAPO, { 'seoul-disaster': 3 }],
    ['crowd', '경계', MAPO, { 'seoul-disaster': 2, 'seoul-112': 2 }],
    ['crowd', '심각', MAPO, { 'seoul-disaster': 1, 'seoul-112': 1, 'seoul-119': 1 }],
    ['water', '주의', SEOCHO, { 'seoul-disaster': 3 }],
    ['water', '경계', SEOCHO, { 'seoul-disaster': 2, 'seoul-112': 2 }],
    ['water', '심각', SEOCHO, { 'seoul-disaster': 1, 'seoul-112': 1, 'seoul-119': 1 }],
    ['bell', '심각', GANGNAM, { 'seoul-112': 1, 'gangnam-police': 1 }],
    ['bell', '심각', MAPO, { 'seoul-112': 1, 'mapo-cctv': 1 }],
    ['bell', '심각', SEOCHO, { 'seoul-112': 1, 'seocho-cctv': 1 }],
    ['bell', '심각', JONGNO, { 'seoul-112': 1 }],
    ['sos', '심각', MAPO, { 'seoul-112': 1, 'seoul-welfare': 1 }],
    ['sos', '심각', GANGNAM, { 'seoul-112': 1, 'seoul-welfare': 1 }],
    ['tag', '경계', GANGNAM, { 'seoul-112': 1 }],
    ['tag', '심각', JONGNO, { 'seoul-112': 1 }]
  ];
  for (const [kind, level, district, agencies] of expected) assert.deepEqual(route(seoul.routes, kind, level, district), agencies, `${kind} ${level} in ${district}`);
});

test('Gwangju routes with its own agencies (no welfare team: an SOS goes to 112)', () => {
  assert.deepEqual(route(gwangju.routes, 'bell', '심각', '29140'), { 'gwangju-112': 1, 'gwangju-seobu-police': 1 });
  assert.deepEqual(route(gwangju.routes, 'bell', '심각', '29200'), { 'gwangju-112': 1, 'gwangsan-cctv': 1 });
  assert.deepEqual(route(gwangju.routes, 'crowd', '심각', '29110'), { 'gwangju-disaster': 1, 'gwangju-112': 1, 'gwangju-119': 1 });
  assert.deepEqual(route(gwangju.routes, 'sos', '심각', '29170'), { 'gwangju-112': 1 });
});

test('recipients are ordered most urgent first; the soonest escalation of the matching rules wins', () => {
  const routing = routeAlarm({ kind: 'fire', level: '심각', district: '11110' }, seoul.routes);
  assert.deepEqual(routing.recipients.map((r) => r.agency), ['seoul-119', 'seoul-disaster']);
  assert.deepEqual(routing.escalation, { afterS: 120, to: 'supervisor' });
  const sooner = alertsConfigSchema.parse({ routes: [{ kinds: ['fire'], districts: ['11110'], to: [{ agency: 'seoul-112', priority: 4 }], escalateAfterS: 10, escalateTo: 'seoul-112' }] }).routes;
  const both = routeAlarm({ kind: 'fire', level: '주의', district: '11110' }, [...seoul.routes, ...sooner]);
  assert.deepEqual(both.escalation, { afterS: 10, to: 'seoul-112' });
  assert.deepEqual(both.recipients.at(-1), { agency: 'seoul-112', priority: 4 });
  assert.deepEqual(routeAlarm({ kind: 'fire', level: '주의', district: '11680' }, sooner), { recipients: [], escalation: null }, 'a rule for another 구 does not match');
});

test('levels: crowd 3/4/5 per m², water by the site’s thresholds, fire by confidence; bells and SOS are 심각', () => {
  const context = { fireLevels: seoul.fireLevels, site: seoul.waterSites[0] };
  const crowd = (density: number) => levelOf({ kind: 'crowd', density } as AlertObservation, context);
  assert.deepEqual([2.5, 3, 3.9, 4, 4.9, 5, 7].map(crowd), ['주의', '주의', '주의', '경계', '경계', '심각', '심각']);
  const water = (levelCm: number) => levelOf({ kind: 'water', siteId: 'x', levelCm } as AlertObservation, context);
  assert.deepEqual([5, 10, 20, 29, 30].map(water), ['주의', '주의', '경계', '경계', '심각']);
  const fire = (confidence: number) => levelOf({ kind: 'fire', detected: 'smoke', confidence } as AlertObservation, context);
  assert.deepEqual([0.3, 0.6, 0.85].map(fire), ['주의', '경계', '심각']);
  assert.equal(levelOf({ kind: 'bell' } as AlertObservation, context), '심각');
  assert.equal(levelOf({ kind: 'sos' } as AlertObservation, context), '심각');
  assert.equal(levelOf({ kind: 'tag' } as AlertObservation, context), '경계');
});
