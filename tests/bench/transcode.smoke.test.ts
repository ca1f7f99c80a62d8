/** Runs `bench:transcode --smoke` so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('transcode bench --smoke runs an H.265 camera through the transcode and reports its frames, delay and CPU', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/transcode.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { bench: string; rows: Array<{ kind: string; fpsOut: number | null; delayP50Ms: number | null; cpuPercent: number | null; packetsOut: number }> };
  assert.equal(result.bench, 'transcode');
  const [row] = result.rows;
  assert.equal(row?.kind, 'h265');
  assert.ok((row?.fpsOut ?? 0) > 0, 'transcoded frames came out');
  assert.ok(row!.packetsOut > 0, 'the consumer received the transcoded stream');
  assert.notEqual(row?.delayP50Ms, null);
  assert.notEqual(row?.cpuPercent, null);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
});
