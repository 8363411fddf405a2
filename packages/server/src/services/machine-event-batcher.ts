import { MAX_MACHINE_EVENTS_PER_EVENT } from '../bus/bus';
import { type MachineChange, type MachineEvent, machineRow } from '../bus/live-events';
import { USER_IDLE_THRESHOLD_SECONDS } from '../domain/machine-status';
import type { MachineReader } from '../store/interfaces';
import type { CheckinUpdate, MachineRecord } from '../store/machine-record';
import { machineView } from './machine-view';

/**
 * What this node's live session of an agent knows that the store may not hold yet: check-ins
 * and session starts are written in coalesced batches (checkin-coalescer.ts), up to a second
 * later, so a row read from the store alone could show the previous logged-on user or a new
 * machine as never checked in.
 */
export interface LiveMachineFacts {
  /** When the session began (a first session makes the machine's first check-in). */
  connectedAt: number;
  lastSeenAt: number;
  loggedOnUser: string | null;
  userIdleSeconds: number;
  agentVersion: string | null;
  remoteAddress: string;
}

/**
 * Takes a check-in into a session's live facts. True when it changes what the machine's row
 * shows: another logged-on user, the user turning idle or back, another agent version. Most
 * check-ins change none of these, so they cost the bus nothing.
 */
export function applyCheckin(
  live: LiveMachineFacts,
  checkin: Pick<CheckinUpdate, 'loggedOnUser' | 'userIdleSeconds' | 'agentVersion'>,
  now: number,
): boolean {
  const idle = (seconds: number) => seconds >= USER_IDLE_THRESHOLD_SECONDS;
  const changed =
    live.loggedOnUser !== checkin.loggedOnUser ||
    idle(live.userIdleSeconds) !== idle(checkin.userIdleSeconds) ||
    live.agentVersion !== checkin.agentVersion;
  live.lastSeenAt = now;
  live.loggedOnUser = checkin.loggedOnUser;
  live.userIdleSeconds = checkin.userIdleSeconds;
  live.agentVersion = checkin.agentVersion;
  return changed;
}

/** Where the batcher reads machines and what this node's sessions know. */
export interface MachineEventSources {
  machines: Pick<MachineReader, 'findMachines'>;
  /** The live facts of this node's session of a machine; undefined when it holds none. */
  live(machineId: string): LiveMachineFacts | undefined;
  clock: () => number;
  onError: (error: unknown) => void;
}

/** How long changes are collected before they are read and published (see the class comment). */
export const MACHINE_EVENT_WINDOW_MS = 250;

/** Ids per store read: the bulk reads of the API resolve at most this many per query too. */
const READ_CHUNK = 1000;

/** Changes that only refine a row; they never hide another change of the window (see `merge`). */
const DETAIL_CHANGES: ReadonlySet<MachineChange> = new Set(['checked-in', 'audited', 'settings-applied']);

/**
 * Collects machine changes for a short window (250 ms), then reads the changed machines in one
 * query per 1,000, builds each one's `machine` event once, and hands them on in batches of
 * MAX_MACHINE_EVENTS_PER_EVENT (one bus event, one PostgreSQL NOTIFY each).
 *
 * Why a window and not an event per change: after a server restart 100,000 agents reconnect
 * within a minute or two, each connecting and checking in within milliseconds. Per change that
 * would be 200,000 store reads and bus messages; per window, the changes of one machine
 * coalesce into one event (its latest state), the reads become one per 1,000 machines, and the
 * bus carries about 8,000 NOTIFYs of a few kilobytes spread over the reconnection: small next
 * to the check-in writes themselves, and each console still sees every row of its scope turn
 * online. A quarter of a second is well under what a person notices in a list, and short
 * enough that a killed agent shows offline at once.
 */
export class MachineEventBatcher {
  private pending = new Map<string, Noted>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly sources: MachineEventSources,
    private readonly publish: (chunks: MachineEvent[][]) => Promise<void>,
    private readonly windowMs = MACHINE_EVENT_WINDOW_MS,
  ) {}

  /**
   * Notes that a machine changed; its event follows with the next window. `last` is what the
   * session that made the change knew, kept for a session that has ended by then.
   */
  note(machineId: string, change: MachineChange, at: number, last?: LiveMachineFacts): void {
    if (this.stopped) return;
    const before = this.pending.get(machineId);
    this.pending.set(machineId, { change: merge(before?.change, change), at, last: last ?? before?.last });
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.windowMs);
    // Pending events must not keep a stopping process alive (stop flushes them).
    this.timer.unref();
  }

  /** Publishes what is pending now; flushes run one after another, in order. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return this.running;
    this.running = this.running.then(() => this.publishBatch(batch)).catch(this.sources.onError);
    return this.running;
  }

  /** Publishes what is pending and takes no more changes (the server is stopping). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  private async publishBatch(batch: Map<string, Noted>): Promise<void> {
    const ids = [...batch.keys()];
    const events: MachineEvent[] = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      // A machine deleted meanwhile is not found and has no event here: its removal has its own.
      const records = await this.sources.machines.findMachines(ids.slice(i, i + READ_CHUNK));
      const now = this.sources.clock();
      for (const record of records) {
        const noted = batch.get(record.id);
        if (noted) events.push(this.eventOf(record, noted, now));
      }
    }
    const chunks: MachineEvent[][] = [];
    for (let i = 0; i < events.length; i += MAX_MACHINE_EVENTS_PER_EVENT)
      chunks.push(events.slice(i, i + MAX_MACHINE_EVENTS_PER_EVENT));
    if (chunks.length > 0) await this.publish(chunks);
  }

  private eventOf(record: MachineRecord, noted: Noted, now: number): MachineEvent {
    const live = this.sources.live(record.id);
    const view = machineView(withLive(record, live, noted), now, live !== undefined);
    return {
      type: 'machine',
      machineId: record.id,
      change: noted.change,
      status: view.status,
      at: new Date(noted.at).toISOString(),
      machine: machineRow(view),
    };
  }
}

/** A change waiting in the window. */
interface Noted {
  change: MachineChange;
  at: number;
  /** What the session that made the change knew (for one that ended before the window did). */
  last?: LiveMachineFacts;
}

/**
 * The record as it is now: the store's row with what this node's session knows on top, or
 * what the session that just ended knew: that machine is not connected, whatever the store's
 * flag says until the next batch is written, and it has checked in even if the store has not
 * recorded its first session yet.
 */
function withLive(record: MachineRecord, live: LiveMachineFacts | undefined, noted: Noted): MachineRecord {
  const facts = live ?? noted.last;
  const connected = live !== undefined || (noted.change !== 'disconnected' && record.connected);
  if (!facts) return { ...record, connected };
  return {
    ...record,
    connected,
    firstCheckinAt: record.firstCheckinAt ?? facts.connectedAt,
    lastSeenAt: Math.max(record.lastSeenAt ?? 0, facts.lastSeenAt),
    loggedOnUser: facts.loggedOnUser,
    userIdleSeconds: facts.userIdleSeconds,
    agentVersion: facts.agentVersion ?? record.agentVersion,
    remoteAddress: facts.remoteAddress,
  };
}

/**
 * One change stands for all of a machine's changes in a window: the latest, except that a
 * detail never hides a change of state before it (a check-in right after connecting still reads
 * `connected`). The event shows the machine's state at the end of the window either way.
 */
function merge(before: MachineChange | undefined, next: MachineChange): MachineChange {
  if (before !== undefined && !DETAIL_CHANGES.has(before) && DETAIL_CHANGES.has(next)) return before;
  return next;
}
