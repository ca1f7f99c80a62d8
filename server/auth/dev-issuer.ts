/**
 * The local development issuer: stands in for an agency's identity provider on a single
 * machine. Its key pair is generated on first start into the data directory (no secret lives
 * in the repo) and it is never trusted in production mode.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Purpose } from '../protocol/events.ts';
import type { IssuerConfig } from './issuers.ts';
import type { AgencyPolicy } from './policy.ts';

export const DEV_ISSUER = 'urn:golden-time-hub:dev-issuer';
const ALG = 'EdDSA';

export interface DemoAgency extends AgencyPolicy {
  nameEn: string;
  role: 'operator' | 'supervisor' | 'auditor';
  /** District codes or `*`. */
  districts: string[];
  description: string;
}

export interface DevIssuer {
  config: IssuerConfig;
  sign(agency: DemoAgency, options: { audience: string; ttlSec: number; purpose: Purpose; subject?: string; role?: DemoAgency['role'] | 'wall' }): Promise<string>;
}

const PRIVATE_FILE = 'private.jwk.json';

/**
 * Thumbprints of the development issuer keys a production hub must not trust: the one in its
 * own data directory, and any whose private key lies beside a trusted JWKS file (the dev
 * issuer's layout, copied from a development machine).
 */
export async function devIssuerKeys(dataDir: string, jwksFiles: readonly string[]): Promise<Set<string>> {
  const thumbprints = new Set<string>();
  for (const file of [join(dataDir, 'dev-issuer', PRIVATE_FILE), ...jwksFiles.map((f) => join(dirname(f), PRIVATE_FILE))]) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    } catch {
      continue; // none there
    }
    // A thumbprint covers the public members only: the private JWK's is its public key's.
    thumbprints.add(await calculateJwkThumbprint(jwk));
  }
  return thumbprints;
}

export async function openDevIssuer(dataDir: string, agencies: readonly DemoAgency[]): Promise<DevIssuer> {
  const dir = join(dataDir, 'dev-issuer');
  const privatePath = join(dir, PRIVATE_FILE);
  const jwksFile = join(dir, 'jwks.json');
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(privatePath, 'utf8')) as JWK;
  } catch {
    const pair = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
    const kid = `dev-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`;
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: ALG };
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: ALG, use: 'sig' };
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(privatePath, JSON.stringify(privateJwk), { mode: 0o600 });
    await writeFile(jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2));
  }
  const key = await importJWK(privateJwk, ALG);
  const kid = privateJwk.kid ?? 'dev';

  return {
    config: { issuer: DEV_ISSUER, agencies: agencies.map((a) => a.id), jwksFile },
    sign(agency, { audience, ttlSec, purpose, subject, role }) {
      return new SignJWT({
        name: `${agency.name} ${role === 'supervisor' ? '상황관리자' : role === 'wall' ? '대형 화면' : '근무자'}`,
        agency: agency.id,
        agency_name: agency.name,
        role: role ?? agency.role,
        purpose,
        scope: { districts: agency.districts, cameras: [] }
      })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(audience)
        .setSubject(subject ?? `demo:${agency.id}`)
        .setIssuedAt()
        .setNotBefore('0s')
        .setExpirationTime(`${ttlSec}s`)
        .sign(key);
    }
  };
}
