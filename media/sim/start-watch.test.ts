/**
 * StartWatch judges a start by its progress: CPU time charged to the whole process tree (a
 * helper doing the work counts, also after it has exited) and output, never the clock alone.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CameraFarm, SimError } from './camera-farm.ts';
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

test('a camera whose process hangs while starting is given up with what it did, and leaves no process', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gth-stuck-'));
  // Stands in for rtsp_camera.py: takes the camera's arguments, then waits for ever.
  const stuck = join(dir, 'stuck.sh');
  await writeFile(stuck, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
  const farm = new CameraFarm({ python: stuck, startStallMs: 300 });
  const exits: string[] = [];
  farm.on('exit', (id, exit) => exits.push(`${id} ${exit.signal}`));
  try {
    const started = farm.start([{ id: 'cam-stuck', name: '멈춘 카메라', port: 0 }]);
    await assert.rejects(started, (error: unknown) => {
      assert.ok(error instanceof SimError && error.code === 'ERR_SIM_START_FAILED', String(error));
      assert.match(error.message, /no progress for \d+ ms \(started \d+ ms ago, \d+ ms of CPU\)/);
      return true;
    });
    assert.deepEqual(exits, ['cam-stuck SIGKILL'], 'its process was killed and has exited');
    assert.deepEqual(farm.ids(), [], 'the camera is forgotten');
  } finally {
    await farm.close();
    await rm(dir, { recursive: true, force: true });
  }
});
