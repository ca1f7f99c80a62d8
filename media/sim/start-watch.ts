/**
 * Whether a starting process is getting anywhere, rather than how long it takes: the CPU time
 * charged to it and to every process under it (a fresh machine's first GStreamer start scans
 * all plugins in a helper process while the camera waits), and the lines it writes.
 *
 * A process that is only starved on a busy machine is still charged some CPU every second or
 * two; one that is charged nothing and says nothing for `stallMs` is stuck. A wall-clock limit
 * on the whole start would instead measure the machine's load.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports CPU times in USER_HZ, 100 on every architecture it runs on. */
const MS_PER_TICK = 10;
const POLL_MS = 1_000;

/**
 * CPU time (user + system, ms) of `pid`, of its reaped children, and of every live process
 * under it; undefined where /proc cannot tell (not Linux, or the process is gone).
 */
export function processTreeCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces and parentheses): state is [0],
  // utime [11], stime [12], cutime [13], cstime [14].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let ticks = 0;
  for (const i of [11, 12, 13, 14]) ticks += Number(fields[i]) || 0;
  let ms = ticks * MS_PER_TICK;
  for (const child of childPids(pid)) ms += processTreeCpuMs(child) ?? 0;
  return ms;
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
    );
  } catch {
    return [];
  }
}

export interface StartStall {
  /** How long nothing happened, ms. */
  idleMs: number;
  /** Since the watch began, ms. */
  elapsedMs: number;
  /** CPU time the process tree used meanwhile, ms (undefined without /proc). */
  cpuMs: number | undefined;
}

/**
 * Calls `onStall` once if the process makes no progress for `stallMs` (see above). `progress()`
 * reports output; `stop()` ends the watch. The poll timer does not hold the event loop open.
 */
export class StartWatch {
  readonly #pid: number | undefined;
  readonly #stallMs: number;
  readonly #startedAt = performance.now();
  readonly #cpuAtStart: number | undefined;
  #lastProgressAt = this.#startedAt;
  #lastCpu: number | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number | undefined, stallMs: number, onStall: (stall: StartStall) => void) {
    this.#pid = pid;
    this.#stallMs = stallMs;
    this.#cpuAtStart = this.#lastCpu = this.#cpu();
    this.#timer = setInterval(() => {
      const now = performance.now();
      const cpu = this.#cpu();
      if (cpu !== undefined && cpu !== this.#lastCpu) {
        this.#lastCpu = cpu;
        this.#lastProgressAt = now;
      }
      if (now - this.#lastProgressAt < this.#stallMs) return;
      this.stop();
      onStall({
        idleMs: Math.round(now - this.#lastProgressAt),
        elapsedMs: Math.round(now - this.#startedAt),
        cpuMs: cpu === undefined || this.#cpuAtStart === undefined ? undefined : cpu - this.#cpuAtStart
      });
    }, Math.min(POLL_MS, stallMs));
    this.#timer.unref();
  }

  /** The process said something: it is alive and moving. */
  progress(): void {
    this.#lastProgressAt = performance.now();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #cpu(): number | undefined {
    return this.#pid === undefined ? undefined : processTreeCpuMs(this.#pid);
  }
}

/** For an error message: what a stalled start did before it stopped moving. */
export function describeStall({ idleMs, elapsedMs, cpuMs }: StartStall): string {
  const cpu = cpuMs === undefined ? '' : `, ${cpuMs} ms of CPU`;
  return `no progress for ${idleMs} ms (started ${elapsedMs} ms ago${cpu})`;
}
