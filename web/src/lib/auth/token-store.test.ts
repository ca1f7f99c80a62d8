import assert from 'node:assert/strict';
import { test } from 'node:test';
import { peekClaims } from './token-store.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown) => `${b64url({ alg: 'EdDSA', typ: 'JWT' })}.${b64url(payload)}.c2ln`;

test('peekClaims reads expiry and agency for display', () => {
  const claims = peekClaims(
    jwt({ exp: 1_900_000_000, iat: 1_899_996_400, agency: 'seoul-119', agency_name: '서울종합방재센터', name: '근무자', role: 'operator', purpose: 'dispatch-119' })
  );
  assert.deepEqual(claims, {
    expiresAt: 1_900_000_000_000,
    issuedAt: 1_899_996_400_000,
    agency: 'seoul-119',
    agencyName: '서울종합방재센터',
    name: '근무자',
    role: 'operator',
    purpose: 'dispatch-119'
  });
});

test('peekClaims tolerates missing claims and surrounding blanks', () => {
  assert.deepEqual(peekClaims(`  ${jwt({})}\n`), { expiresAt: null, issuedAt: null, agency: null, agencyName: null, name: null, role: null, purpose: null });
});

test('peekClaims ignores a purpose the platform does not know', () => {
  assert.equal(peekClaims(jwt({ purpose: 'curiosity' }))?.purpose, null);
});

test('peekClaims refuses what is not a JWT', () => {
  assert.equal(peekClaims('not a token'), null);
  assert.equal(peekClaims('a.b'), null);
  assert.equal(peekClaims('a.b+c.d'), null);
  assert.equal(peekClaims(`x.${Buffer.from('not json').toString('base64url')}.y`), null);
});
