/** What both `bench:alerts` sections set up around their hub: the signing source and the agencies. */
import { DEMO_ALERTS } from '../../../server/alerts/demo.ts';
import { openDevAlertSource, type AlertSigner } from '../../../server/alerts/sim/dev-source.ts';
import { DEMO_CITIES } from '../../../server/cameras/demo.ts';
import { loadConfig } from '../../../server/config.ts';

export interface BenchSource {
  signer: AlertSigner;
  /** The underpass sites the hub knows (water events name one): the Seoul demo's. */
  waterSites: string[];
}

/** The Seoul demo's operator agencies: everyone an alarm can be routed to. */
export const SEOUL_AGENCIES: readonly string[] = DEMO_CITIES.seoul.agencies.filter((a) => a.role === 'operator').map((a) => a.id);

/**
 * The development alert source of `dataDir` (made there before the hub starts, which then trusts
 * it in development), signing for the hub's audience as `npm start` configures it.
 */
export async function openBenchSource(dataDir: string): Promise<BenchSource> {
  const signer = await openDevAlertSource(dataDir, loadConfig({}).auth.audience);
  return { signer, waterSites: DEMO_ALERTS.seoul.waterSites.map((site) => site.id) };
}
