/** Runs `bench:geo` (routing part) briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('geo-routing bench --smoke runs and reports routes, detours and corridors', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/geo-routing.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string; route?: { p50: number | null } };
  assert.equal(result.bench, 'geo-routing');
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
