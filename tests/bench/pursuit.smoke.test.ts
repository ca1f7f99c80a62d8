/** Runs `bench:pursuit` briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('pursuit bench --smoke runs and reports every section', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/pursuit.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    bench: string;
    prediction?: { predict: { seoul: { wallMs: { n: number } } } };
    lprIngest?: { phases: Array<{ accepted: number; loopDelayP99Ms: number }> };
    readToTiles?: { runs: Array<{ tiles: number; tilesMs: number }> };
  };
  assert.equal(result.bench, 'pursuit');
  assert.equal(result.prediction?.predict.seoul.wallMs.n, 100);
  assert.equal(result.lprIngest?.phases.length, 2);
  for (const phase of result.lprIngest!.phases) {
    assert.ok(phase.accepted > 0, 'reads were accepted');
    assert.ok(Number.isFinite(phase.loopDelayP99Ms), 'the hub reported its loop delay');
  }
  // A read reached the board and its tiles: the figures are the benchmark's to print, not to assert.
  assert.equal(result.readToTiles?.runs.length, 2);
  for (const r of result.readToTiles!.runs) assert.ok(r.tiles > 0 && Number.isFinite(r.tilesMs), 'pursuit tiles went live');
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
