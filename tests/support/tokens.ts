/** Test issuers: real key pairs, JWKS files on disk, and a signer — as an agency's IdP would have. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { IssuerConfig } from '../../server/auth/issuers.ts';

export interface TestIssuer {
  config: IssuerConfig;
  kid: string;
  publicPem: string;
  /** Adds a key (not yet published); sign with it via `options.kid`. */
  addKey(): Promise<string>;
  /** Rewrites the JWKS file with exactly these keys, as an IdP rotating or withdrawing keys would. */
  publish(kids: string[]): Promise<void>;
  sign(claims: JWTPayload, options?: { alg?: string; kid?: string; expiresIn?: string | number; notBefore?: string | number; issuedAt?: number; audience?: string; issuer?: string; key?: CryptoKey }): Promise<string>;
}

export const AUDIENCE = 'golden-time-hub';

export async function createTestIssuer(issuer: string, agencies: string[], alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${issuer}-k1`;
  const keys = new Map<string, { publicKey: CryptoKey; privateKey: CryptoKey }>([[kid, { publicKey, privateKey }]]);
  const dir = await mkdtemp(join(tmpdir(), 'gth-issuer-'));
  const jwksFile = join(dir, 'jwks.json');
  const publish = async (kids: string[]) => {
    const jwks = await Promise.all(kids.map(async (k) => ({ ...(await exportJWK(keys.get(k)!.publicKey)), kid: k, alg, use: 'sig' })));
    await writeFile(jwksFile, JSON.stringify({ keys: jwks }));
  };
  await publish([kid]);
  return {
    config: { issuer, agencies, jwksFile },
    kid,
    publicPem: await exportSPKI(publicKey),
    addKey: async () => {
      const next = `${issuer}-k${keys.size + 1}`;
      keys.set(next, await generateKeyPair(alg, { extractable: true }));
      return next;
    },
    publish,
    sign: (claims, options = {}) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? alg, kid: options.kid ?? kid })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(options.issuedAt)
        .setExpirationTime(options.expiresIn ?? '1h');
      if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
      return jwt.sign(options.key ?? keys.get(options.kid ?? kid)?.privateKey ?? privateKey);
    }
  };
}

/** Claims of a hub user; `districts` may hold `*` for city-wide. */
export function userClaims(agency: string, districts: string[], extra: Partial<JWTPayload> = {}): JWTPayload {
  return { sub: `user-${agency}`, name: `${agency} operator`, agency, role: 'operator', scope: { districts, cameras: [] }, ...extra };
}

/** An unsigned token (`alg: none`), as an attacker would hand-craft it. */
export function unsignedToken(payload: JWTPayload): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}
