import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from 'node:child_process';

/** File descriptor limit asked for every child (one socket per simulated agent). */
export const CHILD_NOFILE = 1_048_576;

let fileLimit: number | null = null;

/**
 * The open-file limit children actually get: CHILD_NOFILE when this process may raise its
 * hard limit that far (root with CAP_SYS_RESOURCE), else the hard limit it already has.
 */
export function childFileLimit(): number {
  if (fileLimit === null) {
    try {
      const text = execFileSync(
        'bash',
        ['-c', `ulimit -n ${CHILD_NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; ulimit -n`],
        {
          encoding: 'utf8',
        },
      );
      fileLimit = text.trim() === 'unlimited' ? CHILD_NOFILE : Number(text.trim());
    } catch {
      fileLimit = 1024;
    }
  }
  return fileLimit;
}

const children = new Set<ChildProcess>();
let hooksInstalled = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * Spawns `node <args>` through a bash wrapper that raises the open-file limit first (Node
 * cannot raise its own; to the hard limit when CHILD_NOFILE is not allowed), then `exec`s so
 * the child's pid is node's own. Every child is killed
 * when this process exits, however it exits short of SIGKILL.
 */
export function spawnNode(nodeArgs: string[], options: SpawnOptions = {}): ChildProcess {
  installHooks();
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${CHILD_NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
      process.execPath,
      ...nodeArgs,
    ],
    options,
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Whether a child has exited. */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the child exits, false if it is still running after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Stops a child: `signal` first, SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  graceMs: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<{ exitedGracefully: boolean }> {
  if (hasExited(child)) return { exitedGracefully: true };
  child.kill(signal);
  if (await waitForExit(child, graceMs)) return { exitedGracefully: true };
  child.kill('SIGKILL');
  await waitForExit(child, 10_000);
  return { exitedGracefully: false };
}
