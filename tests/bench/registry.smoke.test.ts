/** Runs `bench:registry` briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('registry bench --smoke starts a hub twice (import, then SQLite) and reports memory and query times', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/registry.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string; first: { imported: boolean } };
  assert.equal(result.bench, 'registry');
  assert.equal(result.first.imported, true);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
