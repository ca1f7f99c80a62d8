/**
 * Runs `bench:latency` briefly so the benchmark cannot rot: it must finish and report decoded
 * frames and delay samples for every case. No timing is asserted here; figures belong to the
 * benchmark's own output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('bench:latency --smoke runs end to end and reports every case', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/latency.bench.ts', '--smoke', '--port', '0'], {
    encoding: 'utf8',
    timeout: 240_000
  });
  assert.equal(run.status, 0, `bench failed:\n${run.stderr.slice(-2000)}`);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
  const line = run.stdout.trim().split('\n').at(-1)!;
  const result = JSON.parse(line) as {
    bench: string;
    cases: Array<{ tiles: number; framesDecoded: number; delay: { n: number; p50: number | null } }>;
    firstFrameMs: { cold: { n: number }; warm: { n: number } };
  };
  assert.equal(result.bench, 'latency');
  assert.deepEqual(result.cases.map((c) => c.tiles), [1, 4]);
  for (const c of result.cases) {
    assert.ok(c.framesDecoded > 0, `${c.tiles} tiles decoded frames`);
    assert.ok(c.delay.n > 0 && c.delay.p50 !== null, `${c.tiles} tiles gave delay samples`);
  }
  assert.ok(result.firstFrameMs.cold.n > 0 && result.firstFrameMs.warm.n > 0);
});
