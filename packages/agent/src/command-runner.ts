import {
  AgentCommandParams,
  type AgentCommandType,
  type CheckinControl,
  type CommandMessage,
  type CommandResultMessage,
  commandSigningBytes,
  verifyProof,
} from '@muster/protocol';
import { Value } from '@sinclair/typebox/value';
import type { AgentConnection } from './agent-connection';
import type { AgentLog } from './agent-log';
import { COMMAND_HANDLERS, type CommandOutcome, type CommandRun, failed } from './command-handlers';
import type { CommandJournal } from './command-journal';
import { ConnectionLost, type FileChannel } from './file-channel';
import type { TransferThrottle } from './file-transfer';
import type { RoleManager } from './roles/role-manager';

/** What running commands needs from the agent around it. */
export interface CommandRunnerHost {
  journal: CommandJournal;
  scratchDir: string;
  machineId(): string | null;
  sendAudit(connection: AgentConnection): void;
  /** Applies settings sent as a procedure; false when they are older than those in force. */
  applySettings(connection: AgentConnection, checkinControl: CheckinControl, revision: number): boolean;
  /** Asked after the result of restart-agent / uninstall has been acknowledged (or not, after a while). */
  lifecycle(action: 'restart' | 'uninstall'): void;
  /** The agent's one bandwidth throttle; put-file takes from it before asking for data. */
  throttle: TransferThrottle;
  /** Runs the replication procedures (start/stop a role, replicate now). */
  roles: Pick<RoleManager, 'run'>;
  /** The self-contained executable this agent runs as (it can update itself); null under node. */
  executable: string | null;
  /** The state directory, where an update on trial is recorded. */
  stateDir: string;
  log: AgentLog;
}

/**
 * Commands that may run again after an interruption: they resume from what was already
 * transferred instead of starting over, so running them twice does no harm.
 */
const RESUMABLE = new Set(['get-file', 'put-file']);

/**
 * An interrupted transfer waits in the journal for its command to be delivered again. One that
 * never comes back (its command ended on the server meanwhile) is forgotten after this long;
 * were it delivered later still, it would only start its transfer over.
 */
const STALE_TRANSFER_MS = 30 * 86_400_000;

/**
 * Ids whose result the server acknowledged lately. A delivery claimed just before the result
 * was stored can reach the agent after the acknowledgement removed the journal entry; it is
 * answered from here, not run again.
 */
const RECENT_ACKS = 10_000;

/**
 * Runs the commands the server hands out: only those signed by the server identity this agent
 * verified at the handshake, each at most once (the journal answers repeats from the stored
 * result).
 */
export class CommandRunner {
  /** Commands being run; null from one means it was interrupted (connection lost) and resumes later. */
  private readonly running = new Map<string, Promise<CommandResultMessage | null>>();
  private readonly acked = new Map<string, () => void>();
  private readonly recentlyAcknowledged = new Set<string>();

  constructor(private readonly host: CommandRunnerHost) {
    this.recover();
  }

  /**
   * Settles what an earlier run of the agent left in the journal: a command that was running
   * when the agent stopped is recorded as failed (never started again), so its result is
   * reported like any other; an interrupted transfer waits to resume, unless it is stale.
   */
  private recover(): void {
    const now = Date.now();
    for (const entry of this.host.journal.entries()) {
      if (entry.state !== 'running') continue;
      if (entry.type !== undefined && RESUMABLE.has(entry.type)) {
        if (now - (entry.startedAt ?? now) > STALE_TRANSFER_MS) this.host.journal.acknowledged(entry.id);
        continue;
      }
      this.host.journal.finished({
        t: 'command-result',
        id: entry.id,
        ...failed('the agent stopped while this command was running; it is not run again'),
      });
    }
  }

  /**
   * Reports, on a new connection, every result the server has not acknowledged yet: one lost
   * with a connection, one the server could not store, or one of a command that ended on the
   * server (its time to live passed, it was canceled) while the agent was away.
   */
  reportUnacknowledged(connection: AgentConnection): void {
    for (const entry of this.host.journal.entries()) {
      if (entry.state === 'done' && !this.running.has(entry.id)) connection.send(entry.result);
    }
  }

  /** Handles one delivered command on the connection it came in on. */
  async handle(connection: AgentConnection, message: CommandMessage, files: FileChannel): Promise<void> {
    const result = await this.resultFor(connection, message, files);
    // Interrupted: the server gives the command back at the next connection, and it resumes.
    if (!result) return;
    connection.send(result);
    const restarts = message.type === 'restart-agent' || message.type === 'update-agent';
    if (result.status === 'complete' && (restarts || message.type === 'uninstall')) {
      // Give the server a moment to store and acknowledge the result before the agent goes.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        this.acked.set(message.id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.host.lifecycle(restarts ? 'restart' : 'uninstall');
    }
  }

  /** The server holds the command's result: its journal entry may go. */
  acknowledge(id: string): void {
    this.host.journal.acknowledged(id);
    this.recentlyAcknowledged.add(id);
    if (this.recentlyAcknowledged.size > RECENT_ACKS) {
      this.recentlyAcknowledged.delete(this.recentlyAcknowledged.values().next().value as string);
    }
    this.acked.get(id)?.();
    this.acked.delete(id);
  }

  private async resultFor(
    connection: AgentConnection,
    message: CommandMessage,
    files: FileChannel,
  ): Promise<CommandResultMessage | null> {
    const signed = verifyProof(
      connection.serverPublicKeyDer,
      commandSigningBytes(message),
      Buffer.from(message.signature, 'base64'),
    );
    if (!signed || message.machineId !== this.host.machineId()) {
      this.host.log.error(
        { id: message.id, type: message.type },
        'refused a command not signed by the trusted server',
      );
      return {
        t: 'command-result',
        id: message.id,
        status: 'failed',
        error:
          'refused: the command signature does not verify against the trusted server identity; it was not run',
      };
    }
    if (this.recentlyAcknowledged.has(message.id)) {
      return {
        t: 'command-result',
        id: message.id,
        ...failed('already run and its result acknowledged by the server; it is not run again'),
      };
    }
    const entry = this.host.journal.get(message.id);
    if (entry?.state === 'done') return entry.result;
    const inProgress = this.running.get(message.id);
    if (inProgress) {
      const result = await inProgress;
      if (result || !RESUMABLE.has(message.type)) return result;
    }
    if (entry?.state === 'running' && !RESUMABLE.has(message.type)) {
      const result: CommandResultMessage = {
        t: 'command-result',
        id: message.id,
        ...failed('the agent stopped while this command was running; it is not run again'),
      };
      this.host.journal.finished(result);
      return result;
    }
    if (!entry) this.host.journal.started(message.id, message.type, Date.now());
    const run = this.execute(connection, message, files).then((r): CommandResultMessage | null => {
      this.running.delete(message.id);
      if (!r) return null;
      const result = { t: 'command-result' as const, id: message.id, ...r };
      this.host.journal.finished(result);
      return result;
    });
    this.running.set(message.id, run);
    return run;
  }

  private async execute(
    connection: AgentConnection,
    message: CommandMessage,
    files: FileChannel,
  ): Promise<CommandOutcome | null> {
    const type = message.type as AgentCommandType;
    const schema = Object.hasOwn(AgentCommandParams, type) ? AgentCommandParams[type] : undefined;
    if (!schema) return failed(`unknown command type "${message.type}"; this agent cannot run it`);
    if (!Value.Check(schema, message.params)) return failed(`invalid parameters for ${message.type}`);
    this.host.log.info({ id: message.id, type: message.type, attempt: message.attempt }, 'running command');
    const handler = COMMAND_HANDLERS[type] as (run: CommandRun<AgentCommandType>) => Promise<CommandOutcome>;
    try {
      return await handler({
        message: message as CommandMessage & { type: AgentCommandType },
        params: message.params as CommandRun<AgentCommandType>['params'],
        connection,
        files,
        host: this.host,
      });
    } catch (error) {
      if (error instanceof ConnectionLost) {
        this.host.log.warn(
          { id: message.id, type: message.type },
          'transfer interrupted; it resumes at reconnection',
        );
        return null;
      }
      return failed((error as Error).message);
    }
  }
}
