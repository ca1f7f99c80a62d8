/** Runs `bench:alerts` briefly so it cannot rot; figures belong to the benchmark's own output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('alerts bench --smoke times bells to the pages and counts a burst of ingestion', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/alerts.bench.ts', '--smoke'], { encoding: 'utf8', timeout: 420_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  process.stdout.write(run.stdout.split('\n').map((l) => `# ${l}`).join('\n') + '\n');
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    bench: string;
    toPages?: { runs: Array<{ shownMs: Record<string, number>; everyPageMs: number; liveMs: number }> };
    ingest?: { events: number; accepted: number; alarmsRaised: number; alarmsStored: number; lost: number; duplicated: number; requestMs: { n: number }; loopDelayP99Ms: number };
  };
  assert.equal(result.bench, 'alerts');
  assert.equal(result.toPages?.runs.length, 2, 'two bell presses were timed');
  for (const run of result.toPages!.runs) {
    assert.deepEqual(Object.keys(run.shownMs).sort(), ['gangnam-police', 'seoul-112'], 'the alarm was stamped on both routed pages');
    assert.equal(run.everyPageMs, Math.max(...Object.values(run.shownMs)));
    assert.ok(Number.isFinite(run.liveMs), "the bell's camera went live on the opener's tile");
  }
  const ingest = result.ingest!;
  assert.ok(ingest.events > 0 && ingest.requestMs.n === ingest.events, 'every event sent was timed');
  assert.ok(ingest.alarmsRaised > 0 && ingest.alarmsStored >= 0, 'alarms were raised and counted in the store');
  assert.ok(Number.isInteger(ingest.lost) && Number.isInteger(ingest.duplicated), 'loss and duplicates were counted');
  assert.ok(Number.isFinite(ingest.loopDelayP99Ms), 'the hub reported its loop delay');
});
