/** `npm start`: the hub on embedded defaults, with simulated cameras in development mode. */
import { loadConfig } from './config.ts';
import { startHub } from './hub.ts';
import { describeStartup } from './startup.ts';
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
  lines.push(
    ...describeStartup(hub.startup),
    `  Incident board (사건 상황판): ${hub.url}/incident — camera wall (영상 모니터): ${hub.url}/monitor`,
    `  Shared situation views (상황 공유): ${hub.url}/share — grants (권한 현황): ${hub.url}/grants`
  );
  if (hub.devIssuer) {
    lines.push(
      '  Sign in on the page by choosing a demo agency:',
      ...hub.startup.demoAgencies.map((a) => `    · ${a.name} (${a.nameEn}) — ${a.description}`),
      '  Demo tokens come from a development issuer whose keys live in ' + config.dataDir + '/dev-issuer.',
      ...(hub.startup.region.demoCity === 'seoul' ? ["  A pursuit from 강남 into 서초 (sign in as 강남경찰서): the board's scenario button, or `npm run scenario:pursuit`."] : []),
      '  Alerts (경보): `npm run scenario:alert -- <bell|crowd|water|fire|sos|tag>` sends a simulated event; the routed agencies get the alarm.',
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

main().catch((error: unknown) => {
  process.stderr.write(`골든타임 허브 failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
