/** Runs `bench:handlers` briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('handlers bench --smoke times every costly handler and reports the event-loop delay', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/handlers.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string; handlers: unknown[] };
  assert.equal(result.bench, 'handlers');
  assert.ok(result.handlers.length >= 5, `every handler measured (${result.handlers.length})`);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
