/**
 * The local development issuer: stands in for an agency's identity provider on a single
 * machine. Its key pair is generated on first start into the data directory (no secret lives
 * in the repo) and it is never trusted in production mode.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import { DEV_KEY_ALG, openDevKey, PRIVATE_FILE } from './dev-keys.ts';
import type { AgencyRole } from '../protocol/dev-sign-in.ts';
import type { Purpose } from '../protocol/events.ts';
import { DEV_LPR_DIR } from '../lpr/sim/dev-system.ts';
import { DEV_ALERTS_DIR } from '../alerts/sim/dev-source.ts';
import type { IssuerConfig } from './issuers.ts';
import type { AgencyPolicy } from './policy.ts';

export const DEV_ISSUER = 'urn:golden-time-hub:dev-issuer';

export interface DemoAgency extends AgencyPolicy {
  nameEn: string;
  role: AgencyRole;
  /** District codes or `*`. */
  districts: string[];
  description: string;
}

export interface DevIssuer {
  config: IssuerConfig;
  sign(agency: DemoAgency, options: { audience: string; ttlSec: number; purpose: Purpose; subject?: string; role?: DemoAgency['role'] | 'wall' }): Promise<string>;
}

/**
 * Thumbprints of the development keys a production hub must not trust: the issuer's and the
 * LPR simulator's in its own data directory, and any whose private key lies beside a trusted JWKS file (the dev
 * issuer's layout, copied from a development machine).
 */
export async function devIssuerKeys(dataDir: string, jwksFiles: readonly string[]): Promise<Set<string>> {
  const thumbprints = new Set<string>();
  const own = [join(dataDir, 'dev-issuer', PRIVATE_FILE), join(dataDir, DEV_LPR_DIR, PRIVATE_FILE), join(dataDir, DEV_ALERTS_DIR, PRIVATE_FILE)];
  for (const file of [...own, ...jwksFiles.map((f) => join(dirname(f), PRIVATE_FILE))]) {
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
  const { key, kid, jwksFile } = await openDevKey(join(dataDir, 'dev-issuer'), 'dev');

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
        .setProtectedHeader({ alg: DEV_KEY_ALG, kid, typ: 'JWT' })
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
