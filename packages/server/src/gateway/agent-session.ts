import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  type AgentMessage,
  type AgentSessionMessage,
  AgentToServer,
  CHANNEL_BINDING_LABEL,
  CloseCode,
  type CommandMessage,
  createDecoder,
  decodeTerminalOutputFrame,
  dispatchMessage,
  encodeFrame,
  FrameError,
  type HandshakeRefusal,
  type MessageHandlers,
  type ProvenAgent,
  ServerHandshake,
  type ServerHandshakeKeys,
  type ServerHandshakeStep,
  type ServerIdentityKey,
  type ServerMessage,
  type ServerTerminalMessage,
} from '@muster/protocol';
import type { WebSocket } from 'ws';
import type { MachineChange } from '../bus/live-events';
import { ErrorCode, MusterError } from '../domain/errors';
import { type FileTransferService, TransferRefused } from '../files/file-transfer.service';
import type { AgentMetrics, HandshakeOutcome } from '../metrics/server-metrics';
import type { ReplicationControlService } from '../replication/replication-control.service';
import type { AgentAdmissionService } from '../services/agent-admission.service';
import type { CheckinCoalescer } from '../services/checkin-coalescer';
import type { LanGatewayDetector } from '../services/lan-gateway.detector';
import { applyCheckin, type LiveMachineFacts } from '../services/machine-event-batcher';
import type { ServerIdentity } from '../services/server-identity.service';
import type { ConnectionEndReason } from '../store/checkin-history-record';
import type { MachineWriter } from '../store/interfaces';
import type { LocalReport } from '../store/replication-record';
import type { TerminalAgentLink } from '../terminal/agent-terminals';
import type { CommandDispatcher, DispatchTarget } from './command-dispatcher';
import type { LiveSession, SessionRegistry } from './session-registry';

const decoder = createDecoder<AgentMessage>(AgentToServer);

/** Everything a session needs, passed in by the gateway. */
export interface SessionDependencies {
  identity: () => ServerIdentity;
  admission: AgentAdmissionService;
  coalescer: CheckinCoalescer;
  machines: Pick<MachineWriter, 'recordAudit' | 'recordSettingsApplied'>;
  lanDetector: LanGatewayDetector;
  registry: SessionRegistry<AgentSession>;
  dispatcher: CommandDispatcher;
  files: FileTransferService;
  replication: Pick<ReplicationControlService, 'report'>;
  /** The remote terminal streams of this node's agents. */
  terminals: TerminalAgentLink;
  onCheckin: (machineId: string, at: number) => void;
  /**
   * A change of what the machine's row shows (session began or ended, audit, settings applied),
   * with what the session knew of the machine.
   */
  onMachineChange: (machineId: string, change: MachineChange, at: number, live?: LiveMachineFacts) => void;
  /** A local server's report, as stored. */
  onLocalServerReport: (machineId: string, localServerId: string, report: LocalReport, at: number) => void;
  /** Counts handshakes by outcome (in memory, no I/O). */
  metrics: Pick<AgentMetrics, 'handshake'>;
  clock: () => number;
  authFailureDelayMs: number;
  handshakeTimeoutMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** Why a handshake failed, by the close code the session ended it with. */
const HANDSHAKE_FAILURE: Partial<Record<number, HandshakeOutcome>> = {
  [CloseCode.protocolError]: 'protocol-error',
  [CloseCode.handshakeTimeout]: 'timeout',
  [CloseCode.authFailed]: 'auth-failed',
  [CloseCode.tokenInvalid]: 'token-invalid',
  [CloseCode.unknownAgent]: 'unknown-agent',
  [CloseCode.accountConflict]: 'account-conflict',
  [CloseCode.unsupportedVersion]: 'unsupported-version',
};

/** How a connection the server closed ended, for the connection history. */
const SERVER_CLOSE_REASON: Partial<Record<number, ConnectionEndReason>> = {
  [CloseCode.replaced]: 'replaced',
  [CloseCode.serverRestart]: 'server-restart',
  [CloseCode.machineRemoved]: 'machine-removed',
};

/**
 * How a connection ended: as the server closed it, else by the agent's close code (1000 or
 * 1001: it closed cleanly), else lost (1006: no close frame, or a socket error).
 */
function endReasonOf(closedWith: number | null, code: number | null): ConnectionEndReason {
  if (closedWith !== null) return SERVER_CLOSE_REASON[closedWith] ?? 'protocol-error';
  return code === 1000 || code === 1001 ? 'agent-closed' : 'connection-lost';
}

const ERROR_CLOSE: Partial<Record<string, number>> = {
  [ErrorCode.tokenInvalid]: CloseCode.tokenInvalid,
  [ErrorCode.accountConflict]: CloseCode.accountConflict,
  [ErrorCode.unknownAgent]: CloseCode.unknownAgent,
};

/**
 * One agent connection on the server: the handshake (the protocol's ServerHandshake: server
 * proves its identity first, then the agent proves possession of its key, both bound to this
 * TLS session), admission, then the messages of an established session, each to its handler.
 * Fields are few on purpose: there is one of these per connected agent.
 */
export class AgentSession implements LiveSession, DispatchTarget, ServerHandshakeKeys {
  machineId = '';
  suspended = false;
  inFlight: string | null = null;
  inFlightUntil = 0;
  inFlightSince = 0;
  recheck = false;
  mayHaveWork = true;
  /** Unique across nodes and restarts: the store names this session as holder of its commands. */
  readonly holder = randomBytes(12).toString('base64url');
  private readonly handshake = new ServerHandshake();
  private addressesSeen = '';
  /**
   * The newest settings revision the store holds as applied (read at admission, raised by this
   * session's acknowledgements). The stored revision only grows, so an acknowledgement at or
   * below it would change nothing: an agent confirms its settings at every connection, and after
   * a restart that would be one write per agent for nothing.
   */
  private appliedRevision = 0;
  private timer: NodeJS.Timeout | null;
  /** File requests run one after another, so pieces are stored in the order they were sent. */
  private fileChain: Promise<void> | null = null;
  /** Replication reports run one after another (see the handler). */
  private reportChain: Promise<void> | null = null;
  /** What this session knows of the machine ahead of the store's coalesced writes; set once active. */
  private live: LiveMachineFacts | null = null;

  /** The agent version the agent last reported (welcome or check-in); null before its welcome. */
  get agentVersion(): string | null {
    return this.live?.agentVersion ?? null;
  }
  /** The handshake's outcome is counted (welcomed, or failed once, however the socket ends). */
  private handshakeCounted = false;
  /**
   * Check-ins of this connection, counted here and written once with its end (the connection
   * history): a check-in costs no write of its own.
   */
  private checkins = 0;
  private lastCheckinAt: number | null = null;
  /** Whether this connection's start went to the history and its end has not yet. */
  private historyOpen = false;
  /** The close code the server ended this connection with, if it did (how it ended). */
  private closedWith: number | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: TLSSocket,
    private readonly remoteAddress: string,
    private readonly deps: SessionDependencies,
    /** Gives back the connection's handshake slot (see HandshakeGate). */
    private readonly handshakeDone: (() => void) | undefined = undefined,
  ) {
    this.timer = setTimeout(() => {
      const refusal = this.handshake.expired();
      if (refusal) this.close(refusal.code, refusal.reason);
    }, deps.handshakeTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    ws.on('close', (code) => this.onClosed(code));
    ws.on('error', () => this.onClosed(null));
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (!this.handshake.reading) return;
    if (isBinary) {
      this.onBinaryFrame(data);
      return;
    }
    let message: AgentMessage[keyof AgentMessage];
    try {
      message = decoder.decode(data);
    } catch (error) {
      this.close(CloseCode.protocolError, error instanceof FrameError ? error.detail : 'bad frame');
      return;
    }
    let step: ServerHandshakeStep;
    try {
      step = this.handshake.receive(message, this);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (step.kind === 'handle') {
      const handled = dispatchMessage(
        AgentSession.handlers,
        message as AgentSessionMessage[keyof AgentSessionMessage],
        this,
      );
      Promise.resolve(handled).catch((error) => this.fail(error));
    } else if (step.kind === 'reply') {
      this.send(step.message);
    } else if (step.kind === 'admit') {
      this.admit(step.agent).catch((error) => this.fail(error));
    } else if (step.kind === 'refuse') {
      this.refuse(step.refusal);
    }
  }

  /** A binary frame: terminal output, and only from a welcomed agent (see terminal-frames). */
  private onBinaryFrame(data: Buffer): void {
    try {
      if (this.handshake.phase !== 'active')
        throw new FrameError('binary frames come only after the welcome');
      this.deps.terminals.output(this, decodeTerminalOutputFrame(data));
    } catch (error) {
      this.close(CloseCode.protocolError, error instanceof FrameError ? error.detail : 'bad frame');
    }
  }

  /** The server identity key in force (the handshake signs the challenge with it). */
  serverIdentity(): ServerIdentityKey {
    return this.deps.identity();
  }

  /** This connection's TLS channel binding (both handshake proofs are bound to it). */
  channelBinding(): Buffer {
    return this.socket.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0));
  }

  /** Admits an agent that proved its key: its machine account decides whether it is welcomed. */
  private async admit(agent: ProvenAgent): Promise<void> {
    const m = agent.auth;
    const machine = await this.deps.admission.admit(
      {
        publicKey: m.publicKey,
        keyFingerprint: agent.keyFingerprint,
        enrollToken: m.enrollToken,
        hostName: m.hostName,
        hardwareId: m.hardwareId,
        remoteAddress: this.remoteAddress,
        configured: m.configured ?? null,
      },
      (id) => this.deps.registry.has(id),
    );
    this.machineId = machine.id;
    // The agent left while admission ran: nothing was recorded of this connection, and nothing
    // is. Writing its end here would clear the flag of a newer connection of the same agent that
    // this node admitted meanwhile (an agent that gave up on a slow handshake and came back
    // during a restart storm), leaving a connected machine marked offline.
    if (this.ws.readyState !== this.ws.OPEN || !this.handshake.welcomed()) return;
    this.deps.registry
      .register(this)
      ?.close(CloseCode.replaced, 'replaced by a newer connection of this agent');
    const now = this.deps.clock();
    // The session's start, once it holds the machine on this node: its end is written only while
    // it still does (onClosed), so a start and its end always come from the same session.
    this.deps.coalescer.connection({
      machineId: machine.id,
      connected: true,
      at: now,
      attemptAt: m.attemptAt ?? now,
      remoteAddress: this.remoteAddress,
      hardwareId: m.hardwareId,
    });
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.handshakeDone?.();
    this.countHandshake('welcomed');
    this.suspended = machine.suspended;
    this.appliedRevision = machine.appliedRevision;
    this.live = {
      connectedAt: now,
      lastSeenAt: now,
      loggedOnUser: machine.loggedOnUser,
      userIdleSeconds: machine.userIdleSeconds,
      agentVersion: machine.agentVersion,
      remoteAddress: this.remoteAddress,
    };
    this.send({
      t: 'welcome',
      machineId: machine.id,
      guid: machine.guid,
      checkinControl: machine.checkinControl,
      settingsRevision: machine.settingsRevision,
      auditRequired: machine.audit === null,
    });
    this.historyOpen = true;
    this.deps.coalescer.connectionBegan({
      id: this.holder,
      machineId: machine.id,
      connectedAt: now,
      remoteAddress: this.remoteAddress,
    });
    this.deps.log.info({ machineId: machine.id, from: this.remoteAddress }, 'agent connected');
    this.deps.onMachineChange(machine.id, 'connected', now);
    await this.deps.dispatcher.activated(this);
  }

  /**
   * The handler of each message of an established session. Built once for all sessions (each
   * handler gets its session), so a hundred thousand sessions do not hold a hundred thousand maps.
   */
  private static readonly handlers: MessageHandlers<AgentSessionMessage, AgentSession, Promise<void> | void> =
    {
      checkin: (m, session) => {
        const now = session.deps.clock();
        session.deps.onCheckin(session.machineId, now);
        session.noteCheckin(m, now);
        session.checkins++;
        session.lastCheckinAt = now;
        session.deps.coalescer.record({
          machineId: session.machineId,
          seenAt: now,
          loggedOnUser: m.loggedOnUser,
          userIdleSeconds: m.userIdleSeconds,
          localAddresses: m.localAddresses,
          agentVersion: m.agentVersion,
        });
        const addresses = m.localAddresses.join(',');
        if (addresses !== session.addressesSeen) {
          session.addressesSeen = addresses;
          return session.deps.lanDetector.check(session.machineId, m.localAddresses, session.remoteAddress);
        }
      },
      audit: async (m, session) => {
        await session.deps.machines.recordAudit(session.machineId, m.inventory, session.deps.clock());
        session.deps.onMachineChange(session.machineId, 'audited', session.deps.clock());
      },
      'settings-applied': async (m, session) => {
        if (m.revision <= session.appliedRevision) return;
        if (!(await session.deps.machines.recordSettingsApplied(session.machineId, m.revision))) return;
        // Stored as applied now (the write changed the machine, so the revision was sent).
        session.appliedRevision = Math.max(session.appliedRevision, m.revision);
        // The settings an administrator changed are in force now: the console stops showing them pending.
        session.deps.onMachineChange(session.machineId, 'settings-applied', session.deps.clock());
      },
      'command-result': (m, session) => session.deps.dispatcher.result(session, m),
      'replication-status': (m, session) => {
        // One after another: a burst of reports (a pass ending at a check-in) is stored, and its
        // progress events leave, in the order the agent sent them, so the newest is the last word.
        const run = (session.reportChain ?? Promise.resolve()).then(async () => {
          const stored = await session.deps.replication.report(session.machineId, m);
          if (stored) session.deps.onLocalServerReport(session.machineId, m.id, stored, session.deps.clock());
        });
        const next = run.catch(() => undefined);
        session.reportChain = next;
        void next.then(() => {
          if (session.reportChain === next) session.reportChain = null;
        });
        return run;
      },
      'terminal-opened': (m, session) => session.deps.terminals.fromAgent(session, m),
      'terminal-refused': (m, session) => session.deps.terminals.fromAgent(session, m),
      'terminal-output': (m, session) => session.deps.terminals.fromAgent(session, m),
      'terminal-input-ack': (m, session) => session.deps.terminals.fromAgent(session, m),
      'terminal-exit': (m, session) => session.deps.terminals.fromAgent(session, m),
      'file-read': (m, session) =>
        session.fileRequest(m.commandId, async () => {
          const piece = await session.deps.files.read(session.machineId, m.commandId, m.offset, m.length);
          session.send({
            t: 'file-data',
            commandId: m.commandId,
            offset: m.offset,
            data: piece.data.toString('base64'),
            eof: piece.eof,
          });
        }),
      'file-status': (m, session) =>
        session.fileRequest(m.commandId, async () => {
          const received = await session.deps.files.status(session.machineId, m.commandId);
          session.send({ t: 'file-ack', commandId: m.commandId, received });
        }),
      'file-write': (m, session) =>
        session.fileRequest(m.commandId, async () => {
          const data = Buffer.from(m.data, 'base64');
          const received = await session.deps.files.write(session.machineId, m.commandId, m.offset, data);
          session.send({ t: 'file-ack', commandId: m.commandId, received });
        }),
      'file-done': (m, session) =>
        session.fileRequest(m.commandId, async () => {
          const file = await session.deps.files.done(session.machineId, m.commandId, m.size, m.sha256);
          session.send({ t: 'file-ack', commandId: m.commandId, received: file.received, fileId: file.id });
        }),
    };

  /** Keeps what a check-in says; a check-in that changes the machine's row is a machine change. */
  private noteCheckin(m: AgentMessage['checkin'], now: number): void {
    if (this.live && applyCheckin(this.live, m, now))
      this.deps.onMachineChange(this.machineId, 'checked-in', now);
  }

  /** What this session knows of its machine now, while it is the machine's active session. */
  liveFacts(): LiveMachineFacts | undefined {
    return this.handshake.phase === 'active' && this.live ? this.live : undefined;
  }

  /** Runs a file request after the ones before it; a refusal is answered, not fatal. */
  private fileRequest(commandId: string, work: () => Promise<void>): Promise<void> {
    const run = async () => {
      try {
        await work();
      } catch (error) {
        const refused = error instanceof TransferRefused;
        if (!refused) this.deps.log.warn({ err: error, machineId: this.machineId }, 'file transfer failed');
        this.send({
          t: 'file-error',
          commandId,
          message: refused ? error.message : 'the server could not serve this transfer; try again',
          reset: refused && error.reset,
        });
      }
    };
    const next = (this.fileChain ?? Promise.resolve()).then(run);
    this.fileChain = next;
    return next.finally(() => {
      if (this.fileChain === next) this.fileChain = null;
    });
  }

  /** Sends a signed command. */
  sendCommand(message: CommandMessage): void {
    this.send(message);
  }

  /** Sends a remote terminal message; false when the connection is no longer open. */
  sendTerminal(message: ServerTerminalMessage): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(encodeFrame(message));
    return true;
  }

  /** Confirms a stored result. */
  sendAck(id: string): void {
    this.send({ t: 'command-ack', id });
  }

  /** Ends the session for a protocol violation. */
  reject(reason: string): void {
    this.close(CloseCode.protocolError, reason);
  }

  /** Suspends or resumes the work of this agent; resuming hands out what waits. */
  setSuspended(suspended: boolean): void {
    this.suspended = suspended;
    if (!suspended) void this.deps.dispatcher.pump(this);
  }

  /** Whether the handshake is done and the session may be given work. */
  get active(): boolean {
    return this.handshake.phase === 'active';
  }

  /** Closes the connection with a code and a short reason. */
  close(code: number, reason: string): void {
    this.closedWith ??= code;
    this.countHandshake(HANDSHAKE_FAILURE[code] ?? 'internal');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.handshake.close();
    // A close reason may hold at most 123 bytes.
    this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
  }

  /** Ends the connection as the handshake refused it. */
  private refuse(refusal: HandshakeRefusal): void {
    if (refusal.hold) this.holdThenClose(refusal.code, refusal.reason);
    else this.close(refusal.code, refusal.reason);
  }

  private holdThenClose(code: number, reason: string): void {
    // Held briefly so a misconfigured agent cannot spin on the server.
    this.countHandshake(HANDSHAKE_FAILURE[code] ?? 'internal');
    this.handshake.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.close(code, reason), this.deps.authFailureDelayMs);
  }

  private fail(error: unknown): void {
    if (error instanceof MusterError) {
      const code = ERROR_CLOSE[error.code];
      if (code !== undefined) {
        this.deps.log.warn({ from: this.remoteAddress, code: error.code }, error.message);
        this.holdThenClose(code, error.message);
        return;
      }
    }
    this.deps.log.warn({ err: error, from: this.remoteAddress }, 'agent session failed');
    this.close(1011, 'internal error');
  }

  private send(message: ServerMessage[keyof ServerMessage]): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeFrame(message));
  }

  /** Counts how the handshake ended, once; nothing after the agent was welcomed. */
  private countHandshake(outcome: HandshakeOutcome): void {
    if (this.handshakeCounted) return;
    this.handshakeCounted = true;
    this.deps.metrics.handshake(outcome);
  }

  private onClosed(code: number | null): void {
    if (this.historyOpen) {
      this.historyOpen = false;
      this.deps.coalescer.connectionEnded({
        id: this.holder,
        disconnectedAt: this.deps.clock(),
        reason: endReasonOf(this.closedWith, code),
        checkins: this.checkins,
        lastCheckinAt: this.lastCheckinAt,
      });
    }
    this.countHandshake('disconnected');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.handshake.close();
    if (this.machineId && this.deps.registry.get(this.machineId) === this) {
      this.deps.registry.unregister(this);
      const now = this.deps.clock();
      this.deps.coalescer.connection({ machineId: this.machineId, connected: false, at: now });
      this.deps.onMachineChange(this.machineId, 'disconnected', now, this.live ?? undefined);
    }
    // Replaced by a newer connection or not, an admitted session gives back what it holds: a
    // claim of its own may still be running, and only the dispatcher can return what that
    // claim takes once it commits.
    if (this.live) {
      void this.deps.dispatcher.gone(this);
      this.deps.terminals.sessionEnded(this);
    }
  }
}
