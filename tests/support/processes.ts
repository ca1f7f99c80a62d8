/** Process checks for tests that must leave nothing running behind them. */

/** Whether a process with this pid still exists (signal 0 probes without touching it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
