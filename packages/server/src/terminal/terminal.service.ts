import { randomBytes } from 'node:crypto';
import type { ScopeFilter } from '../access/scope';
import type { AuditActor, AuditEvent } from '../audit/audit.service';
import { ErrorCode, MusterError, notFound } from '../domain/errors';
import type { ServerIdentity } from '../services/server-identity.service';
import type { MachineRecord } from '../store/machine-record';
import type { NodeDirectory, NodeRecord } from '../store/node-record';
import type { NewTerminalSession } from '../store/terminal-record';
import type { AgentTerminals, TerminalAgentSession } from './agent-terminals';
import { LiveTerminal, type TerminalClient, TerminalCloseCode, type TerminalEnd } from './live-terminal';
import type { TerminalRecorder } from './recording/terminal-recorder';
import { openTerminalRelay } from './relay-client';
import type { TerminalOpenRequest } from './terminal-stream';

/** What the terminal service needs. */
export interface TerminalServiceDeps {
  nodeId: string;
  identity: () => ServerIdentity;
  /** A machine in the caller's scope, or null. */
  findMachine: (id: string, scope: ScopeFilter) => Promise<MachineRecord | null>;
  /** This node's agent sessions. */
  agents: { get(machineId: string): TerminalAgentSession | undefined };
  agentTerminals: AgentTerminals;
  nodes: Pick<NodeDirectory, 'locateMachine'>;
  /** Records the session as opened and starts its recording (TerminalRecorder.start). */
  startRecording: (session: NewTerminalSession) => Promise<TerminalRecorder>;
  audit: (event: AuditEvent) => Promise<unknown>;
  clock: () => number;
  /** A session with no input and no output this long ends (0: never). */
  idleMs: number;
  /** Whether keystrokes are recorded beside the output. */
  recordInput: boolean;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** Who asks for a terminal on what, as the route found it. */
export interface TerminalAsk {
  machineId: string;
  scope: ScopeFilter;
  userId: string;
  username: string;
  actor: AuditActor;
  cols: number;
  rows: number;
}

/** A terminal that passed every check and may be started on an upgraded socket. */
export interface PreparedTerminal {
  ask: TerminalAsk;
  machine: MachineRecord;
  /** The agent's session on this node, or the node to relay to. */
  where: { local: TerminalAgentSession } | { node: NodeRecord };
}

/**
 * Remote terminals: decides whether a person may have one on a machine (in scope, remote
 * control enabled, not suspended, agent connected), opens it wherever the agent is connected
 * (this node's session, or a relay to the node that holds it), records every session, audits
 * its start and end, ends idle sessions, and lets an administrator end one.
 */
export class TerminalService {
  private readonly live = new Map<string, LiveTerminal>();

  constructor(private readonly deps: TerminalServiceDeps) {}

  /** Checks what can refuse before the socket is upgraded; throws a MusterError that says why. */
  async prepare(ask: TerminalAsk): Promise<PreparedTerminal> {
    const machine = await this.deps.findMachine(ask.machineId.toLowerCase(), ask.scope);
    if (!machine) throw notFound(`no machine "${ask.machineId}"`);
    if (!machine.remoteControlEnabled)
      throw new MusterError(
        ErrorCode.invalidState,
        `remote control is disabled for ${machine.id}: enable it before opening a terminal`,
      );
    if (machine.suspended)
      throw new MusterError(
        ErrorCode.invalidState,
        `${machine.id} is suspended: resume it before opening a terminal`,
      );
    const local = this.deps.agents.get(machine.id);
    if (local?.active) return { ask, machine, where: { local } };
    const node = await this.deps.nodes.locateMachine(machine.id);
    if (!node || node.nodeId === this.deps.nodeId)
      throw new MusterError(ErrorCode.invalidState, `the agent of ${machine.id} is not connected`);
    return { ask, machine, where: { node } };
  }

  /** Starts a prepared terminal for a client; returns what the client's messages drive. */
  async start(prepared: PreparedTerminal, client: TerminalClient): Promise<LiveTerminal> {
    const { ask, machine, where } = prepared;
    const now = this.deps.clock();
    const record: NewTerminalSession = {
      id: randomBytes(12).toString('base64url'),
      machineId: machine.id,
      groupId: machine.groupId,
      userId: ask.userId,
      username: ask.username,
      nodeId: this.deps.nodeId,
      agentNodeId: 'local' in where ? this.deps.nodeId : where.node.nodeId,
      startedAt: now,
      cols: ask.cols,
      rows: ask.rows,
      recordInput: this.deps.recordInput,
    };
    const recorder = await this.deps.startRecording(record);
    const deps = {
      clock: this.deps.clock,
      idleMs: this.deps.idleMs,
      log: this.deps.log,
      // The end's audit entry is stored before the client's socket closes.
      afterEnd: (end: TerminalEnd) =>
        this.auditEvent(
          end.by ? { userId: null, userName: end.by, credential: null, address: null } : ask.actor,
          'terminal.end',
          record,
          end,
        ),
    };
    const terminal = new LiveTerminal(record, recorder, client, deps, () => this.live.delete(record.id));
    this.live.set(record.id, terminal);
    await this.auditEvent(ask.actor, 'terminal.start', record, null);
    const request: TerminalOpenRequest = {
      sessionId: record.id,
      machineId: machine.id,
      user: ask.username,
      cols: ask.cols,
      rows: ask.rows,
    };
    terminal.attach(
      'local' in where
        ? this.deps.agentTerminals.open(where.local, request, terminal.viewer)
        : openTerminalRelay(
            { nodeId: where.node.nodeId, host: where.node.relayHost, port: where.node.relayPort },
            this.deps.identity,
            request,
            terminal.viewer,
          ),
    );
    return terminal;
  }

  /** Ends a live session of this node as an administrator; false when this node does not hold it. */
  endHere(sessionId: string, by: string): boolean {
    const terminal = this.live.get(sessionId);
    if (!terminal) return false;
    terminal.end('ended-by-admin', 'an administrator ended the session', TerminalCloseCode.endedByAdmin, by);
    return true;
  }

  /** Ends every live session of this node (shutdown). */
  async endAll(reason: string): Promise<void> {
    const all = [...this.live.values()];
    for (const t of all) t.end('closed', reason, 1001, null);
    await Promise.all(all.map((t) => t.ended));
  }

  /** How many terminals this node serves now. */
  get size(): number {
    return this.live.size;
  }

  private async auditEvent(
    actor: AuditActor,
    action: string,
    s: NewTerminalSession,
    end: TerminalEnd | null,
  ): Promise<void> {
    await this.deps.audit({
      actor,
      action,
      targets: { machines: [s.machineId] },
      details: {
        sessionId: s.id,
        node: s.nodeId,
        agentNode: s.agentNodeId,
        ...(end ? { reason: end.reason, bytesIn: end.bytesIn, bytesOut: end.bytesOut, endedBy: end.by } : {}),
      },
      status: null,
      result: 'ok',
    });
  }
}
