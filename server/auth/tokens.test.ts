import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadIssuers } from './issuers.ts';
import { verifyToken } from './tokens.ts';
import { HubError } from '../protocol/errors.ts';
import { AUDIENCE, createTestIssuer, unsignedToken, userClaims } from '../../tests/support/tokens.ts';

const fire = await createTestIssuer('https://idp.fire.example', ['seoul-119'], 'EdDSA');
const police = await createTestIssuer('https://idp.police.example', ['gangnam-police'], 'ES256');
const issuers = await loadIssuers([fire.config, police.config]);
const verify = (token: unknown, now?: number) => verifyToken(token, { issuers, audience: AUDIENCE, now: now ? () => now : undefined });

/** Tokens tried per kind, and how many were accepted — the figures of the token matrix. */
const tally = new Map<string, { tried: number; accepted: number }>();
let kind = 'valid';
const count = (accepted: boolean) => {
  const entry = tally.get(kind) ?? { tried: 0, accepted: 0 };
  entry.tried++;
  if (accepted) entry.accepted++;
  tally.set(kind, entry);
};
after(() => {
  for (const [name, { tried, accepted }] of tally) process.stdout.write(`token matrix: ${name}: tried ${tried}, accepted ${accepted}\n`);
});

async function refusedWith(code: string, token: unknown): Promise<void> {
  await assert.rejects(verify(token).then((p) => (count(true), p)), (error: unknown) => {
    count(false);
    assert.ok(error instanceof HubError, `expected HubError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test('a token from a trusted issuer for its own agency is accepted (EdDSA and ES256)', async () => {
  kind = 'valid (EdDSA, ES256)';
  count(true);
  count(true);
  const principal = await verify(await fire.sign(userClaims('seoul-119', ['*'])));
  assert.equal(principal.agency.id, 'seoul-119');
  assert.equal(principal.scope.cityWide, true);
  const officer = await verify(await police.sign(userClaims('gangnam-police', ['11680'])));
  assert.deepEqual([...officer.scope.districts], ['11680']);
  assert.equal(officer.scope.cityWide, false);
});

test('missing and malformed tokens are refused', async () => {
  kind = 'missing or malformed';
  await refusedWith('AUTH_REQUIRED', undefined);
  await refusedWith('AUTH_REQUIRED', '');
  await refusedWith('AUTH_INVALID_TOKEN', 'not.a.jwt');
  await refusedWith('AUTH_INVALID_TOKEN', 'x'.repeat(9000));
});

test('alg none is refused', async () => {
  kind = 'alg none';
  await refusedWith('AUTH_INVALID_TOKEN', unsignedToken({ ...userClaims('seoul-119', ['*']), iss: fire.config.issuer, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 }));
});

test('HS256 signed with the issuer public key (algorithm confusion) is refused', async () => {
  kind = 'HS256 with the public key';
  const secret = new TextEncoder().encode(fire.publicPem);
  const forged = await fire.sign(userClaims('seoul-119', ['*']), { alg: 'HS256', key: secret as never });
  await refusedWith('AUTH_INVALID_TOKEN', forged);
});

test('a forged signature is refused', async () => {
  kind = 'forged signature';
  const good = await fire.sign(userClaims('seoul-119', ['*']));
  const [h, p] = good.split('.');
  const other = await createTestIssuer(fire.config.issuer, ['seoul-119']);
  const stolenSig = (await other.sign(userClaims('seoul-119', ['*']), { kid: fire.kid })).split('.')[2];
  await refusedWith('AUTH_INVALID_TOKEN', `${h}.${p}.${stolenSig}`);
});

test('expired and not-yet-valid tokens are refused', async () => {
  kind = 'expired or not yet valid';
  await refusedWith('AUTH_TOKEN_EXPIRED', await fire.sign(userClaims('seoul-119', ['*']), { expiresIn: Math.floor(Date.now() / 1000) - 60 }));
  await refusedWith('AUTH_INVALID_TOKEN', await fire.sign(userClaims('seoul-119', ['*']), { notBefore: '10m' }));
  const token = await fire.sign(userClaims('seoul-119', ['*']), { expiresIn: '10m' });
  await assert.rejects(verify(token, Date.now() + 11 * 60_000), { code: 'AUTH_TOKEN_EXPIRED' });
});

test('wrong audience, unknown issuer, unknown kid are refused', async () => {
  kind = 'wrong audience, unknown issuer, unknown kid';
  await refusedWith('AUTH_INVALID_TOKEN', await fire.sign(userClaims('seoul-119', ['*']), { audience: 'another-service' }));
  const stranger = await createTestIssuer('https://idp.stranger.example', ['seoul-119']);
  await refusedWith('AUTH_UNTRUSTED_ISSUER', await stranger.sign(userClaims('seoul-119', ['*'])));
  await refusedWith('AUTH_INVALID_TOKEN', await fire.sign(userClaims('seoul-119', ['*']), { kid: 'no-such-kid' }));
});

test('an issuer cannot mint tokens for another agency', async () => {
  kind = 'issuer claiming another agency';
  await refusedWith('AUTH_UNTRUSTED_ISSUER', await police.sign(userClaims('seoul-119', ['*'])));
});

test('claims that do not fit the hub schema are refused', async () => {
  kind = 'claims outside the schema';
  await refusedWith('AUTH_INVALID_TOKEN', await fire.sign({ sub: 'x', agency: 'seoul-119' }));
  await refusedWith('AUTH_INVALID_TOKEN', await fire.sign(userClaims('seoul-119', ['*'], { role: 'god' })));
});

test('a token issued in the future is refused beyond the allowed clock skew', async () => {
  kind = 'iat in the future';
  const nowSec = Math.floor(Date.now() / 1000);
  const tomorrow = await fire.sign(userClaims('seoul-119', ['*']), { issuedAt: nowSec + 86_400, expiresIn: nowSec + 2 * 86_400 });
  await refusedWith('AUTH_INVALID_TOKEN', tomorrow);
  await assert.rejects(verify(tomorrow), /issued in the future/);
  // An IdP whose clock runs 30 s ahead is within the default 60 s; a stricter hub refuses it.
  const skewed = await fire.sign(userClaims('seoul-119', ['*']), { issuedAt: nowSec + 30 });
  assert.equal((await verify(skewed)).agency.id, 'seoul-119');
  await assert.rejects(verifyToken(skewed, { issuers, audience: AUDIENCE, maxIssuedAtSkewSec: 10 }), { code: 'AUTH_INVALID_TOKEN' });
});
