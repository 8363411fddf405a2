import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { sleep } from '../support/wait';

const tracked = new Set<ChildProcess>();
const trackedGroups = new WeakSet<ChildProcess>();
let hookInstalled = false;

function killTracked(): void {
  for (const child of tracked) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      // Detached children lead their own process group: take the whole group with them.
      process.kill(trackedGroups.has(child) ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Spawns a non-node program (rsync, sshd) that is killed, by its pid (or its own process group
 * when detached), if the benchmark exits first. spawnNode in bench/support does the same for
 * node children.
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', killTracked);
  }
  const child = spawn(command, args, options);
  tracked.add(child);
  if (options.detached) trackedGroups.add(child);
  child.once('exit', () => tracked.delete(child));
  return child;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (performance.now() > deadline) throw new Error(`${what} did not listen on port ${port}`);
    await sleep(100);
  }
}
