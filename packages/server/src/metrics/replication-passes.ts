import type { LocalReport } from '../store/replication-record';
import type { ReplicationMetrics } from './server-metrics';

/**
 * Turns local servers' reports into finished passes. An agent repeats its last pass in every
 * report, so a pass counts once, when its end time is new; and only one that ended after this
 * node started, so a restart does not count again what the reports still show.
 */
export class ReplicationPasses {
  private readonly lastCounted = new Map<string, number>();

  constructor(
    private readonly metrics: ReplicationMetrics,
    private readonly startedAt: number,
  ) {}

  /** Counts the report's last pass if it is one not counted yet. */
  report(localServerId: string, report: LocalReport): void {
    const pass = report.lastPass;
    if (!pass || pass.at < this.startedAt || this.lastCounted.get(localServerId) === pass.at) return;
    this.lastCounted.set(localServerId, pass.at);
    this.metrics.replicationPass(localServerId, pass.bytesSent, pass.durationMs);
  }
}
