/**
 * Runs the simulated cameras in their own process, so painting frames never competes with the
 * hub's event loop (which forwards every RTP packet). The returned handle owns the process.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SimCameraSpec } from './camera-farm.ts';

export interface SimulatorProcess {
  urls: ReadonlyMap<string, string>;
  pid: number;
  close(): Promise<void>;
}

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));

export function startSimulatorProcess(specs: readonly SimCameraSpec[], options: { timeoutMs?: number } = {}): Promise<SimulatorProcess> {
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
    const timer = setTimeout(() => {
      void close();
      reject(new Error('simulated cameras did not start in time'));
    }, options.timeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulated cameras exited during start-up (code ${code})`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        const { cameras } = JSON.parse(line) as { cameras: Array<{ id: string; url: string }> };
        resolve({ urls: new Map(cameras.map((c) => [c.id, c.url])), pid: child.pid!, close });
      } catch {
        void close();
        reject(new Error(`unexpected output from simulated cameras: ${line.slice(0, 120)}`));
      }
    });
  });
}
