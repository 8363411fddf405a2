import type { CommandChange } from '../store/command-record';

/** Events that server nodes tell each other about (a node holds only its own sessions). */
export type BusEvent =
  | { type: 'identity-changed' }
  | { type: 'machines-removed'; machineIds: string[] }
  | { type: 'machine-suspension'; machineId: string; suspended: boolean }
  | { type: 'commands-queued'; machineIds: string[] }
  | { type: 'command-changes'; changes: CommandChange[] };

/** Publishes events to every server node, this one included. */
export interface Bus {
  publish(event: BusEvent): Promise<void>;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(handler: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

/** Largest number of machine ids in one event, to stay under PostgreSQL's 8000-byte NOTIFY limit. */
export const MAX_IDS_PER_EVENT = 40;

/** Largest number of command changes in one event (about 200 bytes each). */
export const MAX_CHANGES_PER_EVENT = 25;

/** Splits a list of machine ids into bus-sized chunks. */
export function chunkIds(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_EVENT) out.push(ids.slice(i, i + MAX_IDS_PER_EVENT));
  return out;
}
