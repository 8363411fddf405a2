import { sleep } from '../support/wait';
import { type SettledMemory, settledMemory } from './settled-memory';
import type { TerminalSocket } from './terminal-socket';

/** The server's memory per open, idle terminal. */
export interface MemoryResult {
  terminals: number;
  /** Terminals whose shell had started (an `opened` message) before the second reading. */
  opened: number;
  /** The node's memory after a full collection, before and with the terminals open. */
  before: SettledMemory;
  after: SettledMemory;
  /** RSS growth over the terminals, bytes each. */
  perTerminalBytes: number;
  /** V8 heap + external growth over the terminals, bytes each (what the RSS figure's noise hides). */
  heapPerTerminalBytes: number;
}

/**
 * Opens `count` terminals through the node, leaves them idle, and compares the node's memory
 * with them open to its memory before, each read after a full garbage collection. One terminal
 * is opened and closed first so the code paths (and their compiled code) are warm in both.
 */
export async function runMemoryPhase(
  server: { pid: number; httpUrl: string },
  snapshotDir: string,
  open: () => Promise<TerminalSocket>,
  count: number,
): Promise<MemoryResult> {
  const warm = await open();
  await warm.waitForControl('opened');
  await warm.close();
  await sleep(3000);
  // The first snapshot grows the RSS by what writing one takes (kept by the allocator): a
  // throw-away one first, so both readings follow a snapshot alike.
  await settledMemory(server.pid, server.httpUrl, snapshotDir, 1);
  const before = await settledMemory(server.pid, server.httpUrl, snapshotDir);
  const terminals: TerminalSocket[] = [];
  try {
    for (let i = 0; i < count; i++) terminals.push(await open());
    await Promise.all(terminals.map((t) => t.waitForControl('opened', 60_000)));
    const opened = terminals.filter((t) => t.controls.some((c) => c.type === 'opened')).length;
    await sleep(3000);
    const after = await settledMemory(server.pid, server.httpUrl, snapshotDir);
    return {
      terminals: count,
      opened,
      before,
      after,
      perTerminalBytes: (after.rssBytes - before.rssBytes) / count,
      heapPerTerminalBytes: (after.heapAndExternalBytes - before.heapAndExternalBytes) / count,
    };
  } finally {
    await Promise.all(terminals.map((t) => t.close()));
  }
}
