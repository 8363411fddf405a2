import { statfs } from 'node:fs/promises';
import type { ReplicationStatusMessage, StartOffsiteParams, Verification } from '@muster/protocol';
import { type OffsiteServer, type ReplicationIdentity, startOffsiteServer } from '@muster/replication';
import { Cron } from 'croner';
import type { AgentLog } from '../agent-log';

/**
 * The offsite-server role on this agent: listens on the assigned port and accepts only the
 * local servers the server assigned (their agent keys). A new allow list is applied in place;
 * a new port, directory or snapshot setting restarts the listener.
 */
export class OffsiteRole {
  private server: OffsiteServer | null = null;
  private params: StartOffsiteParams | null = null;
  private error: string | null = null;
  private sessions = 0;
  private verifyJob: Cron | null = null;
  private lastVerification: Verification | null = null;

  constructor(
    private readonly identity: ReplicationIdentity,
    private readonly log: AgentLog,
    /** Sends a status report at once (after a verification). */
    private readonly onChange: () => void,
  ) {}

  /** Starts or reconfigures the role; throws (with a clear message) when it cannot listen. */
  async apply(params: StartOffsiteParams): Promise<string> {
    const same =
      this.server &&
      this.params &&
      this.params.port === params.port &&
      this.params.directory === params.directory &&
      this.params.syntheticFull === params.syntheticFull &&
      JSON.stringify(this.params.retention) === JSON.stringify(params.retention);
    if (same && this.server) {
      this.server.setAllowList(params.allow);
      this.params = params;
      return `offsite server on port ${params.port} now accepts ${params.allow.length} local server(s)`;
    }
    await this.stop();
    try {
      this.server = await startOffsiteServer({
        root: params.directory,
        port: params.port,
        identity: this.identity,
        allow: params.allow,
        ...(params.syntheticFull
          ? {
              syntheticFull: {
                retention: {
                  keepLast: params.retention.keepLast,
                  keepDaily: params.retention.daily,
                  keepWeekly: params.retention.weekly,
                },
              },
            }
          : {}),
        onEvent: (event) => {
          if (event.type === 'session-start') this.sessions += 1;
          else if (event.type === 'session-end') this.sessions = Math.max(0, this.sessions - 1);
          if (event.type === 'refused' || event.type === 'path-refused' || event.type === 'error')
            this.log.warn({ role: 'offsite-server', event }, 'offsite server refused or failed something');
        },
      });
    } catch (error) {
      // Kept so the report shows the role down with its reason.
      this.params = params;
      this.error = (error as Error).message;
      throw error;
    }
    this.params = params;
    this.error = null;
    this.verifyJob = new Cron(params.verifySchedule, { protect: true }, () => {
      this.verify().catch((e) =>
        this.log.error({ role: 'offsite-server', err: String(e) }, 'verification failed'),
      );
    });
    this.log.info(
      { role: 'offsite-server', port: this.server.port, directory: params.directory },
      'offsite server started',
    );
    return `offsite server listening on port ${this.server.port}, storing into ${params.directory}, accepting ${params.allow.length} local server(s)`;
  }

  /**
   * Re-hashes every allowed local server's stored data against its manifest. Damaged blocks are
   * marked, so their sender is told and sends them again at its next transfer.
   */
  async verify(): Promise<string> {
    const server = this.server;
    const params = this.params;
    if (!server || !params) throw new Error('this offsite server is not running; restart it first');
    const found: Verification = {
      at: Date.now(),
      filesChecked: 0,
      bytesChecked: 0,
      corrupted: [],
      missing: 0,
    };
    for (const guid of new Set(params.allow.map((a) => a.guid))) {
      const report = await server.verify(guid);
      found.filesChecked += report.filesChecked;
      found.bytesChecked += report.bytesChecked;
      found.missing += report.missing.length;
      for (const c of report.corrupted)
        if (found.corrupted.length < 100)
          found.corrupted.push({ guid, path: c.path, blocks: c.blocks.length });
    }
    this.lastVerification = found;
    this.onChange();
    return `verified ${found.filesChecked} file(s), ${found.bytesChecked} bytes: ${found.corrupted.length} damaged, ${found.missing} missing`;
  }

  async stop(): Promise<void> {
    this.verifyJob?.stop();
    this.verifyJob = null;
    const server = this.server;
    this.server = null;
    this.sessions = 0;
    await server?.close();
  }

  /** What the agent reports to the server. */
  async report(): Promise<ReplicationStatusMessage | null> {
    if (!this.params) return null;
    const disk = this.server ? await statfs(this.params.directory).catch(() => null) : null;
    return {
      t: 'replication-status',
      role: 'offsite-server',
      id: this.params.offsiteServerId,
      running: this.server !== null,
      error: this.error,
      freeBytes: disk ? disk.bavail * disk.bsize : null,
      sessions: this.sessions,
      lastVerification: this.lastVerification,
    };
  }
}
