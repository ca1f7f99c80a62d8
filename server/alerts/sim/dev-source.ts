/**
 * The development alert source: stands in for the analytics servers, bell controllers and the
 * SOS service on one machine, so the simulators can sign their events. Its key pair is made on
 * first start in the data directory (no secret in the repo); the hub trusts it in development
 * only — production refuses its issuer in `alerts.sources` and its key under any issuer name.
 */
import { join } from 'node:path';
import { devSourceSigner, openDevKey } from '../../auth/dev-keys.ts';
import { ALARM_KINDS } from '../../protocol/alerts.ts';
import type { AlertSourceConfig } from '../config.ts';

export const DEV_ALERTS_ISSUER = 'urn:golden-time-hub:dev-alerts';
export const DEV_ALERTS_SOURCE = 'dev-alerts';
/** Where its keys live, inside the data directory. */
export const DEV_ALERTS_DIR = 'dev-alerts';

/** How a source signs a request to `/api/alerts/events`. */
export interface AlertSigner {
  source: string;
  sign(): Promise<string>;
}

export interface DevAlertSource extends AlertSigner {
  /** As `alerts.sources[]` lists it: every kind, the whole region. */
  config: AlertSourceConfig;
}

export async function openDevAlertSource(dataDir: string, audience: string): Promise<DevAlertSource> {
  const devKey = await openDevKey(join(dataDir, DEV_ALERTS_DIR), 'dev-alerts');
  return {
    source: DEV_ALERTS_SOURCE,
    config: { name: DEV_ALERTS_SOURCE, issuer: DEV_ALERTS_ISSUER, jwksFile: devKey.jwksFile, kinds: [...ALARM_KINDS], districts: ['*'] },
    sign: devSourceSigner(devKey, { issuer: DEV_ALERTS_ISSUER, subject: DEV_ALERTS_SOURCE, audience })
  };
}
