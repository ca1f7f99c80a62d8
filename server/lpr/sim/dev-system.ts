/**
 * The development LPR system: stands in for a real plate-reading system on one machine, so the
 * vehicle simulator can sign its reads. Its key pair is made on first start in the data
 * directory (no secret in the repo); the hub trusts it in development only — production refuses
 * its issuer in `lpr.systems` and its key under any issuer name (server/auth/dev-issuer.ts).
 */
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { DEV_KEY_ALG, openDevKey } from '../../auth/dev-keys.ts';

export const DEV_LPR_ISSUER = 'urn:golden-time-hub:dev-lpr';
export const DEV_LPR_SYSTEM = 'dev-lpr';
/** Where its keys live, inside the data directory. */
export const DEV_LPR_DIR = 'dev-lpr';

/** How an LPR system signs a request to `/api/lpr/reads`: a short-lived JWT for the hub's audience. */
export interface LprSigner {
  system: string;
  sign(): Promise<string>;
}

export interface DevLprSystem extends LprSigner {
  /** As `lpr.systems[]` lists it: every camera of the region. */
  config: { name: string; issuer: string; jwksFile: string; cameras: string[]; districts: string[] };
}

export async function openDevLprSystem(dataDir: string, audience: string): Promise<DevLprSystem> {
  const { key, kid, jwksFile } = await openDevKey(join(dataDir, DEV_LPR_DIR), 'dev-lpr');
  return {
    system: DEV_LPR_SYSTEM,
    config: { name: DEV_LPR_SYSTEM, issuer: DEV_LPR_ISSUER, jwksFile, cameras: [], districts: ['*'] },
    sign: () =>
      new SignJWT({})
        .setProtectedHeader({ alg: DEV_KEY_ALG, kid, typ: 'JWT' })
        .setIssuer(DEV_LPR_ISSUER)
        .setSubject(DEV_LPR_SYSTEM)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('120s')
        .sign(key)
  };
}
