/**
 * Runs `bench:board --smoke` so the benchmark cannot rot: every row must have been measured.
 * No figure is asserted here; they belong to the benchmark's own output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

interface WallOpen {
  firstMs: number;
  allMs: number;
  socketOpenMs: number | null;
  watchSentMs: number | null;
  consumerInMs: number | null;
  resumeSentMs: number | null;
  domInteractiveMs: number | null;
}

interface ClickPhases {
  postSentMs: number | null;
  postAnsweredMs: number | null;
  watchSentMs: [number | null, number | null];
  consumerInMs: [number | null, number | null];
  resumeSentMs: [number | null, number | null];
}

test('board bench --smoke measures clicks, wall opens, idle CPU, the hub process\'s event-loop delay and the flood', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/board.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, `bench failed:\n${run.stderr.slice(-2000)}`);
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    bench: string;
    board: { first: { incidentMs: number; firstTileMs: number; fourTilesMs: number; phases: ClickPhases }; warmRuns: Array<{ phases: ClickPhases }> };
    wall: { runs: Record<'one' | 'four', { cold: WallOpen; warm: WallOpen[] }> };
    idle: Array<{ zoom: number; chromiumPct: number; hubPct: number }>;
    eventLoopMs: Record<'board' | 'wall' | 'flood', { p99: number; max: number; seconds: number; cpu: { processes: Array<{ label: string; pct: number }>; threads: Array<{ label: string }> } }>;
    flood: { bystander: { count: number; slowest: Array<{ what: string; ms: number }> }; flooder: { sent: number } };
  };
  assert.equal(result.bench, 'board');
  const first = result.board.first;
  assert.ok(first.incidentMs > 0 && first.firstTileMs >= first.incidentMs && first.fourTilesMs >= first.firstTileMs, 'the first incident was timed in order');
  assert.equal(result.board.warmRuns.length, 1);
  for (const { phases } of [first, ...result.board.warmRuns]) {
    assert.ok(phases.postSentMs !== null && phases.postAnsweredMs !== null && phases.postSentMs <= phases.postAnsweredMs, 'the click\'s incident POST was timed');
    for (const [name, [earliest, latest]] of [['camera:watch', phases.watchSentMs], ['camera:consumer', phases.consumerInMs], ['consumer:resume', phases.resumeSentMs]] as const) {
      assert.ok(earliest !== null && latest !== null && earliest <= latest, `the click's ${name} messages were seen`);
    }
  }
  for (const [tiles, runs] of Object.entries(result.wall.runs)) {
    assert.equal(runs.warm.length, 1, `one ${tiles}-tile wall open after the first`);
    for (const open of [runs.cold, ...runs.warm]) {
      assert.ok(open.firstMs > 0 && open.allMs >= open.firstMs, `a ${tiles}-tile wall open was timed`);
      assert.ok(open.socketOpenMs !== null && open.watchSentMs !== null && open.watchSentMs < open.firstMs, `the ${tiles}-tile open saw its socket and camera:watch`);
      assert.ok(open.domInteractiveMs !== null && open.domInteractiveMs <= open.socketOpenMs, `the ${tiles}-tile open's HTML was parsed before its socket opened`);
      assert.ok(
        open.consumerInMs !== null && open.resumeSentMs !== null && open.watchSentMs < open.consumerInMs && open.consumerInMs <= open.resumeSentMs,
        `the ${tiles}-tile open saw its consumer come in and its resume go out, in order`
      );
    }
  }
  assert.deepEqual(result.idle.map((i) => i.zoom), [11, 15]);
  // 0 % is a true reading, not a missed sample: an idle board that draws nothing can spend no clock tick in the smoke's 2 s window.
  for (const idle of result.idle) assert.ok(Number.isFinite(idle.chromiumPct) && idle.chromiumPct >= 0 && Number.isFinite(idle.hubPct) && idle.hubPct >= 0, `idle CPU at zoom ${idle.zoom} was sampled`);
  for (const [phase, loop] of Object.entries(result.eventLoopMs)) {
    assert.ok(loop.seconds > 0 && loop.p99 >= 0 && loop.max >= loop.p99, `the hub's event-loop delay was read for the ${phase}`);
  }
  for (const phase of ['board', 'wall'] as const) {
    const labels = result.eventLoopMs[phase].cpu.processes.map((p) => p.label);
    assert.ok(labels.includes('hub (node)') && labels.some((l) => l.startsWith('chromium')), `the ${phase} phase's CPU is broken down by process (${labels.join(', ')})`);
    assert.ok(result.eventLoopMs[phase].cpu.threads.length > 0, `and by thread for the ${phase} phase`);
  }
  assert.ok(result.flood.bystander.slowest.length > 0, "the bystander's slowest requests are named");
  assert.ok(result.flood.bystander.count > 0 && result.flood.flooder.sent > 0, 'the flood ran and the bystander was timed');
});
