import {
  type CommandMessage,
  type CommandResultMessage,
  commandSigningBytes,
  signProof,
} from '@muster/protocol';
import type { CommandLatencyMetrics } from '../metrics/server-metrics';
import type { CommandQueueService } from '../services/command-queue.service';
import { refusalOf } from '../services/command-refusals';
import type { LocalHandout } from '../services/local-handout';
import type { ServerIdentity } from '../services/server-identity.service';
import { yieldToEventLoop } from '../services/target-batches';
import type { CommandRecord } from '../store/command-record';
import type { FirstClaims } from '../store/interfaces';
import { TurnBatcher } from './turn-batcher';

/** What the dispatcher needs of a live agent session. */
export interface DispatchTarget {
  readonly machineId: string;
  /**
   * Names this session in the store as the holder of what it is given, unique across nodes: when
   * the session ends, only what it held goes back to the queue.
   */
  readonly holder: string;
  /** A suspended machine stays connected and is given no work. */
  suspended: boolean;
  /** The command this agent is running, if any: agents run their queue one at a time, in order. */
  inFlight: string | null;
  /** When the lease of the command in flight runs out. */
  inFlightUntil: number;
  /** When the command in flight was sent (its delivered-to-finished time ends at its result). */
  inFlightSince: number;
  /** Work was announced while a claim for this agent ran: look again once it is done. */
  recheck: boolean;
  /**
   * Commands may wait for this agent: set by every wake-up (a new session, work announced),
   * cleared by a claim that left none. A result is followed by a claim only while it is set,
   * so a fan-out's 20,000 results do not cost 20,000 claims that find nothing. True for a new
   * session.
   */
  mayHaveWork: boolean;
  sendCommand(message: CommandMessage): void;
  sendAck(id: string): void;
  /** Ends the session for a protocol violation. */
  reject(reason: string): void;
}

/** `inFlight` while a claim for the agent runs. */
const CLAIMING = 'claiming';

/** How many agents one claim covers: well under every database's limit on bound parameters. */
const CLAIM_CHUNK = 1000;

/** Commands signed and sent between turns of the event loop in a fan-out. */
const DELIVER_SLICE = 100;

/** For a dispatcher that measures nothing. */
const NO_LATENCY: CommandLatencyMetrics = { commandDelivered() {}, commandFinished() {} };

/** Logs what went wrong without stopping the gateway. */
export type DispatchLog = (fields: object, message: string) => void;

/**
 * Moves commands from the queue to connected agents: the next one as soon as the agent is free
 * (on connect, when queued, after each result), each signed by the server identity so agents
 * run only what their trusted server sent.
 */
export class CommandDispatcher {
  private readonly arrivals = new TurnBatcher<DispatchTarget>(CLAIM_CHUNK, async (chunk) => {
    for (const t of chunk) this.woke(t);
    await this.goneMany(chunk.map((t) => t.machineId));
    await this.pumpChunk(chunk);
  });
  private readonly departures = new TurnBatcher<string>(CLAIM_CHUNK, (holders) => this.endedMany(holders));
  /**
   * Agents told of new work. A fan-out reaches each node as hundreds of bus events of 40
   * machines each, all read in the same turn or a few; a claim per event was 500 claims (and as
   * many NOTIFYs of their changes) per node for 20,000 agents, which held the fan-out's POST
   * 9.4 s and the node's other requests up to 10.9 s (bench/results/scale-20000-heap100.md).
   * Gathered for one turn, they cost one claim per thousand.
   */
  private readonly woken = new TurnBatcher<DispatchTarget>(CLAIM_CHUNK, (chunk) => this.pumpChunk(chunk));
  /**
   * Agents that reported a result and may be free for their next command. A fan-out's results
   * come back together: a claim each queued thousands of transactions on the database pool, and
   * every other request of the node (an API call's sign-in lookup) waited behind them for up to
   * 18 s (bench:scale at 20,000). Gathered for one turn, they cost one claim per thousand, and
   * only agents that may have more work are claimed for at all.
   */
  private readonly reported = new TurnBatcher<DispatchTarget>(CLAIM_CHUNK, (chunk) =>
    this.pumpChunk(chunk.filter((t) => t.mayHaveWork)),
  );
  /**
   * Sessions that have ended. A claim that was running when its session ended may commit after
   * the session's commands were returned to the queue; what it claimed must then be returned
   * too, or it stays "processing" under a session nobody holds until its lease runs out
   * (bench/results/scale-20000.md, node loss: one command left processing).
   */
  private readonly ended = new WeakSet<DispatchTarget>();

  constructor(
    private readonly queue: CommandQueueService,
    private readonly identity: () => ServerIdentity,
    private readonly clock: () => number,
    private readonly warn: DispatchLog,
    /** Hears how long each command waited, then ran (in memory, no I/O). */
    private readonly latency: CommandLatencyMetrics = NO_LATENCY,
  ) {}

  /**
   * Gives the agent its next command if it is free and not suspended. A wake-up that arrives
   * while a claim for this agent runs is never lost: the claim may have looked before the new
   * command was committed, so an empty claim looks once more.
   */
  async pump(target: DispatchTarget): Promise<void> {
    this.woke(target);
    if (target.suspended || this.ended.has(target) || target.inFlight === CLAIMING) return;
    // A command whose lease ran out no longer holds the agent: one stuck command must not
    // block the rest (the queue has returned it to pending or ended it).
    const stale = target.inFlight !== null && this.clock() > target.inFlightUntil;
    if (target.inFlight !== null && !stale) return;
    let command: CommandRecord | undefined;
    let failed = false;
    do {
      target.recheck = false;
      target.inFlight = CLAIMING; // reserved while the claim runs, so two pumps never both claim
      target.inFlightUntil = this.clock() + this.queue.leaseMs;
      try {
        command = (await this.queue.claim('machine', target.machineId, 1, target.holder))[0];
        failed = false;
      } catch (error) {
        failed = true;
        this.warn({ err: error, machineId: target.machineId }, 'could not claim a command');
      }
    } while (!command && target.recheck && !target.suspended);
    target.recheck = false;
    if (!command) {
      target.inFlight = null;
      // Nothing waits, unless the claim could not look.
      target.mayHaveWork = failed;
      return;
    }
    if (this.ended.has(target)) {
      await this.departures.add(target.holder);
      return;
    }
    this.deliver(target, command);
  }

  private deliver(target: DispatchTarget, command: CommandRecord): void {
    const now = this.clock();
    this.latency.commandDelivered(now - command.createdAt);
    target.inFlightSince = now;
    target.inFlight = command.id;
    target.inFlightUntil = command.leaseExpiresAt ?? this.clock() + this.queue.leaseMs;
    target.sendCommand(this.sign(command));
  }

  /**
   * Gives each free, unsuspended agent told of new work its next command. Agents woken in the
   * same turn of the event loop are claimed for together, a thousand per claim with the loop
   * let go between claims, so a fan-out to every agent neither overflows the database's
   * parameter limit nor stalls the check-ins of everyone else. Resolves once they were served.
   */
  async pumpMany(targets: readonly DispatchTarget[]): Promise<void> {
    if (targets.length === 0) return;
    let served: Promise<void> = Promise.resolve();
    for (const t of targets) {
      this.woke(t);
      served = this.woken.add(t);
    }
    await served;
  }

  /**
   * Work may wait for the agent from now on. Marked at once, not when its batch is settled: a
   * claim for the agent that is running may have looked before the work was committed, and is
   * made to look again.
   */
  private woke(target: DispatchTarget): void {
    target.mayHaveWork = true;
    if (target.inFlight === CLAIMING) target.recheck = true;
  }

  private async pumpChunk(targets: readonly DispatchTarget[]): Promise<void> {
    const now = this.clock();
    const free: DispatchTarget[] = [];
    // An agent may be in a batch twice (two results read from one packet); claimed for twice,
    // it would be sent its next command twice.
    const seen = new Set<DispatchTarget>();
    for (const t of targets) {
      if (seen.has(t)) continue;
      seen.add(t);
      if (t.suspended || this.ended.has(t)) continue;
      if (t.inFlight === CLAIMING) t.recheck = true;
      else if (t.inFlight === null || now > t.inFlightUntil) free.push(t);
    }
    if (free.length === 0) return;
    for (const t of free) {
      t.recheck = false;
      t.inFlight = CLAIMING;
      t.inFlightUntil = now + this.queue.leaseMs;
    }
    let claims: FirstClaims | null = null;
    let published: Promise<void> = Promise.resolve();
    try {
      const answer = await this.queue.claimFirstPerTarget(
        'machine',
        free.map((t) => ({ targetId: t.machineId, holder: t.holder })),
      );
      claims = answer;
      // Handled at once: the sends below let the event loop run, and a rejection left
      // unhandled meanwhile would end the process.
      published = answer.published.catch((error: unknown) =>
        this.warn({ err: error, commands: answer.claimed.length }, 'could not publish claimed commands'),
      );
    } catch (error) {
      this.warn({ err: error, machines: free.length }, 'could not claim commands for a fan-out');
    }
    const byMachine = new Map((claims?.claimed ?? []).map((c) => [c.targetId, c]));
    const more = new Set(claims?.morePending);
    const again: DispatchTarget[] = [];
    const endedMeanwhile: Promise<void>[] = [];
    let sentSinceYield = 0;
    for (const t of free) {
      const command = byMachine.get(t.machineId);
      // Signing and sending cost about 0.1 ms each: a thousand at once held the loop 90 ms of
      // CPU, 555 ms on a machine whose cores other nodes share (bench:scale's fan-out).
      if (command && sentSinceYield === DELIVER_SLICE) {
        await yieldToEventLoop();
        sentSinceYield = 0;
      }
      if (this.ended.has(t)) {
        // The session ended while the claim ran: what it was just given goes back.
        if (command) endedMeanwhile.push(this.departures.add(t.holder));
        continue;
      }
      if (command) {
        // Work announced during the claim may have been committed after it looked.
        t.mayHaveWork = t.recheck || more.has(t.machineId);
        this.deliver(t, command);
        sentSinceYield += 1;
        continue;
      }
      t.inFlight = null;
      // The claim found nothing (unless it failed); work announced meanwhile is looked for below.
      t.mayHaveWork = claims === null || t.recheck;
      // Announced while the fan-out claim ran: look once more, one at a time.
      if (t.recheck) again.push(t);
    }
    await Promise.all([...endedMeanwhile, published]);
    for (const t of again) await this.pump(t);
  }

  /**
   * This node's side of handing commands out as they are stored (see LocalHandout): `sessions`
   * finds the active session of a machine here, if any. An agent is reserved only when free
   * and when no wake-up since its last claim says work may wait for it: a command stored
   * handed out must be the one a claim would have picked.
   */
  localHandout(sessions: (machineId: string) => DispatchTarget | undefined): LocalHandout {
    const reserved = new Map<string, DispatchTarget>();
    return {
      reserve: (machineIds) => {
        const holders = new Map<string, string>();
        const now = this.clock();
        for (const id of machineIds) {
          const t = sessions(id);
          if (!t || reserved.has(id) || t.suspended || this.ended.has(t)) continue;
          if (t.inFlight !== null || t.mayHaveWork) continue;
          t.recheck = false;
          t.inFlight = CLAIMING; // as for a claim: nothing else is given to it meanwhile
          t.inFlightUntil = now + this.queue.leaseMs;
          reserved.set(id, t);
          holders.set(id, t.holder);
        }
        return holders;
      },
      handOut: async (command) => {
        const t = reserved.get(command.targetId);
        if (!t) return false;
        reserved.delete(command.targetId);
        if (this.ended.has(t)) {
          // The session ended while the command was stored: it goes back to the queue.
          await this.departures.add(t.holder);
          return false;
        }
        // Work announced while it was stored waits behind it.
        t.mayHaveWork = t.recheck;
        t.recheck = false;
        this.deliver(t, command);
        return true;
      },
      release: (machineIds) => {
        for (const id of machineIds) {
          const t = reserved.get(id);
          if (!t) continue;
          reserved.delete(id);
          t.inFlight = null;
          if (t.recheck) void this.pump(t);
        }
      },
    };
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

  /**
   * Stores a result, acknowledges it, and hands out the next command. The acknowledgement is
   * what lets the agent drop the command from its journal, so it is sent only once the server
   * holds a result for the command (this one, or one recorded before), or the command no longer
   * exists. When the store could not be written, no acknowledgement goes out: the agent keeps
   * the result and reports it again at its next connection, and never runs the command again.
   */
  async result(target: DispatchTarget, message: CommandResultMessage): Promise<void> {
    try {
      await this.queue.finish('machine', target.machineId, message.id, {
        status: message.status,
        exitCode: message.exitCode ?? null,
        output: message.output ?? null,
        error: message.error ?? null,
      });
      // Only a result of what this session sent has a delivery time to measure from.
      if (target.inFlight === message.id) this.latency.commandFinished(this.clock() - target.inFlightSince);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === 'wrong-endpoint') {
        target.reject(`result for command ${message.id.slice(0, 40)}, which is not this agent's`);
        return;
      }
      if (refusal === null) {
        this.warn({ machineId: target.machineId, id: message.id, err: error }, 'could not store a result');
        if (target.inFlight === message.id) target.inFlight = null;
        return;
      }
      // Already recorded (a report repeated after a lost acknowledgement), deleted by retention,
      // or never delivered: there is nothing the agent could add, so it may forget it.
      this.warn({ machineId: target.machineId, id: message.id, refusal }, 'result not recorded');
    }
    target.sendAck(message.id);
    if (target.inFlight === message.id) target.inFlight = null;
    await this.reported.add(target);
  }

  /**
   * The agent's session ended: what this session held goes back to the queue, and nothing
   * else (a newer session of the agent, perhaps on another node, keeps what it runs). Gathered
   * like new sessions, so a mass disconnect (a network outage, a shutdown) is one transaction per
   * thousand agents rather than one each.
   */
  gone(target: DispatchTarget): Promise<void> {
    this.ended.add(target);
    return this.departures.add(target.holder);
  }

  private async endedMany(holders: readonly string[]): Promise<void> {
    try {
      await this.queue.sessionsEnded('machine', holders);
    } catch (error) {
      this.warn({ err: error, sessions: holders.length }, 'could not return commands of ended sessions');
    }
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
