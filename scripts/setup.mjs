#!/usr/bin/env node
// `npm start` and `npm test` run this first: it sets up whatever is missing on a fresh machine
// (Debian packages, npm packages, the mediasoup worker built from source, the web build) and
// is quick when everything is in place. Plain Node, no npm dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNTIME_PACKAGES, ensureAptPackages } from './setup/apt.mjs';
import { ensureSqlite } from './setup/sqlite.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (msg) => process.stdout.write(`[setup] ${msg}\n`);

function step(name, fn) {
  const started = Date.now();
  const result = fn();
  const finish = () => {
    const ms = Date.now() - started;
    if (ms > 1000) log(`${name}: done in ${(ms / 1000).toFixed(1)} s`);
  };
  return result instanceof Promise ? result.then((v) => (finish(), v)) : (finish(), result);
}

function run(command, args) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

/** Newest modification time under the given paths (files or directories). */
function newest(paths) {
  let max = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const entry of readdirSync(p)) visit(join(p, entry));
    else max = Math.max(max, st.mtimeMs);
  };
  for (const p of paths) visit(join(ROOT, p));
  return max;
}

function npmPackages() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(ROOT, 'package-lock.json')).mtimeMs) return;
  // Not `npm ci`: the lock file cannot list rollup's optional platform packages that this
  // registry does not serve, and npm ci refuses such a lock. --no-save keeps the lock as is.
  log('installing npm packages (npm install)…');
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund']);
}

function webBuild() {
  const stamp = join(ROOT, 'build', 'web', '.built');
  const inputs = newest(['web', 'server/protocol', 'media/strip.ts', 'svelte.config.js', 'vite.config.ts', 'package-lock.json']);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= inputs) return;
  log('building the web app (vite build)…');
  run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  writeFileSync(stamp, new Date().toISOString());
}

try {
  step('Debian packages', () => ensureAptPackages(RUNTIME_PACKAGES, { log }));
  step('npm packages', npmPackages);
  step('SQLite addon', () => ensureSqlite({ log }));
  const { ensureMediasoupWorker } = await import('./setup/mediasoup-worker.mjs');
  await step('mediasoup worker', () => ensureMediasoupWorker({ log }));
  step('web app', webBuild);
} catch (error) {
  process.stderr.write(`\n[setup] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
