import { type Bus, chunkIds } from '../bus/bus';
import type { CommandChange } from '../store/command-record';

/**
 * Tells the agents of commands that left `processing` (back to the queue, or ended for good
 * after the last attempt) to look for work, wherever they are connected. A command back in the
 * queue may wait for an agent that already sits in a newer session (on this node or another)
 * that looked before it came back; a command that ended frees an agent whose session still
 * counts it as in flight, so the next one is handed out.
 */
export async function offerAgain(bus: Bus, changes: readonly CommandChange[]): Promise<void> {
  const machines = [
    ...new Set(
      changes.filter((c) => c.targetKind === 'machine' && c.status !== 'processing').map((c) => c.targetId),
    ),
  ];
  for (const chunk of chunkIds(machines)) await bus.publish({ type: 'commands-queued', machineIds: chunk });
}
