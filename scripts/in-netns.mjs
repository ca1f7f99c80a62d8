#!/usr/bin/env node
// Runs a command inside a fresh network namespace with only loopback up, so tests and
// benchmarks cannot send a packet anywhere but 127.0.0.0/8 (and WebRTC pairs only loopback
// candidates). Where the machine does not allow it (not root, no unshare), runs the command
// as it is and says so.
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: in-netns.mjs <command> [args…]\n');
  process.exit(2);
}

const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
let result;
if (probe.status === 0 && !process.env.GTH_NO_NETNS) {
  const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  result = spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], { stdio: 'inherit' });
} else {
  process.stderr.write('[netns] cannot create a network namespace here; running on the host network (loopback addresses only)\n');
  result = spawnSync(command, args, { stdio: 'inherit' });
}
process.exit(result.status ?? 1);
