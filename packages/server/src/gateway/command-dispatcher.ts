import {
  type CommandMessage,
  type CommandResultMessage,
  commandSigningBytes,
  signProof,
} from '@muster/protocol';
import type { CommandQueueService } from '../services/command-queue.service';
import type { ServerIdentity } from '../services/server-identity.service';
import type { CommandRecord } from '../store/command-record';
import { TurnBatcher } from './turn-batcher';

/** What the dispatcher needs of a live agent session. */
export interface DispatchTarget {
  readonly machineId: string;
  /** A suspended machine stays connected and is given no work. */
  suspended: boolean;
  /** The command this agent is running, if any: agents run their queue one at a time, in order. */
  inFlight: string | null;
  /** When the lease of the command in flight runs out. */
  inFlightUntil: number;
  sendCommand(message: CommandMessage): void;
  sendAck(id: string): void;
  /** Ends the session for a protocol violation. */
  reject(reason: string): void;
}

/** How many agents one claim covers: well under every database's limit on bound parameters. */
const CLAIM_CHUNK = 1000;

/** Logs what went wrong without stopping the gateway. */
export type DispatchLog = (fields: object, message: string) => void;

/**
 * Moves commands from the queue to connected agents: the next one as soon as the agent is free
 * (on connect, when queued, after each result), each signed by the server identity so agents
 * run only what their trusted server sent.
 */
export class CommandDispatcher {
  private readonly arrivals = new TurnBatcher<DispatchTarget>(CLAIM_CHUNK, async (chunk) => {
    await this.goneMany(chunk.map((t) => t.machineId));
    await this.pumpChunk(chunk);
  });
  private readonly departures = new TurnBatcher<string>(CLAIM_CHUNK, (chunk) => this.goneMany(chunk));

  constructor(
    private readonly queue: CommandQueueService,
    private readonly identity: () => ServerIdentity,
    private readonly clock: () => number,
    private readonly warn: DispatchLog,
  ) {}

  /** Gives the agent its next command if it is free and not suspended. */
  async pump(target: DispatchTarget): Promise<void> {
    if (target.suspended) return;
    // A command whose lease ran out no longer holds the agent: one stuck command must not
    // block the rest (the queue has returned it to pending or failed it).
    const stale = target.inFlight !== null && this.clock() > target.inFlightUntil;
    if (target.inFlight !== null && !stale) return;
    target.inFlight = 'claiming'; // reserved while the claim runs, so two pumps never both claim
    target.inFlightUntil = this.clock() + this.queue.leaseMs;
    let claimed: CommandRecord[] = [];
    try {
      claimed = await this.queue.claim('machine', target.machineId, 1);
    } catch (error) {
      this.warn({ err: error, machineId: target.machineId }, 'could not claim a command');
    }
    const command = claimed[0];
    if (!command) {
      target.inFlight = null;
      return;
    }
    target.inFlight = command.id;
    target.inFlightUntil = command.leaseExpiresAt ?? this.clock() + this.queue.leaseMs;
    target.sendCommand(this.sign(command));
  }

  /**
   * Gives each free, unsuspended agent of a fan-out its next command. Claims go in chunks, with
   * the event loop let go between them, so a fan-out to every agent neither overflows the
   * database's parameter limit nor stalls the check-ins of everyone else.
   */
  async pumpMany(targets: readonly DispatchTarget[]): Promise<void> {
    for (let i = 0; i < targets.length; i += CLAIM_CHUNK) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      await this.pumpChunk(targets.slice(i, i + CLAIM_CHUNK));
    }
  }

  private async pumpChunk(targets: readonly DispatchTarget[]): Promise<void> {
    const now = this.clock();
    const free = targets.filter((t) => !t.suspended && (t.inFlight === null || now > t.inFlightUntil));
    if (free.length === 0) return;
    for (const t of free) {
      t.inFlight = 'claiming';
      t.inFlightUntil = now + this.queue.leaseMs;
    }
    let claimed: CommandRecord[] = [];
    try {
      claimed = await this.queue.claimFirstPerTarget(
        'machine',
        free.map((t) => t.machineId),
      );
    } catch (error) {
      this.warn({ err: error, machines: free.length }, 'could not claim commands for a fan-out');
    }
    const byMachine = new Map(claimed.map((c) => [c.targetId, c]));
    for (const t of free) {
      const command = byMachine.get(t.machineId);
      if (!command) {
        t.inFlight = null;
        continue;
      }
      t.inFlight = command.id;
      t.inFlightUntil = command.leaseExpiresAt ?? this.clock() + this.queue.leaseMs;
      t.sendCommand(this.sign(command));
    }
  }

  /** Signs a command for its machine. */
  sign(command: CommandRecord): CommandMessage {
    const unsigned = {
      id: command.id,
      machineId: command.targetId,
      type: command.type,
      params: command.params,
      issuedAt: this.clock(),
    };
    const signature = signProof(this.identity().privateKey, commandSigningBytes(unsigned)).toString('base64');
    return { t: 'command', ...unsigned, attempt: command.attempts, signature };
  }

  /**
   * A new session of an agent: whatever was delivered to an earlier one goes back to the queue
   * (the agent's journal answers it without running it twice), then work is handed out. New
   * sessions are gathered for one turn of the event loop and settled together, so a thousand
   * agents reconnecting cost two transactions, not two thousand.
   */
  activated(target: DispatchTarget): Promise<void> {
    return this.arrivals.add(target);
  }

  /** Stores a result, acknowledges it, and hands out the next command. */
  async result(target: DispatchTarget, message: CommandResultMessage): Promise<void> {
    try {
      await this.queue.finish('machine', target.machineId, message.id, {
        status: message.status,
        exitCode: message.exitCode ?? null,
        output: message.output ?? null,
        error: message.error ?? null,
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'forbidden' || code === 'not-found') {
        target.reject(`result for command ${message.id.slice(0, 40)}, which is not this agent's`);
        return;
      }
      // A duplicate report (already recorded, or returned to the queue meanwhile): acknowledged
      // so the agent can forget it; the queue's state stands.
      this.warn({ machineId: target.machineId, id: message.id, err: error }, 'result not recorded');
    }
    target.sendAck(message.id);
    if (target.inFlight === message.id) target.inFlight = null;
    await this.pump(target);
  }

  /**
   * The agent disconnected: what it was running goes back to the queue. Gathered like new
   * sessions, so a mass disconnect (a network outage, a shutdown) is one transaction per
   * thousand agents rather than one each.
   */
  gone(machineId: string): Promise<void> {
    return this.departures.add(machineId);
  }

  private async goneMany(machineIds: readonly string[]): Promise<void> {
    try {
      await this.queue.endpointsGone('machine', machineIds);
    } catch (error) {
      this.warn(
        { err: error, machines: machineIds.length },
        'could not return commands of disconnected agents',
      );
    }
  }
}
