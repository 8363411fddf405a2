import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PassSummary, ReplicationStatusMessage, StartLocalParams } from '@muster/protocol';
import { LocalServer, type ReplicationIdentity } from '@muster/replication';
import { Cron } from 'croner';
import type { AgentLog } from '../agent-log';
import { BandwidthThrottle } from '../throttle';

/**
 * The local-server role on this agent: mirrors the Local Server directory to its offsite server
 * on the cron schedule (and on demand), through the agent's throttle and this role's own
 * bandwidth limit. A broken transfer is retried with backoff and resumes where it stopped.
 */
export class LocalRole {
  private server: LocalServer | null = null;
  private params: StartLocalParams | null = null;
  private error: string | null = null;
  private lastPass: PassSummary | null = null;

  constructor(
    private readonly identity: ReplicationIdentity,
    private readonly stateDir: string,
    private readonly agentThrottle: BandwidthThrottle,
    private readonly log: AgentLog,
    /** Sends a status report at once (after each pass). */
    private readonly onChange: () => void,
  ) {}

  /** Starts (or restarts with new settings) the role; a first pass runs at once. */
  async apply(params: StartLocalParams): Promise<string> {
    await this.stop();
    let schedule: Cron;
    try {
      schedule = new Cron(params.schedule, { paused: true });
    } catch (error) {
      this.params = params;
      this.error = `schedule "${params.schedule}": ${(error as Error).message}`;
      throw new Error(this.error);
    }
    const folder = await stat(params.directory).catch(() => null);
    if (!folder?.isDirectory()) {
      this.params = params;
      this.error = `the Local Server directory ${params.directory} does not exist on this machine`;
      throw new Error(this.error);
    }
    const ownLimit = new BandwidthThrottle(params.bandwidthKBps);
    // Active means the offsite was reached within one schedule period (plus slack): a nightly
    // schedule is not inactive at noon.
    const first = schedule.nextRun();
    const second = first ? schedule.nextRun(first) : null;
    const periodMs = first && second ? second.getTime() - first.getTime() : 24 * 3600_000;
    this.server = new LocalServer({
      localDir: params.directory,
      localServerGuid: params.guid,
      stateDir: join(this.stateDir, 'replication', params.localServerId),
      offsite: params.offsite,
      identity: this.identity,
      deleteDelaySeconds: params.deleteDelaySeconds,
      // Both limits hold: the agent's (check-in control) and this local server's.
      throttle: {
        take: async (bytes) => {
          await ownLimit.take(bytes);
          await this.agentThrottle.take(bytes);
        },
      },
      activeWindowMs: periodMs + 5 * 60_000,
      nextPassDelayMs: () => {
        const next = schedule.nextRun();
        return next ? Math.max(0, next.getTime() - Date.now()) : 24 * 3600_000;
      },
      onPass: (outcome) => {
        this.error = outcome.error ? outcome.error.message : null;
        const s = outcome.summary;
        if (s)
          this.lastPass = {
            at: Date.now(),
            complete: s.complete,
            filesSent: s.filesSent,
            bytesSent: s.bytesSent,
            literalBytes: s.literalBytes,
            matchedBytes: s.matchedBytes,
            resumedBytes: s.resumedBytes,
            durationMs: Math.round(s.durationMs),
          };
        if (outcome.error)
          this.log.warn(
            { role: 'local-server', err: outcome.error.message },
            'replication pass broke; retrying',
          );
        else this.log.info({ role: 'local-server', summary: outcome.summary }, 'replication pass done');
        this.onChange();
      },
    });
    this.params = params;
    this.error = null;
    this.server.start();
    const warning = params.sameMachineAsOffsite
      ? ' (warning: the offsite server is this same machine, so the copy gives no disaster-recovery benefit)'
      : '';
    return `local server started: ${params.directory} to ${params.offsite.host}:${params.offsite.port}, schedule "${params.schedule}"${warning}`;
  }

  /** Runs a pass now. */
  replicateNow(): string {
    if (!this.server) throw new Error('this local server is not running; restart it first');
    this.server.runNow();
    return 'replication started';
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.stop();
  }

  /** What the agent reports to the server. */
  report(): ReplicationStatusMessage | null {
    if (!this.params) return null;
    const s = this.server?.status();
    return {
      t: 'replication-status',
      role: 'local-server',
      id: this.params.localServerId,
      running: this.server !== null,
      error: this.error ?? s?.lastError?.message ?? null,
      state: s?.state ?? 'stopped',
      // Active: the offsite was reached recently and the latest attempt did not fail.
      active: (s?.active ?? false) && s?.failures === 0,
      lastContactAt: s?.lastContactAt ?? null,
      lastTransferAt: s?.lastTransferAt ?? null,
      bytesRemaining: s?.bytesRemaining ?? 0,
      rateBytesPerSecond: Math.round(s?.rateBytesPerSecond ?? 0),
      etaSeconds: s?.etaSeconds ?? null,
      nextRunAt: s?.nextRunAt ?? null,
      lastPass: this.lastPass,
    };
  }
}
