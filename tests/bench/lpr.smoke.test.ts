/** Runs `bench:lpr` briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('lpr bench --smoke posts signed reads at two rates and reports acceptance, request time and loop delay', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/lpr.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string; rows: Array<{ offered: number; accepted: number; loopDelayP99Ms: number }> };
  assert.equal(result.bench, 'lpr');
  assert.equal(result.rows.length, 2);
  for (const row of result.rows) {
    assert.ok(row.accepted > 0, 'reads were accepted');
    assert.ok(Number.isFinite(row.loopDelayP99Ms), 'the hub reported its loop delay');
  }
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
