import {
  type CheckinControl,
  CloseCode,
  FATAL_CLOSE_CODES,
  formatServerAddress,
  type ServerAddress,
} from '@muster/protocol';
import { abortableSleep as sleep } from './abortable-sleep';
import { type AgentConnection, ConnectError, type ConnectOptions, connectAgent } from './agent-connection';
import type { AgentLog } from './agent-log';
import { refusedForGood } from './final-refusal';
import { reconnectDelay } from './reconnect-delay';

/** Which configured server a connection goes to. */
export type ServerSlot = 'primary' | 'secondary';

/** What the manager needs from the agent around it. */
export interface ConnectionManagerHost {
  /** The settings in force (server-pushed, else those the agent was started with). */
  settings(): CheckinControl;
  /** Connection options except the address. */
  connectOptions(): Omit<ConnectOptions, 'address'>;
  /** Runs a connection until it closes; resolves then. */
  serve(connection: AgentConnection, slot: ServerSlot): Promise<void>;
  /**
   * Offered every failed attempt before it is logged: true when the host fixed what made it
   * fail (a re-enrollment after close code 4012), so the same server is tried again at once.
   */
  recover?(error: ConnectError): boolean;
  /**
   * Told once when a server refused the agent for good (see refusedForGood) and no server
   * welcomed it in the same round; the manager then stops trying. Without this handler the
   * manager keeps retrying whatever the answer.
   */
  refused?(error: ConnectError): void;
  /**
   * The Server ID the agent belongs to (the one it enrolled with or has followed since), or null
   * before its first welcome. Only that server, or any before the first welcome, can refuse the
   * agent for good: a server of another identity that does not know it (an impostor on the
   * address, another installation) says nothing about its account.
   */
  trustedServerId?(): string | null;
  /** How a connection is made; the agent's own handshake unless a test stands in for it. */
  connect?(options: ConnectOptions): Promise<AgentConnection>;
  /** Where reconnect delays draw their randomness: Math.random unless a test fixes it. */
  random?(): number;
  log: AgentLog;
}

/** Failures retrying cannot fix without the operator: logged as errors, not warnings. */
function needsOperator(error: ConnectError): boolean {
  return (
    error.kind === 'identity-mismatch' ||
    error.kind === 'unresolvable' ||
    error.kind === 'not-agent-port' ||
    error.closeCode === CloseCode.unknownAgent ||
    (error.closeCode !== undefined && FATAL_CLOSE_CODES.has(error.closeCode))
  );
}

/**
 * Keeps the agent connected: always the primary first, the secondary only while the primary
 * is unreachable, and back to the primary as soon as a probe reaches it. After a drop it
 * waits a random moment within the window the server's close told, if it told one, and
 * otherwise retries with full-jitter backoff capped at the check-in period, until a server
 * refuses the agent for good (see `refused`).
 */
export class ConnectionManager {
  private readonly abort = new AbortController();
  private current: { connection: AgentConnection; slot: ServerSlot } | null = null;
  private loop: Promise<void> | null = null;
  /** The refusal for good met in the current round of attempts, if any. */
  private finalRefusal: ConnectError | null = null;

  constructor(private readonly host: ConnectionManagerHost) {}

  start(): void {
    this.loop = this.run();
  }

  /** The connection in use, if any. */
  get active(): { connection: AgentConnection; slot: ServerSlot } | null {
    return this.current;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.current?.connection.close(1000, 'agent stopping');
    await this.loop;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      this.finalRefusal = null;
      // The reason of the close that ended the connection served last; null after a failed attempt.
      let closeReason: string | null = null;
      const established = await this.connectPreferred();
      if (established) {
        attempt = 0;
        const ended = await this.serveWithProbe(established.connection, established.slot);
        if (this.stopped) break;
        closeReason = ended.closeReason ?? '';
      } else if (this.finalRefusal && this.host.refused && !this.stopped) {
        // Primary and secondary are nodes of one installation sharing one store: the refusal of
        // either is the installation's answer, even while the other one is unreachable.
        this.host.refused(this.finalRefusal);
        return;
      }
      const wait = reconnectDelay(
        closeReason,
        attempt++,
        this.host.settings().periodSeconds * 1000,
        () => this.host.random?.() ?? Math.random(),
      );
      if (wait.windowSeconds !== null) {
        this.host.log.info(
          { windowSeconds: wait.windowSeconds, delayMs: wait.delayMs },
          'the server dropped its agents at once; reconnecting at a random moment in the window it told',
        );
      }
      await sleep(wait.delayMs, this.abort.signal);
    }
  }

  /** Tries the primary, then the secondary; null when neither answers. */
  private async connectPreferred(): Promise<{ connection: AgentConnection; slot: ServerSlot } | null> {
    const settings = this.host.settings();
    const primary = await this.tryConnect(settings.primary, 'primary');
    if (primary) return { connection: primary, slot: 'primary' };
    if (settings.secondary && !this.stopped) {
      const secondary = await this.tryConnect(settings.secondary, 'secondary');
      if (secondary) return { connection: secondary, slot: 'secondary' };
    }
    return null;
  }

  private async tryConnect(
    address: ServerAddress,
    slot: ServerSlot,
    quiet = false,
    recovered = false,
  ): Promise<AgentConnection | null> {
    try {
      return await (this.host.connect ?? connectAgent)({ ...this.host.connectOptions(), address });
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      // Once only: a second failure right after a fix is reported, not fixed again.
      if (!recovered && !this.stopped && this.host.recover?.(error)) {
        return this.tryConnect(address, slot, quiet, true);
      }
      const fields = {
        slot,
        server: formatServerAddress(address),
        failure: error.kind,
        closeCode: error.closeCode,
      };
      // Probes (quiet) only look for a way back to the primary; they never end the agent.
      if (!quiet && refusedForGood(error) && this.speaksForTheAgent(error)) this.finalRefusal = error;
      if (needsOperator(error)) {
        this.host.log.error(fields, error.message);
      } else if (!quiet) {
        this.host.log.warn(fields, error.message);
      }
      return null;
    }
  }

  /**
   * Serves a connection; while it is not the primary, probes the primary every period and
   * switches over when the probe is welcomed (the server then drops the old session).
   * Resolves with the connection that ended.
   */
  private async serveWithProbe(first: AgentConnection, firstSlot: ServerSlot): Promise<AgentConnection> {
    let connection = first;
    let slot = firstSlot;
    while (!this.stopped) {
      this.current = { connection, slot };
      this.host.log.info(
        { slot, server: formatServerAddress(connection.address), machineId: connection.welcome.machineId },
        'checked in',
      );
      const served = this.host.serve(connection, slot);
      const moved = await Promise.race([
        served.then(() => null),
        this.probePrimaryWhileAway(connection, served),
      ]);
      this.current = null;
      if (!moved) return connection;
      connection.close(1000, 'moving back to the primary server');
      await served;
      connection = moved;
      slot = 'primary';
    }
    return connection;
  }

  /** Whether the server that refused is the agent's own (see trustedServerId). */
  private speaksForTheAgent(error: ConnectError): boolean {
    const trusted = this.host.trustedServerId?.() ?? null;
    return trusted === null || error.serverId === trusted;
  }

  private onPrimary(connection: AgentConnection): boolean {
    const primary = this.host.settings().primary;
    return connection.address.host === primary.host && connection.address.port === primary.port;
  }

  private async probePrimaryWhileAway(
    connection: AgentConnection,
    served: Promise<void>,
  ): Promise<AgentConnection | null> {
    let done = false;
    void served.then(() => {
      done = true;
    });
    let nextProbeAt = 0;
    let lastPrimary = '';
    while (!done && !this.stopped) {
      const primary = formatServerAddress(this.host.settings().primary);
      // Probe at once when the primary just changed (port migration), then once a period.
      if (primary !== lastPrimary) {
        lastPrimary = primary;
        nextProbeAt = 0;
      }
      if (this.onPrimary(connection) || Date.now() < nextProbeAt) {
        await sleep(1000, this.abort.signal);
        continue;
      }
      nextProbeAt = Date.now() + this.host.settings().periodSeconds * 1000;
      const probe = await this.tryConnect(this.host.settings().primary, 'primary', true);
      if (probe) {
        if (done || this.stopped) {
          probe.close(1000, 'not needed');
          return null;
        }
        return probe;
      }
    }
    return null;
  }
}
