import type { CommandChange } from '../store/command-record';
import type { MachineEvent, ReplicationEvent } from './live-events';

/** Events that server nodes tell each other about (a node holds only its own sessions). */
export type BusEvent =
  | { type: 'identity-changed' }
  | { type: 'machines-removed'; machineIds: string[] }
  | { type: 'machine-suspension'; machineId: string; suspended: boolean }
  | { type: 'commands-queued'; machineIds: string[] }
  | { type: 'command-changes'; changes: CommandChange[] }
  /** Machine stream events, built once by the node that holds the agent (see event-hub.ts). */
  | { type: 'machine-events'; events: MachineEvent[] }
  /** Replication progress stream events, throttled by the node that holds the agent. */
  | { type: 'replication-events'; events: ReplicationEvent[] };

/** Publishes events to every server node, this one included. */
export interface Bus {
  publish(event: BusEvent): Promise<void>;
  /**
   * Publishes events in order, together where the transport allows: on PostgreSQL one
   * statement and one transaction for all of them, where publishing each would cost a round
   * trip and a commit (and NOTIFY takes a cluster-wide lock at every commit).
   */
  publishAll(events: readonly BusEvent[]): Promise<void>;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(handler: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * How many machine ids callers put in one event. A bus whose transport limits the size of an
 * event splits a larger one itself (see splitToFit), so this only keeps events small.
 */
export const MAX_IDS_PER_EVENT = 40;

/** How many command changes callers put in one event (split further by a size-limited bus). */
export const MAX_CHANGES_PER_EVENT = 25;

/**
 * How many machine events callers put in one bus event: about 450 bytes each with ordinary
 * ids, so a batch fits one PostgreSQL NOTIFY (a bus splits one that does not, see splitToFit).
 */
export const MAX_MACHINE_EVENTS_PER_EVENT = 12;

/** Splits a list of machine ids into bus-sized chunks. */
export function chunkIds(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_EVENT) out.push(ids.slice(i, i + MAX_IDS_PER_EVENT));
  return out;
}

/** Size of an event on the wire: its JSON in UTF-8 bytes. */
export function eventBytes(event: BusEvent): number {
  return Buffer.byteLength(JSON.stringify(event), 'utf8');
}

/**
 * Splits an event whose JSON is larger than `maxBytes` into events of the same type whose lists
 * together hold the same items in the same order. Counting items is not enough: 40 machine ids of
 * 200 characters are past PostgreSQL's NOTIFY limit, and a command change carries several ids.
 * Throws when one item alone does not fit (no valid id comes close).
 */
export function splitToFit(event: BusEvent, maxBytes: number): BusEvent[] {
  if (eventBytes(event) <= maxBytes) return [event];
  const halves = splitList(event);
  if (!halves) throw new Error(`a ${event.type} bus event of ${eventBytes(event)} bytes cannot be split`);
  return halves.flatMap((half) => splitToFit(half, maxBytes));
}

/** The event cut in two by its list, or null when it has no list of two or more items. */
function splitList(event: BusEvent): [BusEvent, BusEvent] | null {
  const cut = <T>(list: readonly T[]): [T[], T[]] | null =>
    list.length < 2 ? null : [list.slice(0, list.length >> 1), list.slice(list.length >> 1)];
  if (event.type === 'commands-queued' || event.type === 'machines-removed') {
    const parts = cut(event.machineIds);
    return parts
      ? [
          { ...event, machineIds: parts[0] },
          { ...event, machineIds: parts[1] },
        ]
      : null;
  }
  if (event.type === 'command-changes') {
    const parts = cut(event.changes);
    return parts
      ? [
          { ...event, changes: parts[0] },
          { ...event, changes: parts[1] },
        ]
      : null;
  }
  if (event.type === 'machine-events') {
    const parts = cut(event.events);
    return parts
      ? [
          { ...event, events: parts[0] },
          { ...event, events: parts[1] },
        ]
      : null;
  }
  if (event.type === 'replication-events') {
    const parts = cut(event.events);
    return parts
      ? [
          { ...event, events: parts[0] },
          { ...event, events: parts[1] },
        ]
      : null;
  }
  return null;
}
