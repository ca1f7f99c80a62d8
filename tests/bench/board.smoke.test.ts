/**
 * Runs `bench:board --smoke` so the benchmark cannot rot: every row must have been measured.
 * No figure is asserted here; they belong to the benchmark's own output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('board bench --smoke measures clicks, wall opens, idle CPU, event-loop delay and the flood', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/board.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, `bench failed:\n${run.stderr.slice(-2000)}`);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    bench: string;
    board: { first: { incidentMs: number; firstTileMs: number; fourTilesMs: number }; warmRuns: unknown[] };
    wall: { runs: { one: Array<{ firstMs: number; watchSentMs: number | null }>; four: Array<{ allMs: number }> } };
    idle: Array<{ zoom: number; chromiumPct: number; hubPct: number }>;
    eventLoopMs: { run: { p99: number; n: number }; flood: { p99: number; n: number } };
    flood: { bystander: { count: number }; flooder: { sent: number } };
  };
  assert.equal(result.bench, 'board');
  const first = result.board.first;
  assert.ok(first.incidentMs > 0 && first.firstTileMs >= first.incidentMs && first.fourTilesMs >= first.firstTileMs, 'the first incident was timed in order');
  assert.equal(result.board.warmRuns.length, 1);
  assert.ok(result.wall.runs.one.length === 1 && result.wall.runs.one[0]!.firstMs > 0, 'a one-tile wall open was timed');
  assert.ok(result.wall.runs.one[0]!.watchSentMs !== null, 'the wall open saw its camera:watch go out');
  assert.ok(result.wall.runs.four.length === 1 && result.wall.runs.four[0]!.allMs > 0, 'a four-tile wall open was timed');
  assert.deepEqual(result.idle.map((i) => i.zoom), [11, 15]);
  for (const idle of result.idle) assert.ok(idle.chromiumPct > 0 && idle.hubPct >= 0, `idle CPU at zoom ${idle.zoom} was sampled`);
  assert.ok(result.eventLoopMs.run.n > 0 && result.eventLoopMs.flood.n > 0, 'event-loop delay was sampled');
  assert.ok(result.flood.bystander.count > 0 && result.flood.flooder.sent > 0, 'the flood ran and the bystander was timed');
});
