import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubError } from '../protocol/errors.ts';
import { demoPrincipal } from './demo-principal.ts';
import { corridorCameras, GrantPolicy, grantRulesSchema, pursuitRulesSchema, rulePursuit, type CorridorInput, type GrantRules, type PursuitRules } from './grant-policy.ts';
import { principalFromClaims } from './principal.ts';

const rules: GrantRules = grantRulesSchema.parse({ types: ['crime', '실종'], purposes: ['emergency-112'], maxRadiusM: 500, defaultRadiusM: 800, jurisdiction: ['11680'], maxOpen: 2 });
const source = { name: 'cad-112', subject: 'cad-112', agencies: ['gangnam-police'], types: ['범죄' as const], purposes: ['emergency-112' as const], maxRadiusM: 300, jurisdiction: ['*'], maxOpen: 1 };
const policy = new GrantPolicy((agency) => (agency === 'gangnam-police' ? rules : undefined), [source], { ttlMs: 60_000, defaultRadiusM: 300 });
const operator = demoPrincipal('gangnam-police', 'emergency-112');
const cad = principalFromClaims('iss', { sub: 'cad-112', name: 'CAD', agency: 'gangnam-police', role: 'operator', purpose: 'emergency-112', scope: { districts: [], cameras: [] }, exp: 2e9 });
const at = (code: string | null, open = 0) => ({ openCount: () => open, districtAt: () => code });
const ask = (radiusM?: number, type: '범죄' | '화재' = '범죄') => ({ type, location: { lat: 37.5, lon: 127.05 }, radiusM });
const code = (ruling: unknown) => (ruling instanceof HubError ? ruling.code : 'ok');

test('an operator’s grant within the bounds waits for a supervisor; the default radius is capped at the maximum', () => {
  const ruling = policy.rule(operator, ask(), at('11680'));
  assert.deepEqual(ruling, { source: 'agency', radiusM: 500, ttlMs: 60_000, needsApproval: true });
  assert.deepEqual(grantRulesSchema.parse({ ...rules, types: ['missing'] }).types, ['실종'], 'English codes are read as the Korean type');
});

test('each bound refuses on its own: radius, jurisdiction (and outside the city), type, purpose, count, an agency without rules', () => {
  assert.equal(code(policy.rule(operator, ask(501), at('11680'))), 'GRANT_NOT_ALLOWED');
  assert.equal(code(policy.rule(operator, ask(100), at('11110'))), 'GRANT_NOT_ALLOWED');
  assert.equal(code(policy.rule(operator, ask(100), at(null))), 'GRANT_NOT_ALLOWED');
  assert.equal(code(policy.rule(operator, ask(100, '화재'), at('11680'))), 'GRANT_NOT_ALLOWED');
  assert.equal(code(policy.rule(demoPrincipal('gangnam-police', 'dispatch-112'), ask(100), at('11680'))), 'GRANT_NOT_ALLOWED');
  assert.equal(code(policy.rule(operator, ask(100), at('11680', 2))), 'GRANT_LIMIT_REACHED');
  assert.equal(code(policy.rule(demoPrincipal('seoul-119', 'dispatch-119'), ask(100), at('11680'))), 'GRANT_NOT_ALLOWED');
});

test('a trusted source mints at once within its own rules, counted on its own', () => {
  assert.deepEqual(policy.rule(cad, ask(300), at('11110')), { source: 'cad-112', radiusM: 300, ttlMs: 60_000, needsApproval: false });
  assert.equal(code(policy.rule(cad, ask(301), at('11680'))), 'GRANT_NOT_ALLOWED');
  assert.equal(code(policy.rule(cad, ask(100), { openCount: (_a, s) => (s === 'cad-112' ? 1 : 0), districtAt: () => '11680' })), 'GRANT_LIMIT_REACHED');
  assert.equal(policy.sourceOf(operator), undefined);
});

const pursuitRules: PursuitRules = pursuitRulesSchema.parse({ purposes: ['emergency-112'], jurisdiction: ['11680'], maxCameras: 3, horizonS: 120, corridorWidthM: 500, ttlMs: 120_000, maxOpen: 1 });
/** Metres east and north of the anchor, as a location. */
const anchor = { lat: 37.5, lon: 127.05, headingDeg: 90 };
const east = (m: number, north = 0) => ({ lat: anchor.lat + north / 111_195, lon: anchor.lon + m / (111_195 * Math.cos((anchor.lat * Math.PI) / 180)) });
const candidate = (cameraId: string, at: { lat: number; lon: number }, etaMinS: number, etaMaxS: number, probability = 0.5) => ({ cameraId, location: at, probability, etaMinS, etaMaxS });
const corridor = (predicted: ReturnType<typeof candidate>[], more: Partial<CorridorInput> = {}) =>
  corridorCameras(pursuitRules, { anchor, elapsedS: 10, predicted, pinned: [], held: new Set(), ...more });

test('the corridor grant holds at most maxCameras: the pinned sighting camera first, then the best ranked', () => {
  const ranked = [candidate('a', east(300), 10, 30), candidate('b', east(600), 20, 40), candidate('c', east(900), 30, 60), candidate('d', east(1200), 40, 80)];
  assert.deepEqual(corridor(ranked), ['a', 'b', 'c']);
  assert.deepEqual(corridor(ranked, { pinned: ['seen'] }), ['seen', 'a', 'b']);
  assert.equal(pursuitRulesSchema.safeParse({ ...pursuitRules, maxCameras: 33 }).success, false, 'the count is bounded by the schema too');
});

test('each corridor bound leaves a camera out on its own: width, horizon, a window already over, probability', () => {
  assert.deepEqual(corridor([candidate('wide', east(800, 501), 10, 30), candidate('in', east(800, 499), 10, 30)]), ['in'], 'at most corridorWidthM either side of the line of travel');
  assert.deepEqual(corridor([candidate('far', east(3000), 131, 200), candidate('near', east(2900), 130, 200)]), ['near'], 'reachable within horizonS from now');
  assert.deepEqual(corridor([candidate('passed', east(100), 2, 9), candidate('ahead', east(200), 2, 10)]), ['ahead'], 'a window that closed before now');
  assert.deepEqual(corridor([candidate('unlikely', east(100), 10, 30, 0.01), candidate('likely', east(200), 10, 30, 0.02)]), ['likely']);
  const still = { ...anchor, headingDeg: null };
  assert.deepEqual(corridor([candidate('north', east(0, 499), 10, 30), candidate('east', east(501), 10, 30)], { anchor: still }), ['north'], 'no heading: within the width of the sighting');
});

test('a held camera stays while it ranks within 1.5× the count, so the corridor does not flicker', () => {
  const ranked = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => candidate(id, east(100 * (i + 1)), 10, 30));
  assert.deepEqual(corridor(ranked, { held: new Set(['d']) }), ['d', 'a', 'b'], 'rank 4 of a count of 3 is kept');
  assert.deepEqual(corridor(ranked, { held: new Set(['e']) }), ['a', 'b', 'c'], 'rank 5 is not');
});

test('a pursuit opens within its agency’s rules: purpose, jurisdiction of the first sighting, count', () => {
  assert.equal(rulePursuit(pursuitRules, { purpose: 'emergency-112', district: '11680', open: 0 }), pursuitRules);
  assert.equal(code(rulePursuit(undefined, { purpose: 'emergency-112', district: '11680', open: 0 })), 'GRANT_NOT_ALLOWED');
  assert.equal(code(rulePursuit(pursuitRules, { purpose: 'dispatch-112', district: '11680', open: 0 })), 'GRANT_NOT_ALLOWED');
  assert.equal(code(rulePursuit(pursuitRules, { purpose: 'emergency-112', district: '11650', open: 0 })), 'GRANT_NOT_ALLOWED');
  assert.equal(code(rulePursuit(pursuitRules, { purpose: 'emergency-112', district: null, open: 0 })), 'GRANT_NOT_ALLOWED');
  assert.equal(code(rulePursuit(pursuitRules, { purpose: 'emergency-112', district: '11680', open: 1 })), 'GRANT_LIMIT_REACHED');
});
