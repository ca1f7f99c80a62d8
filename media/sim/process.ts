/**
 * Runs the simulated cameras in their own process, so painting frames never competes with the
 * hub's event loop (which forwards every RTP packet). The returned handle owns the process.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SimCameraSpec } from './camera-farm.ts';
import { describeStall, StartWatch } from './start-watch.ts';

export interface SimulatorProcess {
  urls: ReadonlyMap<string, string>;
  pid: number;
  close(): Promise<void>;
}

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));

/**
 * Starts the cameras in a child process; resolves once all of them listen. Each camera gives up
 * on its own when its start stops moving (see CameraFarm's startStallMs); `stallMs` (default
 * 30 s) guards against the child itself hanging: no CPU used by it and its cameras, no line.
 */
export function startSimulatorProcess(specs: readonly SimCameraSpec[], options: { stallMs?: number } = {}): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, JSON.stringify(specs)], {
    stdio: ['pipe', 'pipe', 'inherit']
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const watch = new StartWatch(child.pid, options.stallMs ?? 30_000, (stall) => {
      settled = true;
      void close();
      reject(new Error(`simulated cameras did not start: ${describeStall(stall)}`));
    });
    child.once('exit', (code) => {
      watch.stop();
      reject(new Error(`simulated cameras exited during start-up (code ${code})`));
    });
    // Read to the end, so the child never blocks on a full pipe.
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (settled) return;
      let message: { ready?: string; cameras?: Array<{ id: string; url: string }> } | undefined;
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        // Reported below.
      }
      if (typeof message?.ready === 'string') return watch.progress();
      settled = true;
      watch.stop();
      if (Array.isArray(message?.cameras)) {
        resolve({ urls: new Map(message.cameras.map((c) => [c.id, c.url])), pid: child.pid!, close });
      } else {
        void close();
        reject(new Error(`unexpected output from simulated cameras: ${line.slice(0, 120)}`));
      }
    });
  });
}
