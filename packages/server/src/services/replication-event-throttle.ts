import type { LocalServerProgress, ReplicationEvent } from '../bus/live-events';
import { localView } from '../replication/replication-view';
import type { LocalReport } from '../store/replication-record';

/** At most one `replication` event per local server in this long. */
export const REPLICATION_EVENT_INTERVAL_MS = 1000;

/**
 * An error in an event is cut to this many characters: one event must fit a PostgreSQL NOTIFY
 * (about 7,900 bytes) even when every character of the error is escaped to six bytes in JSON.
 * The whole error is on GET /local-servers/{id}.
 */
export const MAX_EVENT_ERROR_CHARS = 1000;

/** What a replication event is built from: a local server and its latest report. */
export interface LocalServerState {
  id: string;
  machineId: string;
  report: LocalReport | null;
  reportedAt: number | null;
  /** The watch's verdict: reached its offsite server recently (see ReplicationWatch.isActive). */
  active: boolean;
}

/** Builds the `replication` event of a local server, with the fields GET /local-servers shows. */
export function replicationEvent(local: LocalServerState, at: number): ReplicationEvent {
  // The list item's own builder, so a field never means something else in the event.
  const view = localView(
    {
      id: local.id,
      machineId: local.machineId,
      directory: '',
      offsiteServerId: '',
      schedule: '',
      bandwidthKBps: 0,
      report: local.report,
      reportedAt: local.reportedAt,
      inactiveSince: null,
      createdAt: 0,
      updatedAt: 0,
    },
    local.active,
  );
  const progress: LocalServerProgress = {
    status: view.status,
    state: view.state,
    lastContactAt: view.lastContactAt,
    lastTransferAt: view.lastTransferAt,
    bytesRemaining: view.bytesRemaining,
    rateBytesPerSecond: view.rateBytesPerSecond,
    etaSeconds: view.etaSeconds,
    nextRunAt: view.nextRunAt,
    lastPass: view.lastPass,
    error: view.error === null ? null : view.error.slice(0, MAX_EVENT_ERROR_CHARS),
    reportedAt: view.reportedAt,
  };
  return {
    type: 'replication',
    localServerId: local.id,
    machineId: local.machineId,
    at: new Date(at).toISOString(),
    localServer: progress,
  };
}

/** What tells two events of one local server apart, the time of the report aside. */
function contentOf(event: ReplicationEvent): string {
  return JSON.stringify({ ...event.localServer, reportedAt: null });
}

/**
 * Passes on at most one `replication` event per local server per interval, and none that says
 * nothing new. Agents report at every check-in (each second, on a fast setting) and after each
 * pass; a console needs the progress, not every report. Within an interval the latest event
 * waits and goes out when the interval ends, so the last word of a pass (finished, failed) is
 * never lost to the throttle.
 */
export class ReplicationEventThrottle {
  /** When each local server's last event went out, and what it said. */
  private readonly sent = new Map<string, { at: number; content: string }>();
  private readonly waiting = new Map<string, { event: ReplicationEvent; timer: NodeJS.Timeout }>();
  private stopped = false;

  constructor(
    private readonly publish: (event: ReplicationEvent) => Promise<void>,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = REPLICATION_EVENT_INTERVAL_MS,
  ) {}

  /** Offers the latest event of a local server. */
  offer(event: ReplicationEvent): void {
    if (this.stopped) return;
    const id = event.localServerId;
    const queued = this.waiting.get(id);
    if (queued) {
      queued.event = event;
      return;
    }
    const last = this.sent.get(id);
    if (last?.content === contentOf(event)) return;
    const wait = last ? last.at + this.intervalMs - this.clock() : 0;
    if (wait <= 0) {
      this.send(event);
      return;
    }
    const timer = setTimeout(() => this.release(id), wait);
    // A waiting event must not keep a stopping process alive (stop sends it).
    timer.unref();
    this.waiting.set(id, { event, timer });
  }

  /** Sends every waiting event now and takes no more (the server is stopping). */
  stop(): void {
    this.stopped = true;
    for (const id of [...this.waiting.keys()]) this.release(id);
  }

  private release(id: string): void {
    const queued = this.waiting.get(id);
    if (!queued) return;
    clearTimeout(queued.timer);
    this.waiting.delete(id);
    if (this.sent.get(id)?.content !== contentOf(queued.event)) this.send(queued.event);
  }

  private send(event: ReplicationEvent): void {
    this.sent.set(event.localServerId, { at: this.clock(), content: contentOf(event) });
    this.publish(event).catch(this.onError);
  }
}
