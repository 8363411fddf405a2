import { readdirSync, readFileSync } from 'node:fs';
import { clockTicksPerSecond } from '../support/proc-stats';
import { sleep } from '../support/wait';

/** CPU and memory of one side of a transfer (the sender or the receiver). */
export interface SideUsage {
  /** User + system CPU of every process of the side, seconds (null when not measurable). */
  cpuSeconds: number | null;
  /**
   * Sum over the side's processes of each one's peak resident set (VmHWM), bytes: rsync's
   * receiving side is two processes (plus sshd's two), Muster's is one.
   */
  peakRssBytes: number | null;
  /** Processes counted. */
  processes: number;
}

function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: count fields after its closing one.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU of a process plus that of its children it has waited for (utime, stime, cutime, cstime),
 * seconds. A daemon that reaps its sessions (sshd, rsync --daemon) thus accounts for all of
 * their processes exactly, even those that lived a few milliseconds.
 */
export function cpuWithReapedChildren(pid: number | 'self'): number {
  const f = statFields(pid);
  // After the name, field 3 is index 0: utime (14) .. cstime (17) are indexes 11 to 14.
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return ticks / clockTicksPerSecond();
}

/**
 * CPU of the children a process has waited for (cutime + cstime), seconds. Read on this process
 * around a client's run, it is exactly that client's CPU and its own children's.
 */
export function reapedChildrenCpu(pid: number | 'self'): number {
  const f = statFields(pid);
  return (Number(f[13]) + Number(f[14])) / clockTicksPerSecond();
}

/** Own CPU of a process (all threads), seconds. */
export function ownCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) / clockTicksPerSecond();
}

/** Peak resident set of a process so far (VmHWM), bytes; 0 when it is gone. */
export function peakRssBytes(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every descendant of `pid` (children of all its threads, recursively). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let text = '';
      try {
        text = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of text.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child);
        stack.push(child);
      }
    }
  }
  return out;
}

/**
 * Polls a process tree (every `everyMs`) for each process's peak RSS and last-seen CPU, for
 * the processes whose exit this benchmark cannot observe directly. Short-lived processes
 * between two polls are missed; their CPU is caught by cpuWithReapedChildren of their parent.
 */
export class TreeSampler {
  private readonly peaks = new Map<number, number>();
  private readonly cpu = new Map<number, { first: number; last: number }>();
  private running = false;
  private firstSample = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: number,
    private readonly includeRoot: boolean,
    private readonly everyMs = 100,
  ) {}

  /** Starts polling. */
  start(): void {
    this.running = true;
    this.sample();
    this.loop = (async () => {
      while (this.running) {
        await sleep(this.everyMs);
        this.sample();
      }
    })();
  }

  /** One reading now (also call right before the root is expected to exit). */
  sample(): void {
    const pids = descendants(this.root);
    if (this.includeRoot) pids.push(this.root);
    for (const pid of pids) {
      const peak = peakRssBytes(pid);
      if (peak > 0) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, peak));
      try {
        const used = ownCpuSeconds(pid);
        // A process that appeared after the first reading used all its CPU within the window.
        const first = this.cpu.get(pid)?.first ?? (this.firstSample ? used : 0);
        this.cpu.set(pid, { first, last: used });
      } catch {
        // exited between listing and reading
      }
    }
    this.firstSample = false;
  }

  /** Stops polling; returns the summed peaks and the CPU seen (last minus first reading). */
  async stop(): Promise<{ peakRssBytes: number; polledCpuSeconds: number; processes: number }> {
    this.running = false;
    await this.loop;
    let peak = 0;
    for (const value of this.peaks.values()) peak += value;
    let cpu = 0;
    for (const { first, last } of this.cpu.values()) cpu += last - first;
    return { peakRssBytes: peak, polledCpuSeconds: cpu, processes: this.peaks.size };
  }
}

/** CPU of the processes `pids()` lists now, seconds (those gone in between count 0). */
function cpuOf(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += ownCpuSeconds(pid);
    } catch {
      // exited between listing and reading
    }
  }
  return total;
}

/**
 * Waits until the processes `pids()` lists use under `idleCpuSeconds` over a `windowMs` window
 * (they have dealt with every byte that reached them and wait for more), or `timeoutMs` passed.
 * Returns how long it waited, ms.
 */
export async function waitQuiet(
  pids: () => number[],
  { windowMs = 300, idleCpuSeconds = 0.03, timeoutMs = 15_000 } = {},
): Promise<number> {
  const start = performance.now();
  let before = cpuOf(pids());
  for (;;) {
    await sleep(windowMs);
    const now = cpuOf(pids());
    if (now - before < idleCpuSeconds || performance.now() - start >= timeoutMs)
      return performance.now() - start;
    before = now;
  }
}
