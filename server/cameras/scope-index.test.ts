import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgencyPolicies } from '../auth/policy.ts';
import { demoPrincipal } from '../auth/demo-principal.ts';
import type { Principal } from '../auth/principal.ts';
import { decideView, type Grant } from '../auth/scope.ts';
import { CameraIndex } from '../geo/camera-index.ts';
import { seoulDistricts } from '../geo/districts.ts';
import { seededRandom } from '../geo/random.ts';
import { PURPOSES, type Purpose } from '../protocol/events.ts';
import { DEMO_AGENCIES } from './demo.ts';
import type { RegistryCamera } from './registry.ts';
import { ScopeIndex } from './scope-index.ts';

const policies = new AgencyPolicies(DEMO_AGENCIES);
const now = 1_800_000_000_000;
const CATEGORIES = ['생활방범', '어린이보호', '교통단속', '재난재해', '다목적'];

/** 6,000 cameras over every 구 and category, in and around Seoul; some share a pole (same spot). */
function registry(): RegistryCamera[] {
  const random = seededRandom(7);
  const districts = seoulDistricts();
  const cameras: RegistryCamera[] = [];
  for (let i = 0; i < 6000; i++) {
    const district = districts[Math.floor(random() * districts.length)]!;
    const shared = i % 5 === 4 ? cameras[i - 1]!.location : { lat: 37.42 + random() * 0.28, lon: 126.76 + random() * 0.45 };
    cameras.push({
      id: `T-${district.code}-${i}`,
      name: `카메라 ${i}`,
      nameEn: `Camera ${i}`,
      district: { code: district.code, name: district.name, nameEn: district.nameEn },
      category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!,
      location: shared,
      source: 'rtsp://127.0.0.1/x'
    });
  }
  return cameras;
}

const cameras = registry();
const index = new ScopeIndex(cameras, new CameraIndex(cameras));


const grant = (id: string, agency: string, at: RegistryCamera, radiusM: number, expiresAt = now + 60_000): Grant => ({
  id,
  incidentId: `inc-${id}`,
  agency,
  center: at.location,
  radiusM,
  expiresAt
});

/** A pursuit's corridor grant: these cameras (any 구, any category), not a circle. */
const corridor = (id: string, agency: string, positions: number[], expiresAt = now + 60_000): Grant => ({
  ...grant(id, agency, cameras[positions[0]!]!, 5000, expiresAt),
  cameras: [...positions.map((i) => cameras[i]!.id), 'no-such-camera']
});

/**
 * Grants of every kind: this agency's (one on a pole, one large), another agency's, an expired one, one expiring exactly now,
 * and corridor grants (this agency's, another's, an expired one).
 */
function grantsFor(agency: string): Grant[] {
  return [
    grant('a', agency, cameras[9]!, 300),
    grant('b', agency, cameras[2500]!, 2000),
    grant('c', 'someone-else', cameras[4000]!, 3000),
    grant('d', agency, cameras[1200]!, 5000, now - 1),
    grant('e', agency, cameras[3300]!, 800, now),
    corridor('f', agency, [17, 600, 1800, 2999, 4100, 4101]),
    corridor('g', 'someone-else', [18, 601, 1801]),
    corridor('h', agency, [19, 602, 1802], now)
  ];
}

function assertSameAsBruteForce(p: Principal, grants: Grant[], label: string): number {
  const context = { policies, grants, now };
  const brute = cameras.flatMap((camera, i) => (decideView(p, camera, context).allowed ? [i] : []));
  const visible = index.visible(p, context);
  assert.deepEqual([...visible.positions], brute, label);
  assert.equal(visible.count, brute.length, label);
  for (const [i, camera] of cameras.entries()) assert.equal(visible.includes(camera), visible.has(i), label);
  return brute.length;
}

test('the index gives decideView’s answers for every demo agency and purpose, with and without grants', () => {
  let nonEmpty = 0;
  for (const agency of DEMO_AGENCIES) {
    for (const purpose of [...PURPOSES, undefined]) {
      for (const grants of [[], grantsFor(agency.id)]) {
        const label = `${agency.id} ${purpose ?? '(no purpose)'} grants=${grants.length}`;
        if (assertSameAsBruteForce(demoPrincipal(agency.id, purpose), grants, label) > 0) nonEmpty++;
      }
    }
  }
  assert.ok(nonEmpty >= 10, 'the comparison covers many non-empty sets');
});

test('cameras named in the token, several districts, and auditors: the same answers as decideView', () => {
  const named = [cameras[0]!.id, cameras[17]!.id, 'T-unknown', cameras[5999]!.id];
  assertSameAsBruteForce(demoPrincipal('seoul-welfare', 'vulnerable-person', { cameras: named }), [], 'welfare with named cameras');
  assertSameAsBruteForce(demoPrincipal('seoul-disaster', 'disaster', { districts: [], cameras: named }), grantsFor('seoul-disaster'), 'disaster: named cameras of other categories stay out');
  assertSameAsBruteForce(demoPrincipal('mapo-cctv', 'monitoring', { districts: ['11440', '11680', '11110'] }), grantsFor('mapo-cctv'), 'three 구');
  assertSameAsBruteForce(demoPrincipal('seoul-119', 'dispatch-119', { role: 'auditor' }), grantsFor('seoul-119'), 'auditor role');
  const welfare = index.visible(demoPrincipal('seoul-welfare', 'vulnerable-person'), { policies, grants: grantsFor('seoul-welfare'), now });
  assert.ok(welfare.count > 0 && welfare.count < cameras.length, 'a grant-only agency sees what its grants cover, not more');
});

test('equal sets compare equal; one camera more does not', () => {
  const p = demoPrincipal('gangnam-police', 'emergency-112');
  const a = index.visible(p, { policies, grants: [], now });
  const b = index.visible(p, { policies, grants: [], now });
  assert.ok(a.equals(b));
  const outside = cameras.find((c) => c.district.code !== '11680')!;
  const wider = index.visible(p, { policies, grants: [grant('g', 'gangnam-police', outside, 1)], now });
  assert.equal(wider.count, a.count + cameras.filter((c) => c.location === outside.location && c.district.code !== '11680').length);
  assert.ok(!wider.equals(a));
});

test("a grant's count on a control centre's page is what it opens for its agency in that centre's 구", () => {
  // seoul-disaster sees 재난재해 only; the extended grant also stays within 서초·강남 (11650, 11680).
  const districts = ['11650', '11680', '11440'];
  const bounded: Grant = { ...grant('x', 'seoul-disaster', cameras[2500]!, 6000), within: { agency: 'seoul-119', districts: ['11650', '11680'] } };
  // A corridor over 60 cameras, half in these 구 and half elsewhere, of every category.
  const positions = (inside: boolean) => cameras.flatMap((c, i) => (districts.includes(c.district.code) === inside ? [i] : [])).slice(0, 30);
  const list = corridor('f', 'seoul-disaster', [...positions(true), ...positions(false)]);
  for (const g of [grant('b', 'seoul-disaster', cameras[2500]!, 6000), bounded, list]) {
    const agency = demoPrincipal('seoul-disaster', 'disaster');
    // The grant alone (the agency's own city-wide scope aside): a principal that sees nothing but it.
    const onlyGrant: Principal = { ...agency, scope: { cityWide: false, districts: new Set(), cameras: new Set() } };
    const want = cameras.filter((c) => districts.includes(c.district.code) && decideView(onlyGrant, c, { policies, grants: [g], now }).allowed).map((c) => c.id);
    assert.deepEqual(index.openedBy(g, districts, policies).sort(), want.sort(), g.id);
    assert.ok(want.length > 0, `${g.id} opens something`);
  }
  // Its bound and the agency's categories count: fewer than the circle's raw count.
  const raw = cameras.filter((c) => districts.includes(c.district.code) && Math.hypot(c.location.lat - bounded.center.lat, (c.location.lon - bounded.center.lon) * 0.79) * 111_000 <= 6000).length;
  assert.ok(index.openedBy(bounded, districts, policies).length < raw);
});
