/**
 * CPU time of a process tree, read from /proc: what a benchmark reports as "% of a core" for
 * Chromium (the browser and all its renderer, GPU and utility children) or for the hub. Counts
 * what the kernel charged (utime + stime), so it is independent of how busy the machine is.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux.

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime, ms. */
  cpuMs: number;
  /** The kernel's name of the process or thread. */
  comm: string;
}

/** A process's (or, under /proc/<pid>/task/<tid>, a thread's) stat; undefined once it ended. */
function readStat(pid: number, path = `/proc/${pid}/stat`): Stat | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const close = text.lastIndexOf(')');
    const rest = text.slice(close + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    const ppid = Number(rest[1]);
    const cpuMs = (Number(rest[11]) + Number(rest[12])) * TICK_MS;
    return { pid, ppid, cpuMs, comm: text.slice(text.indexOf('(') + 1, close) };
  } catch {
    return undefined; // The process ended between listing and reading.
  }
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** The pids of `root` and all its descendants (alive now). */
export function processTree(root: number): number[] {
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU ms charged so far to the processes under `root` that `include` accepts (by pid), `root`
 * itself included if accepted. Processes that ended are not counted: take two readings of a
 * tree that lives through the interval.
 */
export function treeCpuMs(root: number, include: (pid: number) => boolean = () => true): number {
  let total = 0;
  for (const pid of processTree(root)) if (include(pid)) total += readStat(pid)?.cpuMs ?? 0;
  return total;
}

/** The command line of a process ('' if it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The kernel's name of a process ('' if it is gone). */
export function processName(pid: number): string {
  return readStat(pid)?.comm ?? '';
}

/**
 * Average CPU of a process tree over `ms`, as % of one core. Per-pid deltas, so a child that
 * starts during the interval counts from zero and one that ends is dropped from both readings.
 */
export async function sampleCpuPercent(root: number, ms: number, include: (pid: number) => boolean = () => true): Promise<number> {
  const before = new Map<number, number>();
  for (const pid of processTree(root)) if (include(pid)) before.set(pid, readStat(pid)?.cpuMs ?? 0);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsed = performance.now() - started;
  let used = 0;
  for (const pid of processTree(root)) {
    if (!include(pid)) continue;
    const now = readStat(pid)?.cpuMs;
    if (now !== undefined) used += now - (before.get(pid) ?? 0);
  }
  return (used / elapsed) * 100;
}

/**
 * A thread's time on a CPU and waiting for one (its run queue), ms, from /proc's schedstat. A
 * late event loop whose thread mostly waited was starved by the machine, not blocked by its own
 * work. The main thread's tid is the process's pid.
 */
export function threadSchedMs(pid: number, tid: number = pid): { runMs: number; waitMs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: run! / 1e6, waitMs: wait! / 1e6 };
  } catch {
    return undefined; // No schedstat (kernel without it, or the thread ended).
  }
}

/** CPU ms charged so far to each thread under `root`, keyed `pid/tid`, with the thread's name. */
export type ThreadCpu = Map<string, { pid: number; thread: string; cpuMs: number }>;

export function threadCpu(root: number): ThreadCpu {
  const out: ThreadCpu = new Map();
  for (const pid of processTree(root)) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // Ended.
    }
    for (const tid of tids) {
      const stat = readStat(pid, `/proc/${pid}/task/${tid}/stat`);
      if (stat) out.set(`${pid}/${tid}`, { pid, thread: stat.comm, cpuMs: stat.cpuMs });
    }
  }
  return out;
}

export interface CpuShare {
  label: string;
  /** % of one core over the interval. */
  pct: number;
}

/**
 * Who took the CPU between two `threadCpu` readings `elapsedMs` apart: per process group (the
 * `label` of its pid) and per thread (group and thread name, digits folded so a pool of
 * `ThreadPoolForeg` or `python3` threads counts as one), largest first. A thread born in the
 * interval counts from zero; one that ended is dropped.
 */
export function cpuShares(before: ThreadCpu, after: ThreadCpu, elapsedMs: number, label: (pid: number) => string): { processes: CpuShare[]; threads: CpuShare[] } {
  const processes = new Map<string, number>();
  const threads = new Map<string, number>();
  for (const [key, now] of after) {
    const used = now.cpuMs - (before.get(key)?.cpuMs ?? 0);
    if (used <= 0) continue;
    const group = label(now.pid);
    processes.set(group, (processes.get(group) ?? 0) + used);
    const thread = `${group} · ${now.thread.replace(/\d+/g, '#')}`;
    threads.set(thread, (threads.get(thread) ?? 0) + used);
  }
  const shares = (m: Map<string, number>) =>
    [...m].map(([label, ms]) => ({ label, pct: Math.round((ms / elapsedMs) * 1000) / 10 })).sort((a, b) => b.pct - a.pct);
  return { processes: shares(processes), threads: shares(threads) };
}
