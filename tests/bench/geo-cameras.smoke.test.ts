/** Runs `bench:geo` (camera registry part) briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('geo-cameras bench --smoke runs and reports import and spatial queries', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/geo-cameras.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string };
  assert.equal(result.bench, 'geo-cameras');
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
