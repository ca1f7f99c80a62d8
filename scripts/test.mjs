#!/usr/bin/env node
// `npm test`: every test file (*.test.ts beside the code, and under tests/), run by Node's own
// test runner, one file at a time (they share a 2-core machine and real media processes),
// inside a loopback-only network namespace. Extra arguments narrow the run to matching paths.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function collect(dir, out) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

// Order: fast pure tests first, then integration, then browser tests.
const rank = (p) => (p.startsWith('tests/e2e') ? 3 : p.startsWith('tests/') ? 2 : 1);
const files = ['server', 'media', 'web/src', 'tests']
  .flatMap((d) => collect(d, []))
  .map((p) => relative(ROOT, join(ROOT, p)))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

if (files.length === 0) {
  process.stderr.write('no test files matched\n');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [join(ROOT, 'scripts', 'in-netns.mjs'), process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, GTH_ARTIFACTS: process.env.GTH_ARTIFACTS ?? join(ROOT, 'artifacts') } }
);
process.exit(result.status ?? 1);
