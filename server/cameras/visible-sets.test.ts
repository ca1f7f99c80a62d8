import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgencyPolicies } from '../auth/policy.ts';
import { principalFromClaims, type Principal } from '../auth/principal.ts';
import type { Grant } from '../auth/scope.ts';
import { CameraIndex } from '../geo/camera-index.ts';
import { DEMO_AGENCIES } from './demo.ts';
import type { RegistryCamera } from './registry.ts';
import { ScopeIndex } from './scope-index.ts';
import { VisibleSets } from './visible-sets.ts';

const policies = new AgencyPolicies(DEMO_AGENCIES);
const DISTRICTS = [
  { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' },
  { code: '11440', name: '마포구', nameEn: 'Mapo-gu' }
];
/** 200 cameras, alternating 강남/마포, 100 m apart along a line. */
const cameras: RegistryCamera[] = Array.from({ length: 200 }, (_, i) => ({
  id: `C-${i}`,
  name: `카메라 ${i}`,
  nameEn: `Camera ${i}`,
  district: DISTRICTS[i % 2]!,
  category: '생활방범',
  location: { lat: 37.5, lon: 127 + i * 0.00113 },
  source: 'rtsp://127.0.0.1/x'
}));
const index = new ScopeIndex(cameras, new CameraIndex(cameras));

function principal(agency: string, districts: string[], purpose: 'dispatch-119' | 'emergency-112' | 'vulnerable-person', exp = 2e9): Principal {
  return principalFromClaims('iss', { sub: `u-${agency}`, name: 'n', agency, role: 'operator', purpose, scope: { districts, cameras: [] }, exp });
}

/** A clock and a mutable grant table, as Incidents would hold it. */
function fixture() {
  let now = 1_000_000;
  const grants: Grant[] = [];
  let built = 0;
  const counting = new Proxy(index, {
    get: (target, key) => (key === 'visible' ? (...args: Parameters<ScopeIndex['visible']>) => (built++, target.visible(...args)) : Reflect.get(target, key))
  });
  const sets = new VisibleSets(counting, { policies, grants: (agency) => grants.filter((g) => g.agency === agency), now: () => now });
  return { sets, grants, built: () => built, tick: (ms: number) => (now += ms), now: () => now };
}

const grantAt = (id: string, agency: string, i: number, expiresAt: number): Grant => ({ id, incidentId: `inc-${id}`, agency, center: cameras[i]!.location, radiusM: 150, expiresAt });

test('one set per key: sessions of one agency share it, and asking again makes nothing', () => {
  const f = fixture();
  const a = f.sets.of(principal('gangnam-police', ['11680'], 'emergency-112'));
  const b = f.sets.of(principal('gangnam-police', ['11680'], 'emergency-112'));
  assert.equal(a, b);
  assert.equal(f.built(), 1);
  assert.equal(a.count, 100);
});

test('a grant that widens the scope gives a new set; its end gives the old one back', () => {
  const f = fixture();
  const p = principal('gangnam-police', ['11680'], 'emergency-112');
  const before = f.sets.of(p);
  f.grants.push(grantAt('g1', 'gangnam-police', 51, f.now() + 60_000));
  const granted = f.sets.of(p);
  assert.ok(!granted.equals(before));
  assert.ok(granted.includes(cameras[51]!), 'the 마포 camera at the scene is in');
  assert.equal(granted.count, before.count + 1, '150 m round camera 51 holds 50–52: the 강남 ones were in already');
  f.grants.splice(0, 1);
  assert.equal(f.sets.of(p), before, 'grant ended: the kept set again');
});

test('a grant that widens nothing (city-wide agency) leaves the very same set', () => {
  const f = fixture();
  const p = principal('seoul-119', ['*'], 'dispatch-119');
  const before = f.sets.of(p);
  f.grants.push(grantAt('g1', 'seoul-119', 10, f.now() + 60_000));
  assert.equal(f.sets.of(p), before);
});

test('a renewed grant keeps its set; an expired one is dropped by the clock alone', () => {
  const f = fixture();
  const p = principal('seoul-welfare', [], 'vulnerable-person');
  assert.equal(f.sets.of(p).count, 0);
  f.grants.push(grantAt('g1', 'seoul-welfare', 100, f.now() + 1000));
  const granted = f.sets.of(p);
  assert.ok(granted.count > 0);
  const built = f.built();
  f.grants[0] = { ...f.grants[0]!, expiresAt: f.now() + 5000 };
  assert.equal(f.sets.of(p), granted, 'renewal: same set');
  assert.equal(f.built(), built, 'renewal: nothing rebuilt');
  f.tick(5000);
  assert.equal(f.sets.of(p).count, 0, 'expired (no grant:ended yet): nothing visible');
});

test('a refreshed token with the same claims keeps the set; a narrower one gets its own', () => {
  const f = fixture();
  const first = f.sets.of(principal('mapo-cctv', ['11440', '11680'], 'emergency-112'));
  const refreshed = f.sets.of(principal('mapo-cctv', ['11680', '11440'], 'emergency-112', 3e9));
  assert.equal(refreshed, first, 'same scope, in another order, later expiry');
  const narrower = f.sets.of(principal('mapo-cctv', ['11440'], 'emergency-112'));
  assert.equal(narrower.count, 100);
  assert.equal(first.count, 200);
});

test('another agency’s grant changes nothing for this one', () => {
  const f = fixture();
  const p = principal('gangnam-police', ['11680'], 'emergency-112');
  const before = f.sets.of(p);
  f.grants.push(grantAt('g1', 'seoul-welfare', 51, f.now() + 60_000));
  assert.equal(f.sets.of(p), before);
});
