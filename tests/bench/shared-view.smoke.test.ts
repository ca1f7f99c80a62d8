/** Runs `bench:shared-view` briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('shared-view bench --smoke measures propagation, late join and hub CPU per 100 ops/s', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/shared-view.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string; propagation: Array<{ ops: number }>; lateJoin: { n: number }; cpu: { opsPerSecond: number } };
  assert.equal(result.bench, 'shared-view');
  assert.ok(result.propagation.length >= 1 && result.propagation.every((row) => row.ops > 0), 'propagation measured');
  assert.ok(result.lateJoin.n > 0, 'late joins measured');
  assert.ok(result.cpu.opsPerSecond > 0, 'hub CPU measured under load');
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
