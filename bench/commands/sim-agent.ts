import {
  type AgentConnection,
  type AgentKey,
  ConnectError,
  connectAgent,
  fullJitterDelay,
} from '@muster/agent';
import { type AgentMessage, DEFAULT_CHECKIN_PERIOD_SECONDS, type ServerAddress } from '@muster/protocol';
import type { Semaphore } from '../checkin/semaphore';
import { sleep } from '../checkin/wait';

/** Who one simulated agent is and where it connects from. */
export interface CmdSimAgentSpec {
  index: number;
  key: AgentKey;
  address: ServerAddress;
  localAddress: string;
  enrollToken: string;
  timeoutMs: number;
}

/** Told about every command an agent receives and every acknowledgement (times: performance.now()). */
export interface CommandObserver {
  received(agent: CmdSimAgent, commandId: string, commandType: string, atMs: number): void;
  resultSent(agent: CmdSimAgent, commandId: string, atMs: number): void;
  acked(agent: CmdSimAgent, commandId: string, atMs: number): void;
}

/** Connection counters shared by the agents of one simulator process. */
export interface CmdSimCounters {
  connectFailures: number;
  lastError: string;
  commandsReceived: number;
  acksReceived: number;
}

/**
 * One simulated Muster agent that runs commands: it connects with the agent's own handshake
 * code (connectAgent), enrolls once and then reconnects with its key, checks in every period,
 * and answers every command at once with a `complete` command-result (the command's
 * signature is not checked: a real agent's verification runs on its own machine, and here
 * it would only take CPU from the server under test).
 */
export class CmdSimAgent {
  private connection: AgentConnection | null = null;
  private timer: NodeJS.Timeout | null = null;
  private enrolled = false;
  private stopped = false;
  private readonly checkin: AgentMessage['checkin'];
  /** The machine id the server gave this agent (empty until the first welcome). */
  machineId = '';
  everConnected = false;
  periodSeconds = DEFAULT_CHECKIN_PERIOD_SECONDS;

  constructor(
    private readonly spec: CmdSimAgentSpec,
    private readonly counters: CmdSimCounters,
    private readonly observer: CommandObserver,
  ) {
    this.checkin = {
      t: 'checkin',
      loggedOnUser: null,
      userIdleSeconds: 0,
      localAddresses: [spec.localAddress],
      agentVersion: 'bench',
    };
  }

  /** Whether a welcomed connection is open now. */
  get connected(): boolean {
    return this.connection !== null;
  }

  /** Starts connecting; the first connection waits for a slot of `gate`. */
  start(gate: Semaphore): void {
    void this.run(gate);
  }

  /** Closes and stops reconnecting. */
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
        hostName: `cmd-${s.index}`,
        hardwareId: `bench-cmd-hw-${s.index}`,
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
    this.machineId = welcome.machineId;
    this.periodSeconds = welcome.checkinControl.periodSeconds;
    this.connection = connection;
    connection.send({ t: 'settings-applied', revision: welcome.settingsRevision });
    return new Promise<void>((resolve) => {
      let closed = false;
      const checkin = () => {
        if (closed) return;
        connection.send(this.checkin);
        this.timer = setTimeout(checkin, this.periodSeconds * 1000);
      };
      connection.on({
        command: (m) => {
          this.counters.commandsReceived++;
          this.observer.received(this, m.id, m.type, performance.now());
          connection.send({ t: 'command-result', id: m.id, status: 'complete', exitCode: 0 });
          this.observer.resultSent(this, m.id, performance.now());
        },
        commandAck: (m) => {
          this.counters.acksReceived++;
          this.observer.acked(this, m.id, performance.now());
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
