/** `npm start`: the hub on embedded defaults, with simulated cameras in development mode. */
import { loadConfig } from './config.ts';
import { startHub, type StartupSummary } from './hub.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const hub = await startHub(config, { log, warm: true });

  const lines = [
    '',
    '  골든타임 허브 Golden Time Hub is running',
    `  → ${hub.url}`,
    ''
  ];
  lines.push(...describe(hub.startup), `  Incident board (사건 상황판): ${hub.url}/incident — camera wall (영상 모니터): ${hub.url}/monitor`);
  if (hub.devIssuer) {
    lines.push(
      '  Sign in on the page by choosing a demo agency:',
      ...hub.startup.demoAgencies.map((a) => `    · ${a.name} (${a.nameEn}) — ${a.description}`),
      '  Demo tokens come from a development issuer whose keys live in ' + config.dataDir + '/dev-issuer.',
      ''
    );
  }
  lines.push('  Stop with Ctrl+C.', '');
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1)
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** What was loaded, in the words of the start-up summary (the same figures `/healthz` gives). */
function describe({ region, registry, cameras }: StartupSummary): string[] {
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

main().catch((error: unknown) => {
  process.stderr.write(`골든타임 허브 failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
