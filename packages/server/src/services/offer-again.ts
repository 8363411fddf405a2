import { type Bus, chunkIds } from '../bus/bus';
import type { CommandChange } from '../store/command-record';

/**
 * Offers commands that went back to the queue to their agents again, wherever they are
 * connected. The agent may already sit in a newer session (on this node or another) that looked
 * for work before these came back: without a word on the bus they would wait for its next
 * command or reconnect.
 */
export async function offerAgain(bus: Bus, changes: readonly CommandChange[]): Promise<void> {
  const machines = [
    ...new Set(
      changes.filter((c) => c.targetKind === 'machine' && c.status === 'pending').map((c) => c.targetId),
    ),
  ];
  for (const chunk of chunkIds(machines)) await bus.publish({ type: 'commands-queued', machineIds: chunk });
}
