import {
  type AgentConnection,
  type AgentKey,
  ConnectError,
  connectAgent,
  fullJitterDelay,
} from '@muster/agent';
import { type AgentMessage, DEFAULT_CHECKIN_PERIOD_SECONDS, type ServerAddress } from '@muster/protocol';
import type { Semaphore } from './semaphore';
import { checkinMessage, type SimClient, type SimCounters } from './sim-client';
import { sleep } from './wait';

/** Who one simulated agent is and where it connects from. */
export interface SimAgentSpec {
  index: number;
  key: AgentKey;
  address: ServerAddress;
  localAddress: string;
  enrollToken: string;
  timeoutMs: number;
}

/**
 * One simulated Muster agent. It connects with the agent's own handshake code (connectAgent),
 * enrolls with the install token once and then reconnects with its key alone, acknowledges
 * settings, sends a check-in at once and then every period, and after a drop retries with
 * full-jitter backoff capped at the period, as the agent's ConnectionManager does.
 */
export class SimAgent implements SimClient {
  private connection: AgentConnection | null = null;
  private timer: NodeJS.Timeout | null = null;
  private enrolled = false;
  private stopped = false;
  private readonly checkin: AgentMessage['checkin'];
  everConnected = false;
  connectedAt = 0;
  periodSeconds = DEFAULT_CHECKIN_PERIOD_SECONDS;

  constructor(
    private readonly spec: SimAgentSpec,
    private readonly counters: SimCounters,
  ) {
    this.checkin = checkinMessage(spec.localAddress);
  }

  get connected(): boolean {
    return this.connection !== null;
  }

  start(gate: Semaphore): void {
    void this.run(gate);
  }

  ping(timeoutMs: number): Promise<boolean> {
    return this.connection ? this.connection.ping(timeoutMs) : Promise.resolve(false);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.connection?.close(1000, 'simulator stopping');
  }

  private async run(gate: Semaphore): Promise<void> {
    let attempt = 0;
    let first = true;
    while (!this.stopped) {
      const connection = first ? await gate.run(() => this.tryConnect()) : await this.tryConnect();
      first = false;
      if (connection) {
        attempt = 0;
        await this.serve(connection);
        if (this.stopped) break;
      }
      await sleep(fullJitterDelay(attempt++, this.periodSeconds * 1000));
    }
  }

  private async tryConnect(): Promise<AgentConnection | null> {
    const s = this.spec;
    try {
      return await connectAgent({
        address: s.address,
        key: s.key,
        pinnedServerId: null,
        ...(this.enrolled ? {} : { enrollToken: s.enrollToken }),
        hostName: `sim-${s.index}`,
        hardwareId: `bench-hw-${s.index}`,
        agentVersion: 'bench',
        configured: { primary: s.address, secondary: null },
        localAddress: s.localAddress,
        timeoutMs: s.timeoutMs,
      });
    } catch (error) {
      this.counters.connectFailures++;
      this.counters.lastError = error instanceof ConnectError ? error.message : String(error);
      return null;
    }
  }

  private serve(connection: AgentConnection): Promise<void> {
    if (this.stopped) {
      connection.close(1000, 'simulator stopping');
      return Promise.resolve();
    }
    const welcome = connection.welcome;
    this.enrolled = true;
    this.everConnected = true;
    this.connectedAt = performance.now();
    this.periodSeconds = welcome.checkinControl.periodSeconds;
    this.connection = connection;
    connection.send({ t: 'settings-applied', revision: welcome.settingsRevision });
    return new Promise<void>((resolve) => {
      let closed = false;
      const checkin = () => {
        if (closed) return;
        if (connection.send(this.checkin)) this.counters.sent++;
        this.timer = setTimeout(checkin, this.periodSeconds * 1000);
      };
      connection.on({
        // Settings arrive as an update-checkin-control procedure; the simulator answers it as
        // the agent does (apply, acknowledge the revision, report the result).
        command: (m) => {
          const settings = m.type === 'update-checkin-control' ? readSettings(m.params) : null;
          if (!settings) {
            connection.send({
              t: 'command-result',
              id: m.id,
              status: 'failed',
              error: 'simulator runs no work',
            });
            return;
          }
          const changed = settings.periodSeconds !== this.periodSeconds;
          this.periodSeconds = settings.periodSeconds;
          connection.send({ t: 'settings-applied', revision: settings.revision });
          connection.send({ t: 'command-result', id: m.id, status: 'complete' });
          if (changed && this.timer && !closed) {
            clearTimeout(this.timer);
            this.timer = setTimeout(checkin, this.periodSeconds * 1000);
          }
        },
        close: () => {
          closed = true;
          if (this.timer) clearTimeout(this.timer);
          this.timer = null;
          this.connection = null;
          resolve();
        },
      });
      checkin();
    });
  }
}

/** The period and revision of an update-checkin-control procedure, or null if malformed. */
function readSettings(params: Record<string, unknown>): { periodSeconds: number; revision: number } | null {
  const control = params.checkinControl as { periodSeconds?: unknown } | undefined;
  const periodSeconds = control?.periodSeconds;
  const revision = params.revision;
  return typeof periodSeconds === 'number' && typeof revision === 'number'
    ? { periodSeconds, revision }
    : null;
}
