/**
 * Demo cameras from the command line:
 *
 *   node --import tsx media/sim/main.ts --count 4 --base-port 8554 [--fps 15] [--width 640 --height 360]
 *
 * Starts N simulated RTSP cameras on 127.0.0.1 (ports base, base+1, …; --base-port 0 picks
 * free ports), prints one `<id> <url> <name>` line each, and closes them on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { CameraFarm } from './camera-farm.ts';
import { demoCameraSpecs } from './demo.ts';

function numberOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '4' },
      'base-port': { type: 'string', default: '8554' },
      fps: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const count = numberOption(values.count, 4, 'count');
  const basePort = numberOption(values['base-port'], 8554, 'base-port');
  const specs = demoCameraSpecs(count, basePort, {
    ...(values.fps ? { fps: numberOption(values.fps, 15, 'fps') } : {}),
    ...(values.width ? { width: numberOption(values.width, 640, 'width') } : {}),
    ...(values.height ? { height: numberOption(values.height, 360, 'height') } : {}),
  });

  const farm = new CameraFarm();
  farm.on('exit', (id, exit) => {
    if (!exit.expected) console.error(`${id} exited unexpectedly (code ${exit.code}, signal ${exit.signal})`);
  });
  if (values.verbose) farm.on('log', (id, line) => console.error(`${id}: ${line}`));

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping cameras`);
    farm.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await farm.start(specs);
  } catch (error) {
    await farm.close();
    throw error;
  }
  for (const spec of specs) console.log(`${spec.id} ${farm.url(spec.id)} ${spec.name}`);
  console.error(`${count} camera(s) running; Ctrl-C to stop`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
