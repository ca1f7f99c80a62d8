// Installs the Debian packages the hub needs, when they are missing. Plain Node, no npm
// dependencies: it runs before `npm install`.
import { spawnSync } from 'node:child_process';

/** Runtime packages: Chromium for the tests, ffmpeg/GStreamer for the simulated cameras. */
export const RUNTIME_PACKAGES = [
  'chromium',
  'ffmpeg',
  'fonts-nanum',
  'gstreamer1.0-tools',
  'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good',
  'gstreamer1.0-plugins-ugly',
  'gstreamer1.0-plugins-bad',
  'gstreamer1.0-x',
  'libgstrtspserver-1.0-0',
  'gir1.2-gst-rtsp-server-1.0',
  'python3-gi',
  'python3-gst-1.0',
  'iproute2',
  'util-linux'
];

export function missingPackages(packages) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages], { encoding: 'utf8' });
  const installed = new Set(
    (result.stdout ?? '')
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0].replace(/:.*$/, ''))
  );
  return packages.filter((p) => !installed.has(p));
}

export function ensureAptPackages(packages, { log = console.log } = {}) {
  const missing = missingPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}\n  install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages (${missing.length}): ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], env, log);
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], env, log);
  const still = missingPackages(packages);
  if (still.length) throw new Error(`apt-get did not install: ${still.join(' ')}`);
}

function run(command, args, env, log) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed (exit ${result.status})`);
}
