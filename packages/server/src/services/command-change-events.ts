import {
  type BusEvent,
  type CommandBatchEvent,
  MAX_BATCH_ITEMS_PER_EVENT,
  MAX_CHANGES_PER_EVENT,
} from '../bus/bus';
import type { CommandChange } from '../store/command-record';

/**
 * Changes in a row that share everything but their ids go as command-batch events from this
 * many on; fewer fit one command-changes event anyway.
 */
const MIN_BATCH_RUN = MAX_CHANGES_PER_EVENT;

/** Whether two changes differ only in their command and target ids. */
function sameBatch(a: CommandChange, b: CommandChange): boolean {
  return (
    a.at === b.at &&
    a.status === b.status &&
    a.type === b.type &&
    a.orgId === b.orgId &&
    a.targetKind === b.targetKind
  );
}

/**
 * The bus events that carry `changes`, in their order: a run of changes that differ only in
 * their ids (a fan-out's queued commands, a sweep's expired ones) as command-batch events,
 * the rest as command-changes events. A fan-out to 100,000 devices is 1,000 NOTIFYs so, not
 * 4,000 of whole changes, and a third of the bytes.
 */
export function commandChangeEvents(changes: readonly CommandChange[]): BusEvent[] {
  const events: BusEvent[] = [];
  let loose: CommandChange[] = [];
  const flushLoose = () => {
    for (let i = 0; i < loose.length; i += MAX_CHANGES_PER_EVENT)
      events.push({ type: 'command-changes', changes: loose.slice(i, i + MAX_CHANGES_PER_EVENT) });
    loose = [];
  };
  let start = 0;
  while (start < changes.length) {
    const first = changes[start] as CommandChange;
    let end = start + 1;
    while (end < changes.length && sameBatch(first, changes[end] as CommandChange)) end++;
    if (end - start < MIN_BATCH_RUN) {
      for (let i = start; i < end; i++) loose.push(changes[i] as CommandChange);
    } else {
      flushLoose();
      for (let i = start; i < end; i += MAX_BATCH_ITEMS_PER_EVENT) {
        const run = changes.slice(i, Math.min(end, i + MAX_BATCH_ITEMS_PER_EVENT));
        events.push({
          type: 'command-batch',
          targetKind: first.targetKind,
          commandType: first.type,
          status: first.status,
          at: first.at,
          orgId: first.orgId,
          ids: run.map((c) => c.id),
          targetIds: run.map((c) => c.targetId),
        });
      }
    }
    start = end;
  }
  flushLoose();
  return events;
}

/** The changes a command-batch event carries, each whole again. */
export function batchChanges(event: CommandBatchEvent): CommandChange[] {
  return event.ids.map((id, i) => ({
    id,
    targetKind: event.targetKind,
    targetId: event.targetIds[i] as string,
    orgId: event.orgId,
    type: event.commandType,
    status: event.status,
    at: event.at,
  }));
}
