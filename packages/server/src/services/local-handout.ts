import type { CommandRecord, NewCommand } from '../store/command-record';

/**
 * The agents this node holds that can take a new command at once: connected, not suspended,
 * running nothing and with nothing else waiting. Their commands are stored already handed out
 * (processing, with the lease and the session's name) and sent when the store has them, with
 * no claim: on PostgreSQL the claim was the largest part of a command's way to an agent on the
 * node that took the request (1.4 of 4.5 ms at the median, bench:scale), the NOTIFY that woke
 * the node for it another. An agent of another node, or one busy or with work waiting, is
 * woken as before, so the queue's order for it holds.
 *
 * Every reservation ends with handOut (the command was stored) or release (it was not).
 */
export interface LocalHandout {
  /**
   * Reserves the agents of these machines that can take a command now, so nothing else is
   * given to them meanwhile; returns each reserved machine's session name (the holder).
   */
  reserve(machineIds: readonly string[]): Map<string, string>;
  /**
   * Sends a stored command to the agent reserved for it (true), or, if that session ended
   * meanwhile, returns the command to the queue (false, once it is back: the agent's next
   * session, here or on another node, must then be woken for it).
   */
  handOut(command: CommandRecord): Promise<boolean>;
  /** Ends reservations whose commands were not stored; work announced meanwhile is looked for. */
  release(machineIds: readonly string[]): void;
}

/**
 * The commands with those of reserved agents (the first of each agent's) marked to be stored
 * handed out to the agent's session, with the lease `leaseUntil` gives.
 */
export function markHandedOut(
  commands: readonly NewCommand[],
  reserved: ReadonlyMap<string, string>,
  leaseUntil: (command: NewCommand) => number,
): NewCommand[] {
  const given = new Set<string>();
  return commands.map((c) => {
    const holder = reserved.get(c.targetId);
    if (holder === undefined || given.has(c.targetId)) return c;
    given.add(c.targetId);
    return { ...c, handedTo: { holder, leaseExpiresAt: leaseUntil(c) } };
  });
}
