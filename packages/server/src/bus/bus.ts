import type { CommandChange, CommandStatus, TargetKind } from '../store/command-record';
import type { MachineEvent, ReplicationEvent } from './live-events';

/** Events that server nodes tell each other about (a node holds only its own sessions). */
export type BusEvent =
  | { type: 'identity-changed' }
  | { type: 'machines-removed'; machineIds: string[] }
  | { type: 'machine-suspension'; machineId: string; suspended: boolean }
  | { type: 'commands-queued'; machineIds: string[] }
  | { type: 'command-changes'; changes: CommandChange[] }
  /** Command changes that share all but their command and target ids (see CommandBatchEvent). */
  | CommandBatchEvent
  /** Machine stream events, built once by the node that holds the agent (see event-hub.ts). */
  | { type: 'machine-events'; events: MachineEvent[] }
  /** Replication progress stream events, throttled by the node that holds the agent. */
  | { type: 'replication-events'; events: ReplicationEvent[] }
  /** An administrator ended a live terminal session; the node that serves it ends it. */
  | { type: 'terminal-end'; sessionId: string; by: string };

/**
 * Many command changes that share their endpoint kind, command type, status, time and
 * organization (the commands one request queued for 100,000 devices): `ids[i]` is the command
 * of endpoint `targetIds[i]`. Written once each, those shared fields were two thirds of every
 * change on the bus, and one `command-changes` event of 25 changes per NOTIFY made 4,000 NOTIFYs
 * for one fan-out; this form carries about 100 changes per NOTIFY.
 */
export interface CommandBatchEvent {
  type: 'command-batch';
  targetKind: TargetKind;
  commandType: string;
  status: CommandStatus;
  at: number;
  orgId: string;
  ids: string[];
  targetIds: string[];
}

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
 * Hands an event to every handler. One that throws is reported to `onError` and the others
 * still get the event: a throw escaping into a microtask or a socket reader would end the
 * process.
 */
export function deliverToEach(
  handlers: Iterable<(event: BusEvent) => void>,
  event: BusEvent,
  onError: (error: unknown) => void,
): void {
  for (const h of handlers) {
    try {
      h(event);
    } catch (error) {
      onError(error);
    }
  }
}

/**
 * How many machine ids callers put in one event. A bus whose transport limits the size of an
 * event splits a larger one itself (see payloadsToFit), so this only keeps events small.
 */
export const MAX_IDS_PER_EVENT = 40;

/** How many command changes callers put in one event (split further by a size-limited bus). */
export const MAX_CHANGES_PER_EVENT = 25;

/** How many changes callers put in one command-batch event: about 7 KB with ordinary ids. */
export const MAX_BATCH_ITEMS_PER_EVENT = 100;

/**
 * How many machine events callers put in one bus event: about 450 bytes each with ordinary
 * ids, so a batch fits one PostgreSQL NOTIFY (a bus splits one that does not, see payloadsToFit).
 */
export const MAX_MACHINE_EVENTS_PER_EVENT = 12;

/** The commands-queued events that wake the agents of these machines, bus-sized. */
export function wakeUps(machineIds: readonly string[]): BusEvent[] {
  return chunkIds(machineIds).map((ids) => ({ type: 'commands-queued', machineIds: ids }));
}

/** Splits a list of machine ids into bus-sized chunks. */
export function chunkIds(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_EVENT) out.push(ids.slice(i, i + MAX_IDS_PER_EVENT));
  return out;
}

/**
 * The JSON texts of an event, split into events of the same type whose lists together hold the
 * same items in the same order when its JSON is larger than `maxBytes` UTF-8 bytes. Counting
 * items is not enough: 40 machine ids of 200 characters are past PostgreSQL's NOTIFY limit, and
 * a command change carries several ids. An event that fits is serialised once, not measured and
 * then serialised again. Throws when one item alone does not fit (no valid id comes close).
 */
export function payloadsToFit(event: BusEvent, maxBytes: number): string[] {
  const json = JSON.stringify(event);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a short text needs no count.
  if (json.length * 3 <= maxBytes || Buffer.byteLength(json, 'utf8') <= maxBytes) return [json];
  const halves = splitList(event);
  if (!halves)
    throw new Error(`a ${event.type} bus event of ${Buffer.byteLength(json, 'utf8')} bytes cannot be split`);
  return halves.flatMap((half) => payloadsToFit(half, maxBytes));
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
  if (event.type === 'command-batch') {
    if (event.ids.length < 2) return null;
    const middle = event.ids.length >> 1;
    return [
      { ...event, ids: event.ids.slice(0, middle), targetIds: event.targetIds.slice(0, middle) },
      { ...event, ids: event.ids.slice(middle), targetIds: event.targetIds.slice(middle) },
    ];
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
