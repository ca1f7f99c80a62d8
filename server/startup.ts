/**
 * What a start loaded — the region, the registry's source and count, how many cameras are
 * simulated and how many real — as the hub reports it on `/healthz` and the banner prints it.
 */

/** Built by startHub; `/healthz` answers it as JSON. */
export interface StartupSummary {
  /** The page offers development controls (alert scenarios) only where this says `development`. */
  mode: 'development' | 'production';
  region: { name: string; codes: readonly string[]; inferred: boolean; demoCity: string | null };
  registry: { source: 'synthetic' | 'csv' | 'none'; file: string | null; imported: boolean; cameras: number; skippedOutsideRegion: number };
  /** `landmarks`: the demo city's named cameras, with its demo drive's plate readers. */
  cameras: { total: number; landmarks: number; configured: number; simulated: number; real: number; simulatedFeeds: number };
  /** The agencies the development sign-in offers (none in production). */
  demoAgencies: ReadonlyArray<{ id: string; name: string; nameEn: string; description: string }>;
}

/** What was loaded, in the words of the start-up summary (the same figures `/healthz` gives). */
export function describeStartup({ region, registry, cameras }: StartupSummary): string[] {
  const n = (x: number) => x.toLocaleString('en');
  const where = `${region.name} (${region.codes.length} 시군구${region.inferred ? ', from the registry file' : ''}${region.demoCity ? `, demo city ${region.demoCity}` : ''})`;
  const from =
    registry.source === 'csv'
      ? `${n(registry.cameras)} from ${registry.file} (${registry.imported ? 'imported now' : 'read back from hub.sqlite'}${registry.skippedOutsideRegion ? `; ${n(registry.skippedOutsideRegion)} rows outside the region skipped` : ''})`
      : registry.source === 'synthetic'
        ? `${n(registry.cameras)} synthetic (SYN-…, not real cameras)`
        : 'no registry file';
  const parts = [from, cameras.landmarks ? `${n(cameras.landmarks)} landmarks` : '', cameras.configured ? `${n(cameras.configured)} from the config file` : ''].filter(Boolean);
  const played = cameras.simulated
    ? `${n(cameras.simulated)} played from ${n(cameras.simulatedFeeds)} simulated feeds, ${n(cameras.real)} pulled from real sources`
    : `all ${n(cameras.real)} pulled from real sources`;
  return [`  Region: ${where}`, `  ${n(cameras.total)} cameras: ${parts.join(' + ')}; ${played}.`];
}

