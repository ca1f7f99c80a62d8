/**
 * The local development issuer: stands in for an agency's identity provider on a single
 * machine. Its key pair is generated on first start into the data directory (no secret lives
 * in the repo) and it is never trusted in production mode.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
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
  sign(agency: DemoAgency, options: { audience: string; ttlSec: number; purpose: Purpose; subject?: string; role?: DemoAgency['role'] }): Promise<string>;
}

export async function openDevIssuer(dataDir: string, agencies: readonly DemoAgency[]): Promise<DevIssuer> {
  const dir = join(dataDir, 'dev-issuer');
  const privatePath = join(dir, 'private.jwk.json');
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
        name: `${agency.name} ${role === 'supervisor' ? '상황관리자' : '근무자'}`,
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
