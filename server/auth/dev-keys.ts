/**
 * A development signing key kept in the data directory: an Ed25519 pair made on first use, the
 * private JWK beside the public JWKS the hub trusts. Development stand-ins (the demo issuer, the
 * simulated LPR system) sign with one; production refuses any key with a private half beside it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

export const DEV_KEY_ALG = 'EdDSA';
/** The private key's file name, beside `jwks.json`. */
export const PRIVATE_FILE = 'private.jwk.json';

export interface DevKey {
  key: CryptoKey | Uint8Array;
  kid: string;
  jwksFile: string;
}

/** The key pair in `dir`, made there if missing (`kidPrefix` names new keys). */
export async function openDevKey(dir: string, kidPrefix: string): Promise<DevKey> {
  const privatePath = join(dir, PRIVATE_FILE);
  const jwksFile = join(dir, 'jwks.json');
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(privatePath, 'utf8')) as JWK;
  } catch {
    const pair = await generateKeyPair(DEV_KEY_ALG, { crv: 'Ed25519', extractable: true });
    const kid = `${kidPrefix}-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`;
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: DEV_KEY_ALG };
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: DEV_KEY_ALG, use: 'sig' };
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(privatePath, JSON.stringify(privateJwk), { mode: 0o600 });
    await writeFile(jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2));
  }
  return { key: await importJWK(privateJwk, DEV_KEY_ALG), kid: privateJwk.kid ?? kidPrefix, jwksFile };
}

/** How a development machine source (LPR system, alert source) signs a request: a short-lived JWT for the hub's audience. */
export function devSourceSigner(devKey: DevKey, claims: { issuer: string; subject: string; audience: string }): () => Promise<string> {
  return () =>
    new SignJWT({})
      .setProtectedHeader({ alg: DEV_KEY_ALG, kid: devKey.kid, typ: 'JWT' })
      .setIssuer(claims.issuer)
      .setSubject(claims.subject)
      .setAudience(claims.audience)
      .setIssuedAt()
      .setExpirationTime('120s')
      .sign(devKey.key);
}
