/**
 * The camera farm as a child process of the hub (see process.ts): specs arrive as JSON in argv,
 * a line `{"ready":"<id>"}` on stdout as each camera listens (progress), then one line
 * `{"cameras":[{"id","url"}]}` says they all are. The farm closes when
 * stdin ends, so the cameras never outlive the hub, however the hub dies.
 */
import { CameraFarm, type SimCameraSpec } from './camera-farm.ts';

const specs = JSON.parse(process.argv[2] ?? '[]') as SimCameraSpec[];
const farm = new CameraFarm();
let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  farm.close().finally(() => process.exit(0));
};
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
let started = false;
farm.on('ready', (id) => {
  if (!started) process.stdout.write(`${JSON.stringify({ ready: id })}\n`);
});
farm.on('exit', (id, exit) => {
  if (!exit.expected) process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'simulated camera exited', camera: id, code: exit.code, signal: exit.signal })}\n`);
});

farm.start(specs).then(
  () => {
    started = true;
    process.stdout.write(`${JSON.stringify({ cameras: specs.map((s) => ({ id: s.id, url: farm.url(s.id) })) })}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`simulated cameras failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    farm.close().finally(() => process.exit(1));
  }
);
