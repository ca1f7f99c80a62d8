import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubError } from '../protocol/errors.ts';
import { demoPrincipal } from './demo-principal.ts';
import { GrantPolicy, grantRulesSchema, type GrantRules } from './grant-policy.ts';
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
