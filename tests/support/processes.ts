/** Process checks for tests that must leave nothing running behind them, and hubs run as processes. */
import { spawn, type ChildProcess } from 'node:child_process';

/** Whether a process with this pid still exists (signal 0 probes without touching it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the hub as its own process (`server/main.ts`, as deployed); resolves with its URL from the banner. */
export async function spawnHub(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /→ (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`hub exited during start-up (code ${code})`)));
  });
  return { child, url };
}
