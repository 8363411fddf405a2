import { filterContains, type ScopeFilter } from '../access/scope';
import type { Bus, BusEvent } from '../bus/bus';
import type { MachineChange, MachineEvent, ReplicationEvent } from '../bus/live-events';
import type { CommandChange } from '../store/command-record';
import { batchChanges, commandChangeEvents } from './command-change-events';
import {
  type LiveMachineFacts,
  MachineEventBatcher,
  type MachineEventSources,
} from './machine-event-batcher';
import {
  type LocalServerState,
  ReplicationEventThrottle,
  replicationEvent,
} from './replication-event-throttle';

/** The stream event of a command whose status changed. */
export interface CommandEvent {
  type: 'command';
  id: string;
  target: string;
  targetKind: string;
  commandType: string;
  status: string;
  at: string;
  orgId: string;
}

/** The stream event of a check-in seen by the node the stream is open on. */
export interface CheckinEvent {
  type: 'checkin';
  machineId: string;
  at: string;
}

/** An event a client can follow on GET /events. */
export type StreamEvent = CommandEvent | CheckinEvent | MachineEvent | ReplicationEvent;

/**
 * Where the hub reads the machines whose events it builds, what this node's sessions know, the
 * clock and where background failures go.
 */
export type EventHubSources = MachineEventSources;

/**
 * Fans events out to local subscribers (the SSE streams). Command changes, machine changes and
 * replication progress travel over the bus so every node's streams see them, whichever node
 * holds the agent; each is built once, on the node where it happened. Check-ins stay on the
 * node that holds the agent: at 100,000 agents they are too many to broadcast.
 */
export class EventHub {
  private readonly subscribers = new Set<(event: StreamEvent) => void>();
  /** This node's sessions' changes, for every node. */
  private readonly machines: MachineEventBatcher | null;
  /** Suspensions, for this node's streams: every node hears of them on the bus already. */
  private readonly suspensions: MachineEventBatcher | null;
  private readonly replication: ReplicationEventThrottle;
  private readonly clock: () => number;
  private readonly unsubscribe: () => void;
  /** Command changes waiting for the publish under way to end, and their callers. */
  private pendingChanges: CommandChange[] = [];
  /** Changes with the events that follow them, waiting before pendingChanges. */
  private pendingSegments: Array<{ changes: CommandChange[]; after: BusEvent[] }> = [];
  private changeWaiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private publishingChanges = false;

  /**
   * @param onLocalChanges sees each change once, on the node that made it (webhooks queue
   *   their deliveries here, so several nodes never queue the same change twice).
   * @param sources where machine events are read from; without, no machine events are built.
   */
  constructor(
    private readonly bus: Bus,
    private readonly onLocalChanges?: (changes: readonly CommandChange[]) => Promise<unknown>,
    sources?: EventHubSources,
  ) {
    this.clock = sources?.clock ?? Date.now;
    const onError = sources?.onError ?? (() => undefined);
    this.machines = sources
      ? new MachineEventBatcher(sources, (chunks) =>
          bus.publishAll(chunks.map((events) => ({ type: 'machine-events' as const, events }))),
        )
      : null;
    this.suspensions = sources
      ? new MachineEventBatcher(sources, async (chunks) => {
          for (const e of chunks.flat()) this.deliver(e);
        })
      : null;
    this.replication = new ReplicationEventThrottle(
      (event) => bus.publish({ type: 'replication-events', events: [event] }),
      this.clock,
      onError,
    );
    this.unsubscribe = bus.subscribe((event) => this.onBusEvent(event));
  }

  /**
   * Publishes command status changes to every node, then the events in `after` (the wake-ups
   * of the agents of newly queued commands: in the same publish, so one NOTIFY transaction
   * carries both, and no node hears of a command before its change); resolves once they are on
   * the bus.
   *
   * At most one publish of command changes is under way per node: changes that arrive
   * meanwhile wait and go together in the next one (a group commit). Every agent's result
   * makes a change, and on PostgreSQL each publish is a NOTIFY, which takes a lock over the
   * whole database at commit: one NOTIFY per result serialised a 20,000-agent fan-out on 6
   * nodes (25,900 NOTIFYs, 94 s; bench/results/scale-20000.md). A lone change still goes at
   * once, and changes and events keep their order.
   */
  async commandChanges(changes: readonly CommandChange[], after: readonly BusEvent[] = []): Promise<void> {
    if (changes.length === 0 && after.length === 0) return;
    // Queued for the bus before anything is awaited: the bus carries changes in the order the
    // calls were made (a claim's before its command's result, however long the webhooks of
    // the first take), and a caller may go on, say hand the command out, while they publish.
    const published = new Promise<void>((resolve, reject) => {
      for (const change of changes) this.pendingChanges.push(change);
      if (after.length > 0) {
        this.pendingSegments.push({ changes: this.pendingChanges, after: [...after] });
        this.pendingChanges = [];
      }
      this.changeWaiters.push({ resolve, reject });
      if (!this.publishingChanges) void this.publishPendingChanges();
    });
    const local = changes.length > 0 ? this.onLocalChanges?.(changes) : undefined;
    await Promise.all([published, local]);
  }

  /** Publishes what is pending, then what arrived meanwhile, until nothing is left. */
  private async publishPendingChanges(): Promise<void> {
    this.publishingChanges = true;
    while (this.pendingChanges.length > 0 || this.pendingSegments.length > 0) {
      const segments = [...this.pendingSegments, { changes: this.pendingChanges, after: [] }];
      const waiters = this.changeWaiters;
      this.pendingSegments = [];
      this.pendingChanges = [];
      this.changeWaiters = [];
      try {
        await this.bus.publishAll(segments.flatMap((s) => [...commandChangeEvents(s.changes), ...s.after]));
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.publishingChanges = false;
  }

  /** A check-in seen by this node. */
  checkin(machineId: string, at: number): void {
    if (this.subscribers.size === 0) return;
    this.deliver({ type: 'checkin', machineId, at: new Date(at).toISOString() });
  }

  /**
   * A change of a machine whose agent this node holds (or held until now, `last` being what
   * that session knew): its `machine` event reaches every node's streams with the next batch
   * (see MachineEventBatcher).
   */
  machineChanged(machineId: string, change: MachineChange, at: number, last?: LiveMachineFacts): void {
    this.machines?.note(machineId, change, at, last);
  }

  /** A local server's replication state changed: a report was stored, or the watch's verdict turned. */
  localServerChanged(local: LocalServerState): void {
    this.replication.offer(replicationEvent(local, this.clock()));
  }

  /** Follows every event; returns the unsubscribe function. */
  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Publishes what waits in batches and throttles, and stops listening (the server is stopping). */
  async stop(): Promise<void> {
    this.replication.stop();
    await this.machines?.stop();
    await this.suspensions?.stop();
    this.unsubscribe();
  }

  private onBusEvent(event: BusEvent): void {
    switch (event.type) {
      case 'command-changes':
        // A fan-out's 100,000 changes come through here on every node: nobody listening, no
        // stream events built.
        if (this.subscribers.size === 0) return;
        for (const c of event.changes) this.deliver(commandEvent(c));
        return;
      case 'command-batch':
        if (this.subscribers.size === 0) return;
        for (const c of batchChanges(event)) this.deliver(commandEvent(c));
        return;
      case 'machine-events':
      case 'replication-events':
        for (const e of event.events) this.deliver(e);
        return;
      case 'machine-suspension':
        // Every node hears of it and builds the event for its own streams: the node holding
        // the agent may be none (a suspended machine can be offline).
        if (this.subscribers.size > 0)
          this.suspensions?.note(event.machineId, event.suspended ? 'suspended' : 'resumed', this.clock());
        return;
      case 'machines-removed': {
        if (this.subscribers.size === 0) return;
        const at = new Date(this.clock()).toISOString();
        for (const machineId of event.machineIds) {
          this.deliver({
            type: 'machine',
            machineId,
            change: 'removed',
            status: 'deleted',
            at,
            machine: null,
          });
        }
        return;
      }
    }
  }

  private deliver(event: StreamEvent): void {
    for (const s of this.subscribers) s(event);
  }
}

/** A machine or device id is `name.group`: its group is everything after the first dot. */
const groupOfEndpoint = (id: string) => id.slice(id.indexOf('.') + 1);

/** The machine or device an event is about: what its scope is decided by. */
function endpointOf(event: StreamEvent): string {
  return event.type === 'command' ? event.target : event.machineId;
}

/**
 * Whether a stream event is in a subscriber's scope: a command by its target; a check-in, a
 * machine change and a local server's progress by their machine. Nothing is read from the
 * store for a live event, so each subscriber's stream is filtered as the event passes.
 */
export function eventInScope(event: StreamEvent, scope: ScopeFilter): boolean {
  const endpoint = endpointOf(event);
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
