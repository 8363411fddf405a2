import type { AgentCommandType } from '@muster/protocol';
import { EVERYTHING, type ScopeFilter } from '../access/scope';
import { type Bus, wakeUps } from '../bus/bus';
import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import { noMatchMessage, parseMachineFilter } from '../domain/machine-filter';
import type {
  CommandChange,
  CommandOutcome,
  CommandQuery,
  CommandRecord,
  CommandTransition,
  NewCommand,
  TargetKind,
} from '../store/command-record';
import type {
  CommandQueueStore,
  FirstClaims,
  MachineReader,
  MachineScope,
  MachineWriter,
} from '../store/interfaces';
import { validateAgentCommand } from './agent-command-check';
import { capUtf8 } from './cap-utf8';
import { newCommandId } from './command-queue-ids';
import { refusalError } from './command-refusals';
import type { EventHub } from './event-hub';
import { type LocalHandout, markHandedOut } from './local-handout';
import { offerAgain } from './offer-again';
import { ResultBatcher } from './result-batcher';
import { findMachinesInChunks, targetChunks, yieldToEventLoop } from './target-batches';

/** Where a command goes: machines by id, devices by id, or machines by filter. */
export type CommandTargets = { machines: string[] } | { devices: string[] } | { filter: string };

/** An enqueue request as the API receives it. */
export interface EnqueueRequest {
  targets: CommandTargets;
  type: string;
  params: Record<string, unknown>;
  /** Seconds the command may wait for delivery; absent: the server's default; null: never expires. */
  ttlSeconds?: number | null;
  priority?: number;
  idempotencyKey?: string;
  /** The name of the user who queues it, kept with each command (see the audit log). */
  createdBy?: string;
  /**
   * What the caller may read of what the parameters name (put-file: the files of its
   * files.read). Omitted: everything, for the server's own calls, as for the targets' scope.
   */
  readScope?: ScopeFilter;
}

/** What a fan-out claim handed out, and when its changes are on the bus. */
export type FanOutClaims = FirstClaims & { published: Promise<void> };

/** Looks up device targets (the devices module provides it). */
export interface DeviceTargetResolver {
  /** The group of each known device id in scope; unknown and out-of-scope ids are missing. */
  groupsOf(ids: readonly string[], scope?: MachineScope): Promise<Map<string, string>>;
  /** Whether a command type exists for devices, and its parameter check. */
  validate(type: string, params: Record<string, unknown>): void;
  /** Called once commands for devices are queued (push wake-ups). */
  queued(commands: readonly CommandRecord[]): Promise<void>;
}

/**
 * Completes the parameters of an agent command before it is validated and signed, for types
 * whose parameters name something the server holds (put-file: the file's size and hash). What
 * they name is looked up in `scope`, the caller's, so an id of something the caller may not
 * read is unknown (404) rather than sent to a machine the caller does reach.
 */
export type ParamPreparers = Partial<
  Record<
    AgentCommandType,
    (params: Record<string, unknown>, scope: ScopeFilter) => Promise<Record<string, unknown>>
  >
>;

/** Queue limits and timings. */
export interface CommandQueueSettings {
  maxAttempts: number;
  leaseSeconds: number;
  outputLimitBytes: number;
  /**
   * Time to live of a command whose request names none (0: never). Without one, a fan-out to a
   * machine that is gone for good would wait forever.
   */
  defaultTtlSeconds: number;
}

/**
 * Device ids looked up per turn of the event loop. More than TARGET_CHUNK: on PostgreSQL each
 * lookup is one statement with an array parameter, and 100 round trips for 100,000 devices were
 * most of the lookups' time; on SQLite a turn of 10,000 ids holds the loop about 20 ms.
 */
const DEVICE_LOOKUP_CHUNK = 10_000;

/**
 * Commands of one enqueue at most that are handed out as they are stored (see LocalHandout):
 * what one request for a few machines needs, below the dispatcher's send slice.
 */
const HAND_OUT_AT_MOST = 50;

/** Procedures queued per transaction by enqueueEach. */
const EACH_BATCH = 250;

/**
 * The one durable command queue for agents and devices: enqueue (one transaction for every
 * target, idempotent by key), results, cancel, listing, and the status events.
 */
export class CommandQueueService {
  constructor(
    private readonly store: CommandQueueStore,
    private readonly machines: MachineReader,
    private readonly machineAccounts: Pick<MachineWriter, 'deleteMachine'>,
    private readonly devices: DeviceTargetResolver,
    private readonly events: EventHub,
    private readonly bus: Bus,
    private readonly settings: CommandQueueSettings,
    private readonly clock: () => number,
    private readonly preparers: ParamPreparers = {},
  ) {
    this.results = new ResultBatcher(store, clock);
  }

  /** Results go to the store a turn of the event loop at a time (see ResultBatcher). */
  private readonly results: ResultBatcher;
  /** This node's idle agents, given their commands without a claim; none until attached. */
  private handout: LocalHandout | null = null;

  /**
   * Hands commands for this node's idle agents out as they are stored (see LocalHandout). Set
   * once the dispatcher exists, which needs this service first.
   */
  handOutLocallyThrough(handout: LocalHandout): void {
    this.handout = handout;
  }

  /**
   * Queues a command for targets in `scope` (omitted: everything, the server's own calls): a
   * filter matches only machines in scope, and ids out of scope are unknown (404).
   */
  async enqueue(
    request: EnqueueRequest,
    scope?: MachineScope,
  ): Promise<{ created: boolean; commands: CommandRecord[] }> {
    const kind: TargetKind = 'devices' in request.targets ? 'device' : 'machine';
    const prepare = kind === 'machine' ? this.preparers[request.type as AgentCommandType] : undefined;
    if (prepare && request.params !== null && typeof request.params === 'object') {
      request = { ...request, params: await prepare(request.params, request.readScope ?? EVERYTHING) };
    }
    if (kind === 'machine') validateAgentCommand(request.type, request.params);
    else this.devices.validate(request.type, request.params);
    const targets = await this.resolveTargets(request.targets, scope);
    if (targets.length === 0)
      throw invalidInput('the targets select no machine or device; nothing was queued');
    const now = this.clock();
    const ttlSeconds =
      request.ttlSeconds === undefined ? this.settings.defaultTtlSeconds || null : request.ttlSeconds;
    const expiresAt = ttlSeconds === null ? null : now + ttlSeconds * 1000;
    const commands: NewCommand[] = targets.map((t) => ({
      id: newCommandId(now),
      orgId: t.groupId.slice(t.groupId.lastIndexOf('.') + 1),
      targetKind: kind,
      targetId: t.id,
      groupId: t.groupId,
      type: request.type,
      params: request.params,
      priority: request.priority ?? 0,
      maxAttempts: this.settings.maxAttempts,
      expiresAt,
      createdBy: request.createdBy ?? null,
    }));
    return this.commit(kind, commands, request.idempotencyKey ?? null, now);
  }

  /**
   * Queues one command of one type per machine, each with its own parameters (check-in control
   * settings differ per machine), in batches of EACH_BATCH per transaction, and hands them out
   * at once.
   */
  async enqueueEach(
    type: AgentCommandType,
    items: ReadonlyArray<{ machineId: string; groupId: string; params: Record<string, unknown> }>,
    priority: number,
  ): Promise<CommandRecord[]> {
    if (items.length === 0) return [];
    for (const item of items) validateAgentCommand(type, item.params);
    const now = this.clock();
    const commands: NewCommand[] = items.map((item) => ({
      id: newCommandId(now),
      orgId: item.groupId.slice(item.groupId.lastIndexOf('.') + 1),
      targetKind: 'machine',
      targetId: item.machineId,
      groupId: item.groupId,
      type,
      params: item.params,
      priority,
      maxAttempts: this.settings.maxAttempts,
      expiresAt: null,
    }));
    // In batches, each its own transaction, with the event loop let go between them: on SQLite
    // one transaction holds the only connection, so 100,000 procedures in one would stall every
    // other request for seconds. Nothing is lost by splitting: these procedures only deliver
    // settings already stored, which an agent also gets at its next connection.
    const queued: CommandRecord[] = [];
    for (let i = 0; i < commands.length; i += EACH_BATCH) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      queued.push(...(await this.commit('machine', commands.slice(i, i + EACH_BATCH), null, now)).commands);
    }
    return queued;
  }

  private async commit(
    kind: TargetKind,
    commands: NewCommand[],
    idempotencyKey: string | null,
    now: number,
  ): Promise<{ created: boolean; commands: CommandRecord[] }> {
    // A fan-out goes through the claims, which send in slices with the event loop let go between
    // them: handed out here, 5,000 commands held the POST's answer 1.4 s (bench:scale).
    const handout = kind === 'machine' && commands.length <= HAND_OUT_AT_MOST ? this.handout : null;
    const reserved = handout?.reserve(commands.map((c) => c.targetId)) ?? new Map<string, string>();
    let result: { created: boolean; commands: CommandRecord[] };
    try {
      result = await this.store.enqueue(
        reserved.size === 0 ? commands : markHandedOut(commands, reserved, (c) => now + this.leaseFor(c)),
        idempotencyKey,
        now,
      );
    } catch (error) {
      handout?.release([...reserved.keys()]);
      throw error;
    }
    if (!result.created) {
      handout?.release([...reserved.keys()]);
      return result;
    }
    // A command handed out at once was pending too, for an instant: its stream shows both.
    const changes = result.commands.map((c) => toChange({ ...c, status: 'pending' }, now));
    for (const c of result.commands) if (c.status === 'processing') changes.push(toChange(c, now));
    if (kind === 'machine') {
      // The other agents are woken in the NOTIFY that carries the changes: a second one cost a
      // transaction's round trip before any agent heard of its command.
      const published = this.events.commandChanges(
        changes,
        wakeUps(result.commands.filter((c) => c.status === 'pending').map((c) => c.targetId)),
      );
      // Sent while the changes are published, as a claim's are (they are queued on the bus first).
      const handedOut = result.commands.filter((c) => c.status === 'processing');
      const [, sent] = await Promise.all([
        published,
        Promise.all(handedOut.map((c) => handout?.handOut(c) ?? false)),
      ]);
      // Back in the queue because its session ended meanwhile: the agent's next one is woken.
      const returned = handedOut.filter((_, i) => !sent[i]).map((c) => c.targetId);
      if (returned.length > 0) await this.events.commandChanges([], wakeUps(returned));
    } else {
      await this.events.commandChanges(changes);
      await this.devices.queued(result.commands);
    }
    return result;
  }

  /**
   * Resolves targets to endpoints. Ids are looked up in chunks with yields between them
   * (POST /commands takes up to 200,000), so one bulk request never holds the event loop.
   */
  private async resolveTargets(
    targets: CommandTargets,
    scope: MachineScope | undefined,
  ): Promise<Array<{ id: string; groupId: string }>> {
    if ('filter' in targets) {
      const filter = parseMachineFilter(targets.filter);
      const matched = await this.machines.listMachineTargets(filter.likePatterns, scope);
      if (matched.length === 0) {
        throw invalidInput(`the targets select no machine: ${noMatchMessage(filter, 'nothing was queued')}`);
      }
      return matched;
    }
    const ids = [
      ...new Set(('machines' in targets ? targets.machines : targets.devices).map((id) => id.toLowerCase())),
    ];
    if ('devices' in targets) {
      const groups = new Map<string, string>();
      for (const [i, chunk] of targetChunks(ids, DEVICE_LOOKUP_CHUNK).entries()) {
        if (i > 0) await yieldToEventLoop();
        for (const [id, group] of await this.devices.groupsOf(chunk, scope)) groups.set(id, group);
      }
      const missing = ids.filter((id) => !groups.has(id));
      if (missing.length > 0)
        throw notFound(`unknown device(s): ${missing.slice(0, 20).join(', ')}; nothing was queued`);
      return ids.map((id) => ({ id, groupId: groups.get(id) as string }));
    }
    const { found, missing } = await findMachinesInChunks(this.machines, ids, scope);
    if (missing.length > 0)
      throw notFound(`unknown machine(s): ${missing.slice(0, 20).join(', ')}; nothing was queued`);
    return found.map((m) => ({ id: m.id, groupId: m.groupId }));
  }

  /**
   * Hands out the next commands of an endpoint (processing, with a lease), recording the agent
   * session they go to (`holder`; null for devices).
   */
  async claim(
    kind: TargetKind,
    targetId: string,
    limit: number,
    holder: string | null = null,
  ): Promise<CommandRecord[]> {
    const now = this.clock();
    const { claimed, changes } = await this.store.claimNext(kind, targetId, now, this.leaseMs, limit, holder);
    await this.coverRunningTime(claimed, now);
    await this.events.commandChanges(changes);
    return claimed;
  }

  /**
   * Hands out the next command of each of many endpoints at once (a fan-out), each to its
   * session, and says which of them have more waiting. Their changes are queued on the bus,
   * in order, when this resolves, but not yet published: `published` settles once they are,
   * so the commands can go out meanwhile (the publish was 0.5 ms of a command's way to its
   * agent). The caller must handle its failure.
   */
  async claimFirstPerTarget(
    kind: TargetKind,
    targets: ReadonlyArray<{ targetId: string; holder: string | null }>,
  ): Promise<FanOutClaims> {
    const now = this.clock();
    const result = await this.store.claimFirstPerTarget(kind, targets, now, this.leaseMs);
    await this.coverRunningTime(result.claimed, now);
    const published = this.events.commandChanges(result.claimed.map((c) => toChange(c, now)));
    return { ...result, published };
  }

  /** A shell command may run up to its timeout: its lease covers that, plus a margin. */
  private async coverRunningTime(claimed: CommandRecord[], now: number): Promise<void> {
    for (const c of claimed) {
      const lease = this.leaseFor(c);
      if (lease > this.leaseMs) {
        await this.store.extendLease(c.id, now + lease);
        c.leaseExpiresAt = now + lease;
      }
    }
  }

  /** How long a delivered command is held for its agent: a shell command's timeout and a margin, at least. */
  private leaseFor(command: Pick<CommandRecord, 'type' | 'params'>): number {
    const timeout =
      command.type === 'shell' ? Number(command.params.timeoutSeconds ?? 300) * 1000 + 30_000 : 0;
    return Math.max(timeout, this.leaseMs);
  }

  /** The default lease of a delivered command. */
  get leaseMs(): number {
    return this.settings.leaseSeconds * 1000;
  }

  /**
   * Records an endpoint's result for a command it was given: processing, returned to the queue
   * since, or ended `unknown` (the endpoint ran it, so its result is the truth). A result for
   * another endpoint's command, an unknown one, one never delivered or one already recorded is
   * refused with a coded error and stores nothing.
   */
  async finish(
    kind: TargetKind,
    targetId: string,
    id: string,
    outcome: CommandOutcome,
  ): Promise<CommandRecord> {
    const capped: CommandOutcome = {
      ...outcome,
      output: outcome.output === null ? null : capUtf8(outcome.output, this.settings.outputLimitBytes),
    };
    const result = await this.results.finish({ id, kind, targetId, outcome: capped });
    if (typeof result === 'string') throw refusalError(result, id);
    await this.events.commandChanges([toChange(result, this.clock())]);
    if (kind === 'machine' && result.type === 'uninstall' && result.status === 'complete') {
      // The agent removed itself: so goes its account.
      if (await this.machineAccounts.deleteMachine(targetId)) {
        await this.bus.publish({ type: 'machines-removed', machineIds: [targetId] });
      }
    }
    return result;
  }

  /** "Not now": the endpoint gives a processing command back to the queue. */
  async release(kind: TargetKind, targetId: string, id: string, detail: string): Promise<CommandRecord> {
    const result = await this.store.release(id, kind, targetId, this.clock(), detail);
    if (typeof result === 'string') throw refusalError(result, id);
    await this.events.commandChanges([toChange(result, this.clock())]);
    return result;
  }

  /** The endpoints came back in new sessions: whatever earlier sessions held returns to the queue. */
  async endpointsGone(kind: TargetKind, targetIds: readonly string[]): Promise<void> {
    if (targetIds.length === 0) return;
    await this.events.commandChanges(await this.store.releaseEndpoints(kind, targetIds, this.clock()));
  }

  /**
   * Sessions ended: only the commands they held return to the queue, offered again at once to
   * their agents (one already back in a newer session has looked for work before they came back).
   */
  async sessionsEnded(kind: TargetKind, holders: readonly string[]): Promise<void> {
    if (holders.length === 0) return;
    const changes = await this.store.releaseHolders(kind, holders, this.clock());
    await this.events.commandChanges(changes);
    await offerAgain(this.bus, changes);
  }

  /**
   * Cancels a pending command. One delivered before (and returned to the queue since) is not
   * delivered again and ends `unknown`, since it may have run. Anything else is a clear error.
   */
  async cancel(id: string, scope: ScopeFilter): Promise<CommandRecord> {
    // Looked up in scope first: a command out of scope is unknown and is not touched.
    await this.get(id, scope);
    const { canceled, command } = await this.store.cancel(id, this.clock());
    if (!command) throw notFound(`no command "${id}"`);
    if (!canceled) {
      throw new MusterError(
        ErrorCode.invalidState,
        `command ${id} is ${command.status}; only pending commands can be canceled`,
      );
    }
    await this.events.commandChanges([toChange(command, this.clock())]);
    return command;
  }

  /** A command whose target is in scope, with its transitions; otherwise unknown (404). */
  async get(
    id: string,
    scope: ScopeFilter,
  ): Promise<{ command: CommandRecord; transitions: CommandTransition[] }> {
    const command = await this.store.getCommand(id, scope);
    if (!command) throw notFound(`no command "${id}"`);
    return { command, transitions: await this.store.transitionsOf(id) };
  }

  /** A page of commands by query and the total; the route sets `query.scope`, so out-of-scope ones are never read. */
  list(query: CommandQuery): Promise<{ rows: CommandRecord[]; total: number }> {
    return this.store.listCommandPage(query);
  }
}

function toChange(c: CommandRecord, at: number): CommandChange {
  return {
    id: c.id,
    targetKind: c.targetKind,
    targetId: c.targetId,
    orgId: c.orgId,
    type: c.type,
    status: c.status,
    at,
  };
}
