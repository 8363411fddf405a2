import { filterContains, type ScopeFilter } from '../access/scope';
import type { Bus } from '../bus/bus';
import { MAX_CHANGES_PER_EVENT } from '../bus/bus';
import type { CommandChange } from '../store/command-record';

/** An event a client can follow on GET /events. */
export type StreamEvent =
  | {
      type: 'command';
      id: string;
      target: string;
      targetKind: string;
      commandType: string;
      status: string;
      at: string;
      orgId: string;
    }
  | { type: 'checkin'; machineId: string; at: string };

/**
 * Fans events out to local subscribers (the SSE streams). Command changes travel over the bus
 * so every node's streams see every change; check-ins stay on the node that holds the agent,
 * because at 100,000 agents they are too many to broadcast.
 */
export class EventHub {
  private readonly subscribers = new Set<(event: StreamEvent) => void>();

  /**
   * @param onLocalChanges sees each change once, on the node that made it (webhooks queue
   *   their deliveries here, so several nodes never queue the same change twice).
   */
  constructor(
    private readonly bus: Bus,
    private readonly onLocalChanges?: (changes: readonly CommandChange[]) => Promise<unknown>,
  ) {
    bus.subscribe((event) => {
      if (event.type !== 'command-changes') return;
      for (const c of event.changes) this.deliver(commandEvent(c));
    });
  }

  /** Publishes command status changes to every node. */
  async commandChanges(changes: readonly CommandChange[]): Promise<void> {
    if (changes.length > 0) await this.onLocalChanges?.(changes);
    for (let i = 0; i < changes.length; i += MAX_CHANGES_PER_EVENT) {
      await this.bus.publish({
        type: 'command-changes',
        changes: changes.slice(i, i + MAX_CHANGES_PER_EVENT),
      });
    }
  }

  /** A check-in seen by this node. */
  checkin(machineId: string, at: number): void {
    if (this.subscribers.size === 0) return;
    this.deliver({ type: 'checkin', machineId, at: new Date(at).toISOString() });
  }

  /** Follows every event; returns the unsubscribe function. */
  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  private deliver(event: StreamEvent): void {
    for (const s of this.subscribers) s(event);
  }
}

/** A machine or device id is `name.group`: its group is everything after the first dot. */
const groupOfEndpoint = (id: string) => id.slice(id.indexOf('.') + 1);

/**
 * Whether a stream event is in a subscriber's scope: a command by its target, a check-in by
 * its machine. Nothing is read from the store for a live event, so each subscriber's stream
 * is filtered as the event passes.
 */
export function eventInScope(event: StreamEvent, scope: ScopeFilter): boolean {
  const endpoint = event.type === 'command' ? event.target : event.machineId;
  return filterContains(scope, groupOfEndpoint(endpoint), endpoint);
}

/** The stream form of a command change. */
export function commandEvent(c: CommandChange): StreamEvent {
  return {
    type: 'command',
    id: c.id,
    target: c.targetId,
    targetKind: c.targetKind,
    commandType: c.type,
    status: c.status,
    at: new Date(c.at).toISOString(),
    orgId: c.orgId,
  };
}
