/**
 * The development LPR system: stands in for a real plate-reading system on one machine, so the
 * vehicle simulator can sign its reads. Its key pair is made on first start in the data
 * directory (no secret in the repo); the hub trusts it in development only — production refuses
 * its issuer in `lpr.systems` and its key under any issuer name (server/auth/dev-issuer.ts).
 */
import { join } from 'node:path';
import { devSourceSigner, openDevKey } from '../../auth/dev-keys.ts';

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
  const devKey = await openDevKey(join(dataDir, DEV_LPR_DIR), 'dev-lpr');
  return {
    system: DEV_LPR_SYSTEM,
    config: { name: DEV_LPR_SYSTEM, issuer: DEV_LPR_ISSUER, jwksFile: devKey.jwksFile, cameras: [], districts: ['*'] },
    sign: devSourceSigner(devKey, { issuer: DEV_LPR_ISSUER, subject: DEV_LPR_SYSTEM, audience })
  };
}
