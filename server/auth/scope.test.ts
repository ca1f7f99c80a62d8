import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_AGENCIES } from '../cameras/demo.ts';
import type { Purpose } from '../protocol/events.ts';
import { AgencyPolicies } from './policy.ts';
import { demoPrincipal } from './demo-principal.ts';
import { principalFromClaims, type Principal } from './principal.ts';
import { decideUnknownCamera, decideView, distanceM, type Grant, type ScopedCamera, type ViewDecision } from './scope.ts';

const policies = new AgencyPolicies(DEMO_AGENCIES);
const now = 1_800_000_000_000;


const camera = (id: string, district: string, category: string, lat = 37.5, lon = 127): ScopedCamera => ({ id, district: { code: district }, category, location: { lat, lon } });
const CAMERAS = [
  camera('gangnam-crime', '11680', '생활방범'),
  camera('gangnam-flood', '11680', '재난재해'),
  camera('mapo-traffic', '11440', '교통단속'),
  camera('mapo-flood', '11440', '재난재해'),
  camera('jongno-school', '11110', '어린이보호'),
  camera('seocho-traffic', '11650', '교통단속')
];
const decide = (p: Principal, c: ScopedCamera, grants: Grant[] = []) => decideView(p, c, { policies, grants, now });

/** The policy table: agency (with its default purpose) → cameras it may view. */
const EXPECTED: Record<string, string[]> = {
  'seoul-119': ['gangnam-crime', 'gangnam-flood', 'mapo-traffic', 'mapo-flood', 'jongno-school', 'seocho-traffic'],
  'seoul-112': ['gangnam-crime', 'gangnam-flood', 'mapo-traffic', 'mapo-flood', 'jongno-school', 'seocho-traffic'],
  'gangnam-police': ['gangnam-crime', 'gangnam-flood'],
  'seocho-cctv': ['seocho-traffic'],
  'mapo-cctv': ['mapo-traffic', 'mapo-flood'],
  'seoul-disaster': ['gangnam-flood', 'mapo-flood'],
  'seoul-welfare': [],
  'seoul-audit': []
};

test('scope matrix: every demo agency × camera is allowed or refused exactly as the policy says', () => {
  for (const agency of DEMO_AGENCIES) {
    const p = demoPrincipal(agency.id, agency.purposes[0]);
    const allowed = CAMERAS.filter((c) => decide(p, c).allowed).map((c) => c.id);
    assert.deepEqual(allowed, EXPECTED[agency.id], agency.id);
  }
});

test('a view needs a purpose the agency is allowed, and auditors never view', () => {
  const c = CAMERAS[0]!;
  const none = decide(demoPrincipal('seoul-119', undefined), c);
  assert.equal(!none.allowed && none.code, 'PURPOSE_REQUIRED');
  const wrong = decide(demoPrincipal('seoul-119', 'emergency-112'), c);
  assert.equal(!wrong.allowed && wrong.code, 'PURPOSE_NOT_ALLOWED');
  const auditor = decide(demoPrincipal('seoul-audit', 'audit'), c);
  assert.equal(!auditor.allowed && auditor.code, 'FORBIDDEN');
  const unknownAgency = decide(principalFromClaims('iss', { sub: 's', name: 'n', agency: 'nobody', role: 'operator', purpose: 'dispatch-119', scope: { districts: ['*'], cameras: [] }, exp: 2e9 }), c);
  assert.equal(!unknownAgency.allowed && unknownAgency.code, 'PURPOSE_NOT_ALLOWED');
});

test('an incident grant opens the cameras within its radius only, only until it expires', () => {
  const welfare = demoPrincipal('seoul-welfare', 'vulnerable-person');
  const scene = { lat: 37.5, lon: 127 };
  const near = camera('near', '11440', '생활방범', 37.5009, 127); // ≈100 m north
  const far = camera('far', '11440', '생활방범', 37.51, 127); // ≈1.1 km north
  assert.ok(distanceM(scene, near.location) < 150 && distanceM(scene, far.location) > 1000);
  const grant: Grant = { id: 'g1', incidentId: 'i1', agency: 'seoul-welfare', center: scene, radiusM: 300, expiresAt: now + 60_000 };
  const viaGrant = decide(welfare, near, [grant]);
  assert.equal(viaGrant.allowed && viaGrant.basis, 'grant');
  assert.equal(decide(welfare, far, [grant]).allowed, false);
  assert.equal(decide(welfare, near, [{ ...grant, expiresAt: now }]).allowed, false, 'expired grant');
  assert.equal(decide(welfare, near, [{ ...grant, agency: 'seoul-112' }]).allowed, false, "another agency's grant");
});

test('category filters apply to grants too', () => {
  const disaster = demoPrincipal('seoul-disaster', 'disaster');
  const grant: Grant = { id: 'g', incidentId: 'i', agency: 'seoul-disaster', center: { lat: 37.5, lon: 127 }, radiusM: 500, expiresAt: now + 1000 };
  assert.equal(decide(disaster, camera('x', '11440', '생활방범'), [grant]).allowed, false);
  assert.equal(decide(disaster, camera('y', '11440', '재난재해'), [grant]).allowed, true);
});

test('single cameras granted in the token count as scope', () => {
  const p = demoPrincipal('gangnam-police', 'dispatch-112', { cameras: ['mapo-traffic'] });
  const d = decide(p, CAMERAS[2]!);
  assert.equal(d.allowed && d.basis, 'scope');
});

test('an unknown camera, one of a category the agency may not use and one out of scope get one answer that names nothing', () => {
  const wire = (d: ViewDecision) => (d.allowed ? d : { code: d.code, message: d.message });
  const disaster = demoPrincipal('seoul-disaster', 'disaster');
  const category = decide(disaster, camera('traffic', '11440', '교통단속'));
  const outside = decide(demoPrincipal('gangnam-police', 'dispatch-112'), CAMERAS[2]!);
  const unknown = decideUnknownCamera(demoPrincipal('gangnam-police', 'dispatch-112'), policies);
  assert.equal(!category.allowed && category.why, 'category', 'the audit trail still knows why');
  assert.deepEqual(wire(category), wire(outside));
  assert.deepEqual(wire(unknown), wire(outside));
  assert.doesNotMatch(JSON.stringify(wire(category)), /교통단속/);
  // What the principal may not do at all comes first, known camera or not.
  assert.equal(decideUnknownCamera(demoPrincipal('seoul-audit', 'audit'), policies).code, 'FORBIDDEN');
});

test('a pursuit’s corridor grant opens exactly the cameras it lists, in any 구, only until it expires', () => {
  const police = demoPrincipal('gangnam-police', 'emergency-112');
  const seocho = CAMERAS.find((c) => c.id === 'seocho-traffic')!;
  const mapo = CAMERAS.find((c) => c.id === 'mapo-traffic')!;
  // Its circle would hold every camera here: the list, not the circle, decides.
  const corridor: Grant = { id: 'g', incidentId: 'i', agency: 'gangnam-police', center: seocho.location, radiusM: 5000, expiresAt: now + 1000, cameras: ['seocho-traffic'], pursuitId: 'pur-1' };
  const allowed = decide(police, seocho, [corridor]);
  assert.ok(allowed.allowed && allowed.basis === 'grant' && allowed.grant.pursuitId === 'pur-1');
  assert.equal(decide(police, mapo, [corridor]).allowed, false, 'a camera it does not list');
  assert.equal(decide(police, seocho, [{ ...corridor, expiresAt: now }]).allowed, false, 'expired');
  assert.equal(decide(police, seocho, [{ ...corridor, agency: 'seoul-welfare' }]).allowed, false, 'another agency’s');
});

test('an extended grant opens no more than its bound: the owner agency\'s categories, and its 구 when given', () => {
  const welfare = demoPrincipal('seoul-welfare', 'vulnerable-person');
  const circle = { id: 'g', incidentId: 'i', agency: 'seoul-welfare', center: { lat: 37.5, lon: 127 }, radiusM: 100, expiresAt: now + 60_000 };
  const seen = (grant: Grant) => CAMERAS.filter((c) => decide(welfare, c, [grant]).allowed).map((c) => c.id);
  assert.deepEqual(seen(circle), ['gangnam-crime', 'gangnam-flood', 'mapo-traffic', 'mapo-flood', 'jongno-school', 'seocho-traffic'], 'unbounded: the whole circle');
  assert.deepEqual(seen({ ...circle, within: { agency: 'seoul-disaster' } }), ['gangnam-flood', 'mapo-flood'], 'the disaster room\'s categories');
  assert.deepEqual(seen({ ...circle, within: { agency: 'mapo-cctv', districts: ['11440'] } }), ['mapo-traffic', 'mapo-flood'], 'the 마포 centre\'s 구');
});
