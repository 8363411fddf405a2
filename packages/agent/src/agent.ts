import { hostname } from 'node:os';
import {
  type CheckinControl,
  CloseCode,
  type CommandMessage,
  DEFAULT_CHECKIN_PERIOD_SECONDS,
  isUnsetAddress,
  type ServerAddress,
  secondaryProblem,
} from '@muster/protocol';
import type { AgentConnection, ConnectError, ConnectOptions } from './agent-connection';
import { type AgentKey, loadOrCreateAgentKey, replaceAgentKey } from './agent-key';
import type { AgentLog } from './agent-log';
import { AgentStateFile } from './agent-state';
import { CommandJournal } from './command-journal';
import { CommandRunner } from './command-runner';
import { ConnectionManager, type ServerSlot } from './connection-manager';
import { FileChannel } from './file-channel';
import { detectHardwareId } from './hardware-id';
import { collectInventory, localAddresses } from './inventory';
import { pauseOptimizingCompiler } from './optimizing-compiler';
import { RoleManager } from './roles/role-manager';
import { loadPtyLibrary, PtyLoader } from './terminal/pty-library';
import { TerminalSessions } from './terminal/terminal-sessions';
import { BandwidthThrottle } from './throttle';
import { type UserSessionProbe, userSessionProbe } from './user-session-probe';

/**
 * Set by `npm run build:agent` (esbuild define) to the version of the build; absent when the
 * agent runs from the sources or the compiled packages.
 */
declare const __MUSTER_AGENT_BUILD_VERSION__: string | undefined;

/** The agent version reported at every check-in: the build's, or the package's. */
export const AGENT_VERSION =
  typeof __MUSTER_AGENT_BUILD_VERSION__ === 'string' ? __MUSTER_AGENT_BUILD_VERSION__ : '0.1.0';

/** How an agent is started. */
export interface AgentOptions {
  stateDir: string;
  /** The server to enroll with; after enrollment the stored settings win. */
  server?: ServerAddress;
  secondary?: ServerAddress | null;
  token?: string;
  hardwareId?: string;
  userProbeCommand?: string;
  localAddress?: string;
  log: AgentLog;
  /**
   * What to do when the server asks the agent to restart or uninstall itself (the process
   * around the agent decides: the CLI re-executes itself, or removes the state and exits).
   */
  onLifecycle?: (action: 'restart' | 'uninstall') => void;
  /**
   * Told once, with what to tell the operator, when the server refused the agent for good (an
   * unusable install token, an unknown key, a deleted machine account); the agent has stopped
   * trying by then. Without it the agent keeps retrying whatever the answer.
   */
  onRefused?: (message: string) => void;
  /** The self-contained executable this agent runs as, which update-agent replaces; absent under node. */
  executable?: string;
  /** Told at every welcome of a server, once the machine account it names is saved in the state. */
  onWelcomed?: (machineId: string) => void;
}

/**
 * The agent: one persistent connection to its server, a quick check-in every period, the first
 * audit, settings pushed by the server (persisted before they are acknowledged) and the one
 * bandwidth throttle of all its transfers.
 */
export class MusterAgent {
  readonly throttle = new BandwidthThrottle();
  private readonly state: AgentStateFile;
  private key: AgentKey;
  private readonly hardwareId: string;
  private readonly probeUser: UserSessionProbe;
  private readonly manager: ConnectionManager;
  private readonly runner: CommandRunner;
  private readonly roles: RoleManager;
  private readonly terminals: TerminalSessions;
  /** The connection being served, for reports sent outside the check-in rhythm. */
  private connection: AgentConnection | null = null;
  /** Restarts the check-in timer of the session being served (after a period change). */
  private rescheduleCheckin: (() => void) | null = null;
  /**
   * The server closed this agent's connection because its machine account was removed (4016):
   * by an administrator, or after an uninstall. The install token must not bring it back.
   */
  private removedByServer = false;
  /**
   * restart-agent and uninstall commands being run: the agent goes once their result is
   * acknowledged. An uninstall's result makes the server delete the account (4016) and refuse
   * the key (4012) right away; that refusal is the uninstall ending, not a failed enrollment.
   */
  private lifecycleCommands = 0;
  /** A refusal for good held back while such a command runs; told if the agent is still there after. */
  private heldRefusal: ConnectError | null = null;

  constructor(private readonly options: AgentOptions) {
    this.state = new AgentStateFile(options.stateDir);
    this.key = loadOrCreateAgentKey(options.stateDir);
    this.hardwareId = options.hardwareId ?? detectHardwareId();
    this.probeUser = userSessionProbe(options.userProbeCommand);
    if (!this.state.value.checkinControl && !options.server) {
      throw new Error('this agent is not enrolled yet: give --server HOST:PORT and --token TOKEN');
    }
    const twin = options.server ? secondaryProblem(options.server, options.secondary ?? null) : null;
    if (twin) throw new Error(twin);
    this.throttle.setRate(this.settings().bandwidthKBps);
    this.roles = new RoleManager(
      options.stateDir,
      this.key.privateKey,
      this.throttle,
      options.log,
      () => void this.sendRoleReports(),
    );
    this.runner = new CommandRunner({
      journal: new CommandJournal(options.stateDir),
      scratchDir: `${options.stateDir}/scratch`,
      machineId: () => this.state.value.machineId,
      sendAudit: (connection) =>
        connection.send({ t: 'audit', inventory: collectInventory(this.hardwareId) }),
      applySettings: (connection, checkinControl, revision) => {
        // Procedures may arrive after a newer welcome: an older revision never wins.
        if (revision <= this.state.value.settingsRevision) return false;
        this.applySettings(connection, checkinControl, revision);
        return true;
      },
      lifecycle: (action) =>
        (options.onLifecycle ?? ((a) => options.log.warn({ action: a }, 'no lifecycle handler')))(action),
      log: options.log,
      throttle: this.throttle,
      roles: this.roles,
      executable: options.executable ?? null,
      stateDir: options.stateDir,
    });
    this.terminals = new TerminalSessions({
      machineId: () => this.state.value.machineId,
      pty: new PtyLoader(() => loadPtyLibrary(options.stateDir)),
      bytesPerSecond: () => this.throttle.rateKBps * 1024,
      log: options.log,
    });
    this.manager = new ConnectionManager({
      settings: () => this.settings(),
      connectOptions: () => this.connectOptions(),
      serve: (connection, slot) => this.serve(connection, slot),
      recover: (error) => this.reenrollIfForgotten(error),
      ...(options.onRefused ? { refused: (error: ConnectError) => this.refusedForGood(error) } : {}),
      trustedServerId: () => this.state.value.serverId,
      log: options.log,
    });
  }

  private refusedForGood(error: ConnectError): void {
    if (this.lifecycleCommands > 0) {
      this.heldRefusal = error;
      return;
    }
    this.options.onRefused?.(this.refusalMessage(error));
  }

  /** Runs a delivered command; see lifecycleCommands for restart-agent and uninstall. */
  private async runCommand(
    connection: AgentConnection,
    message: CommandMessage,
    files: FileChannel,
  ): Promise<void> {
    const lifecycle = message.type === 'restart-agent' || message.type === 'uninstall';
    if (lifecycle) this.lifecycleCommands += 1;
    try {
      await this.runner.handle(connection, message, files);
    } finally {
      if (lifecycle) this.lifecycleCommands -= 1;
      const held = this.heldRefusal;
      if (held && this.lifecycleCommands === 0) {
        this.heldRefusal = null;
        // When the command completed, the lifecycle handler has taken over by now; told anyway,
        // since the process around the agent knows that it is already ending.
        this.options.onRefused?.(this.refusalMessage(held));
      }
    }
  }

  /** What the operator is told when the server refused this agent for good. */
  private refusalMessage(error: ConnectError): string {
    const how =
      'enroll it again with a new install token: muster agent --token TOKEN --state <this state directory>';
    if (this.removedByServer) {
      return `the server deleted this machine's account (${this.state.value.machineId ?? 'unknown'}): not retrying; to manage this machine again, ${how}`;
    }
    if (error.closeCode === CloseCode.tokenInvalid) {
      return `enrollment failed, not retrying: ${error.message}. Create a new install token (muster install-token create) and start the agent again with --token`;
    }
    return `not retrying: ${error.message}`;
  }

  /**
   * After close code 4012 (the server does not know this agent's key): when started with an
   * install token, forget the old enrollment, make a new key and enroll again with the token.
   * Without a token the error itself tells the operator how to do that.
   */
  private reenrollIfForgotten(error: ConnectError): boolean {
    if (error.closeCode !== CloseCode.unknownAgent || !this.options.token) return false;
    if (this.removedByServer) return false; // removed on purpose: not re-enrolled behind the admin's back
    if (this.state.value.machineId === null) return false; // the token was sent already
    this.options.log.warn(
      { machineId: this.state.value.machineId },
      'the server does not know this agent; enrolling again with the install token and a new key',
    );
    this.key = replaceAgentKey(this.options.stateDir);
    // The new account starts its settings revisions afresh; the server addresses are kept.
    this.state.update({ machineId: null, guid: null, settingsRevision: 0 });
    return true;
  }

  /** The check-in control settings in force. */
  settings(): CheckinControl {
    return (
      this.state.value.checkinControl ?? {
        primary: this.options.server as ServerAddress,
        secondary: this.options.secondary ?? null,
        periodSeconds: DEFAULT_CHECKIN_PERIOD_SECONDS,
        bindToServer: false,
        bandwidthKBps: 0,
      }
    );
  }

  /** The machine id once enrolled. */
  get machineId(): string | null {
    return this.state.value.machineId;
  }

  start(): void {
    // Checking in needs no optimizing compiler; a replication role turns it back on.
    pauseOptimizingCompiler();
    this.manager.start();
    void this.roles.restore();
  }

  async stop(): Promise<void> {
    await this.manager.stop();
    this.terminals.closeAll();
    await this.roles.stopAll();
  }

  /** Reports the state of every replication role on the current connection. */
  private async sendRoleReports(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    for (const report of await this.roles.reports()) connection.send(report);
  }

  private connectOptions(): Omit<ConnectOptions, 'address'> {
    const s = this.state.value;
    const enrolled = s.machineId !== null;
    return {
      key: this.key,
      pinnedServerId: s.checkinControl?.bindToServer ? s.serverId : null,
      ...(enrolled || !this.options.token ? {} : { enrollToken: this.options.token }),
      hostName: hostname().slice(0, 253),
      hardwareId: this.hardwareId,
      agentVersion: AGENT_VERSION,
      configured: { primary: this.settings().primary, secondary: this.settings().secondary },
      ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
      timeoutMs: 10_000,
    };
  }

  private storeSettings(pushed: CheckinControl, revision: number): void {
    if (revision === this.state.value.settingsRevision) return;
    // An account no agent had checked in to holds a placeholder primary: keep the real one.
    const checkinControl = isUnsetAddress(pushed.primary)
      ? { ...pushed, primary: this.settings().primary }
      : pushed;
    // Persisted before it is acknowledged: an acknowledged setting survives a crash.
    this.state.update({ checkinControl, settingsRevision: revision });
    this.throttle.setRate(checkinControl.bandwidthKBps);
    this.options.log.info({ revision, checkinControl }, 'check-in control settings applied');
  }

  private applySettings(connection: AgentConnection, checkinControl: CheckinControl, revision: number): void {
    const periodChanged = checkinControl.periodSeconds !== this.settings().periodSeconds;
    this.storeSettings(checkinControl, revision);
    connection.send({ t: 'settings-applied', revision });
    if (periodChanged) this.rescheduleCheckin?.();
  }

  private serve(connection: AgentConnection, _slot: ServerSlot): Promise<void> {
    connection.useThrottle(this.throttle);
    const welcome = connection.welcome;
    const s = this.state.value;
    const bound = s.checkinControl?.bindToServer === true && s.serverId !== null;
    this.state.update({
      machineId: welcome.machineId,
      guid: welcome.guid,
      serverId: bound ? s.serverId : connection.serverId,
    });
    this.applySettings(connection, welcome.checkinControl, welcome.settingsRevision);
    this.options.onWelcomed?.(welcome.machineId);
    if (welcome.auditRequired) connection.send({ t: 'audit', inventory: collectInventory(this.hardwareId) });
    // Results the server has not acknowledged yet go first, so none is lost or run again.
    this.runner.reportUnacknowledged(connection);

    const files = new FileChannel(connection);
    this.connection = connection;
    return new Promise<void>((resolve) => {
      let checkinTimer: NodeJS.Timeout | null = null;
      let pingTimer: NodeJS.Timeout | null = null;
      let closed = false;
      const periodMs = () => this.settings().periodSeconds * 1000;
      const checkin = async () => {
        const user = await this.probeUser().catch(() => ({ loggedOnUser: null, userIdleSeconds: 0 }));
        if (closed) return;
        connection.send({
          t: 'checkin',
          ...user,
          localAddresses: localAddresses(),
          agentVersion: AGENT_VERSION,
        });
        void this.sendRoleReports();
        checkinTimer = setTimeout(() => void checkin(), periodMs());
      };
      const keepalive = async () => {
        const answered = await connection.ping(Math.max(5000, periodMs()));
        if (closed) return;
        if (!answered) {
          this.options.log.warn({ server: connection.address }, 'server stopped answering; reconnecting');
          connection.terminate();
          return;
        }
        pingTimer = setTimeout(() => void keepalive(), periodMs());
      };
      // A new period applies to the keepalive too: a shorter one must also notice a silent
      // server sooner (the next failover), not only check in more often.
      this.rescheduleCheckin = () => {
        if (checkinTimer) {
          clearTimeout(checkinTimer);
          checkinTimer = setTimeout(() => void checkin(), periodMs());
        }
        if (pingTimer) {
          clearTimeout(pingTimer);
          pingTimer = setTimeout(() => void keepalive(), periodMs());
        }
      };
      connection.on({
        command: (m) => void this.runCommand(connection, m, files),
        file: (m) => files.deliver(m),
        commandAck: (m) => this.runner.acknowledge(m.id),
        terminal: (m) => this.terminals.handle(connection, m),
        close: (code, reason) => {
          closed = true;
          this.terminals.connectionEnded(connection);
          if (code === CloseCode.machineRemoved) this.removedByServer = true;
          files.closed();
          if (this.connection === connection) this.connection = null;
          this.rescheduleCheckin = null;
          if (checkinTimer) clearTimeout(checkinTimer);
          if (pingTimer) clearTimeout(pingTimer);
          checkinTimer = null;
          pingTimer = null;
          this.options.log.warn({ code, reason }, 'disconnected');
          resolve();
        },
      });
      void checkin();
      pingTimer = setTimeout(() => void keepalive(), periodMs());
    });
  }
}
