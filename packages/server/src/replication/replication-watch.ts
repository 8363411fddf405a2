import type { NotificationService } from '../services/notification.service';
import type { LocalServerRecord, ReplicationStore } from '../store/replication-record';

/** When the watch counts a local server inactive, and how often it looks. */
export interface ReplicationWatchSettings {
  /** Inactive longer than this raises a notification. */
  inactiveAfterMs: number;
  /** A report older than this means the agent stopped reporting (offline agent, stopped role). */
  reportStaleMs: number;
  intervalMs: number;
}

/**
 * Watches local servers for inactivity (no recent contact with their offsite server). One
 * inactive local server gets a notification that says to restart it; when every local server of
 * an offsite server is inactive, the notification says to restart the offsite server instead,
 * as the spec advises.
 */
export class ReplicationWatch {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: ReplicationStore,
    private readonly notifications: NotificationService,
    private readonly settings: ReplicationWatchSettings,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
    /** Told when a local server turns active or inactive (its `replication` event). */
    private readonly onActivityChange: (local: LocalServerRecord, active: boolean) => void = () => {},
  ) {}

  start(): void {
    const tick = () => {
      this.check()
        .catch(this.onError)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.settings.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.settings.intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Whether a local server counts as active now. */
  isActive(local: LocalServerRecord, now: number): boolean {
    return (
      local.report?.active === true &&
      local.reportedAt !== null &&
      now - local.reportedAt <= this.settings.reportStaleMs
    );
  }

  /** One look at every local server. */
  async check(): Promise<void> {
    const now = this.clock();
    const overdue = new Map<string, LocalServerRecord[]>();
    const all = await this.store.listLocal();
    for (const local of all) {
      if (this.isActive(local, now)) {
        if (local.inactiveSince !== null) {
          await this.store.markInactiveSince(local.id, null);
          this.onActivityChange(local, true);
        }
        continue;
      }
      const since = local.inactiveSince ?? now;
      if (local.inactiveSince === null) {
        await this.store.markInactiveSince(local.id, since);
        // Also how a local server whose agent stopped reporting (offline) shows inactive live.
        this.onActivityChange(local, false);
      }
      if (now - since < this.settings.inactiveAfterMs) continue;
      overdue.set(local.offsiteServerId, [
        ...(overdue.get(local.offsiteServerId) ?? []),
        { ...local, inactiveSince: since },
      ]);
    }
    for (const [offsiteId, inactive] of overdue) {
      const members = all.filter((l) => l.offsiteServerId === offsiteId);
      if (inactive.length === members.length && members.length > 1) {
        const since = Math.min(...inactive.map((l) => l.inactiveSince ?? now));
        const offsite = await this.store.getOffsite(offsiteId);
        await this.notifications.raise(
          'local-server-inactive',
          offsite?.machineId ?? null,
          `every local server of offsite server ${offsiteId} (${offsite?.host}:${offsite?.port}) has been inactive since ${new Date(since).toISOString()}: restart the offsite server (POST /api/v1/offsite-servers/${offsiteId}/restart)`,
          `offsite:${offsiteId}:${since}`,
        );
        continue;
      }
      for (const local of inactive) {
        await this.notifications.raise(
          'local-server-inactive',
          local.machineId,
          `local server ${local.id} on ${local.machineId} has not reached its offsite server since ${new Date(local.inactiveSince ?? now).toISOString()}: restart the local server (POST /api/v1/local-servers/${local.id}/restart)`,
          `local:${local.id}:${local.inactiveSince}`,
        );
      }
    }
  }
}
