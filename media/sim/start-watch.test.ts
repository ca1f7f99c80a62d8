/**
 * StartWatch judges a start by its progress: CPU time charged to the whole process tree (a
 * helper doing the work counts, also after it has exited) and output, never the clock alone.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { processTreeCpuMs, StartWatch, type StartStall } from './start-watch.ts';

/** Stops `child` and waits for it to go. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

test('a process that uses no CPU and writes nothing is reported stuck, with what it did', async () => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    const stall = await new Promise<StartStall>((resolve) => new StartWatch(child.pid, 300, resolve));
    assert.ok(stall.idleMs >= 300, JSON.stringify(stall));
    assert.ok(stall.elapsedMs >= stall.idleMs, JSON.stringify(stall));
    assert.equal(typeof stall.cpuMs, 'number', 'Linux reports the CPU time');
  } finally {
    await stop(child);
  }
});

test('CPU time of a helper process counts for its parent, while it runs and after it was reaped', async () => {
  // The shell waits while its child burns ≈ 300 ms of CPU, as a camera waits for GStreamer's plugin scanner.
  const burn = 'const end = process.cpuUsage().user + 300_000; while (process.cpuUsage().user < end);';
  const child = spawn('sh', ['-c', `"${process.execPath}" -e "${burn}"; echo done; sleep 60`], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const own = processTreeCpuMs(child.pid!);
    assert.equal(typeof own, 'number');
    // However slowly a busy machine runs it: the line says the helper has exited and was reaped.
    await once(child.stdout!, 'data');
    const after = processTreeCpuMs(child.pid!)!;
    assert.ok(after - own! >= 250, `the helper's CPU time is the shell's (${own} → ${after} ms)`);
  } finally {
    await stop(child);
  }
});

test('a process that is gone has no CPU time to report', () => {
  assert.equal(processTreeCpuMs(2 ** 22 + 12_345), undefined);
});
