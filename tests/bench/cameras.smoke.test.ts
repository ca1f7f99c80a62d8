/**
 * Runs `bench:cameras` briefly so the benchmark cannot rot: it must finish and report both
 * transports' CPU and delays and the keyframe-deaf camera's first picture. No figure is
 * asserted here; figures belong to the benchmark's own output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('bench:cameras --smoke runs end to end and reports every case', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/cameras.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 600_000 });
  // Hub warnings share stderr: show the bench's own error, and say so when it was killed for time.
  const errors = run.stderr.split('\n').filter((line) => !line.startsWith('{"time"')).join('\n');
  assert.equal(run.status, 0, `bench failed (signal ${run.signal}):\n${errors.slice(-2000)}`);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    bench: string;
    passthrough: Array<{ transport: string; hubCpuPct: number; receiveDelay: { n: number } }>;
    firstPicture: { stillMs: { n: number }; liveMs: { n: number } };
    transcode: unknown;
  };
  assert.equal(result.bench, 'cameras');
  assert.deepEqual(result.passthrough.map((c) => c.transport), ['udp', 'tcp']);
  for (const c of result.passthrough) {
    assert.ok(c.hubCpuPct > 0, `${c.transport}: the hub's CPU was read`);
    assert.ok(c.receiveDelay.n > 0, `${c.transport}: frames with a timestamp strip were received`);
  }
  assert.equal(result.firstPicture.liveMs.n, 1, 'the keyframe-deaf camera went live on its tile');
  assert.ok('transcode' in result, 'the transcode slot is there for transcode.bench.ts');
});
