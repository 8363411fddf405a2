import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CommandMessage, CommandResultMessage } from '@muster/protocol';
import type { Bus } from '../bus/bus';
import { inProcessBus } from '../bus/in-process.bus';
import { CommandQueueService, type FanOutClaims } from '../services/command-queue.service';
import { EventHub } from '../services/event-hub';
import type { ServerIdentity } from '../services/server-identity.service';
import type { CommandRecord, NewCommand, TargetKind } from '../store/command-record';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { CommandDispatcher, type DispatchTarget } from './command-dispatcher';

const T0 = 1_900_000_000_000;
let seq = 0;

function newCommand(targetId: string): NewCommand {
  seq += 1;
  return {
    id: `disp-${seq}`,
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'd.acme',
    type: 'shell',
    params: { script: `echo ${seq}`, timeoutSeconds: 1 },
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
  };
}

/** A session as the dispatcher sees it, recording what it was sent. */
class RecordingTarget implements DispatchTarget {
  suspended = false;
  inFlight: string | null = null;
  inFlightUntil = 0;
  inFlightSince = 0;
  recheck = false;
  mayHaveWork = true;
  readonly commands: CommandMessage[] = [];
  readonly acks: string[] = [];
  readonly rejects: string[] = [];
  constructor(
    readonly machineId: string,
    readonly holder: string,
  ) {}
  sendCommand(message: CommandMessage): void {
    this.commands.push(message);
  }
  sendAck(id: string): void {
    this.acks.push(id);
  }
  reject(reason: string): void {
    this.rejects.push(reason);
  }
}

/** The real queue service, with a claim that can be held after its transaction committed. */
class HeldClaimQueue extends CommandQueueService {
  hold: Promise<void> | null = null;
  claimedOnce: (() => void) | null = null;
  /** Held before the claim's transaction starts. */
  holdBefore: Promise<void> | null = null;
  claimStarting: (() => void) | null = null;
  /** Claims made, one agent at a time and many at once. */
  singleClaims = 0;
  manyClaims = 0;
  /** Agents the fan-out claims looked for. */
  manyClaimTargets = 0;
  /** Held after a fan-out claim's transaction committed. */
  holdMany: Promise<void> | null = null;
  claimedMany: (() => void) | null = null;
  override async claimFirstPerTarget(
    kind: TargetKind,
    targets: ReadonlyArray<{ targetId: string; holder: string | null }>,
  ): Promise<FanOutClaims> {
    this.manyClaims += 1;
    this.manyClaimTargets += targets.length;
    const claims = await super.claimFirstPerTarget(kind, targets);
    this.claimedMany?.();
    if (this.holdMany) await this.holdMany;
    return claims;
  }
  override async claim(
    kind: TargetKind,
    targetId: string,
    limit: number,
    holder: string | null = null,
  ): Promise<CommandRecord[]> {
    this.singleClaims += 1;
    this.claimStarting?.();
    if (this.holdBefore) await this.holdBefore;
    const claimed = await super.claim(kind, targetId, limit, holder);
    this.claimedOnce?.();
    if (this.hold) await this.hold;
    return claimed;
  }
}

function testIdentity(): ServerIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }), serverId: 'test' };
}

const result = (id: string, output = 'ran'): CommandResultMessage => ({
  t: 'command-result',
  id,
  status: 'complete',
  exitCode: 0,
  output,
});

// The dispatcher against the real queue on a real SQLite store: no wake-up is lost while a claim
// runs, a result is acknowledged only once the server holds one, and an ended session returns
// only what it held.
describe('command dispatcher', () => {
  const file = createTestSqliteFile();
  let store: StoreBackend;
  let queue: HeldClaimQueue;
  let dispatcher: CommandDispatcher;
  let now = T0;
  const warnings: string[] = [];
  const identity = testIdentity();

  before(async () => {
    store = await openSqlStore({ sqliteFile: file.file });
    await store.groups.ensureGroup('d.acme', T0);
    const bus = inProcessBus();
    queue = new HeldClaimQueue(
      store.commands,
      store.machines,
      store.machines,
      {
        groupsOf: async () => new Map(),
        validate: () => undefined,
        queued: async () => undefined,
      },
      new EventHub(bus),
      bus,
      { maxAttempts: 3, leaseSeconds: 60, outputLimitBytes: 65536, defaultTtlSeconds: 0 },
      () => now,
    );
    dispatcher = new CommandDispatcher(
      queue,
      () => identity,
      () => now,
      (_fields, message) => warnings.push(message),
    );
  });
  beforeEach(() => {
    queue.hold = null;
    queue.claimedOnce = null;
    queue.holdBefore = null;
    queue.claimStarting = null;
    queue.holdMany = null;
    queue.claimedMany = null;
    warnings.length = 0;
  });
  after(async () => {
    await store.close();
    file.cleanup();
  });

  it('a command queued while a claim for its agent runs is still delivered (no lost wake-up)', async () => {
    const agent = new RecordingTarget('wake.d.acme', 'wake-session');
    let release = () => {};
    queue.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claimed = new Promise<void>((resolve) => {
      queue.claimedOnce = resolve;
    });
    // A claim starts (say, after the previous result) and finds the queue empty...
    const first = dispatcher.pump(agent);
    await claimed;
    // ...then a command is committed and its commands-queued wake-up arrives mid-claim.
    await store.commands.enqueue([newCommand(agent.machineId)], null, now);
    await dispatcher.pump(agent);
    queue.hold = null;
    release();
    await first;
    assert.equal(agent.commands.length, 1, 'the command reached the agent without another wake-up');
    assert.equal(agent.inFlight, agent.commands[0]?.id);
  });

  it('a session that ends while its claim runs leaves nothing processing under its name, and is sent nothing', async () => {
    const agent = new RecordingTarget('ended.d.acme', 'ended-session');
    const { commands } = await store.commands.enqueue([newCommand(agent.machineId)], null, now);
    const id = commands[0]?.id as string;
    let release = () => {};
    queue.holdBefore = new Promise<void>((resolve) => {
      release = resolve;
    });
    const starting = new Promise<void>((resolve) => {
      queue.claimStarting = resolve;
    });
    const pumping = dispatcher.pump(agent);
    await starting;
    // The connection closes while the claim waits to start, and the session's end is settled
    // (nothing held yet) before the claim commits.
    await dispatcher.gone(agent);
    queue.holdBefore = null;
    release();
    await pumping;
    assert.deepEqual(agent.commands, [], 'nothing is sent to an ended session');
    assert.equal((await store.commands.getCommand(id))?.status, 'pending', 'back in the queue at once');
    // Nor does a fan-out claim for it any more.
    await dispatcher.pumpMany([agent]);
    assert.deepEqual(agent.commands, []);
    assert.equal((await store.commands.getCommand(id))?.status, 'pending');
  });

  it('a fan-out that meets an agent mid-claim looks again for it afterwards', async () => {
    const agent = new RecordingTarget('fan.d.acme', 'fan-session');
    let release = () => {};
    queue.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claimed = new Promise<void>((resolve) => {
      queue.claimedOnce = resolve;
    });
    const first = dispatcher.pump(agent);
    await claimed;
    await store.commands.enqueue([newCommand(agent.machineId)], null, now);
    await dispatcher.pumpMany([agent]);
    assert.equal(agent.recheck, true, 'the fan-out marked the agent for another look');
    queue.hold = null;
    release();
    await first;
    assert.equal(agent.commands.length, 1);
  });

  it('acknowledges a result it stored, and one for a command returned to the queue after delivery', async () => {
    const agent = new RecordingTarget('ack.d.acme', 'ack-session');
    await store.commands.enqueue([newCommand(agent.machineId), newCommand(agent.machineId)], null, now);
    await dispatcher.pump(agent);
    const first = agent.commands[0]?.id as string;
    await dispatcher.result(agent, result(first));
    assert.deepEqual(agent.acks, [first]);
    assert.equal((await store.commands.getCommand(first))?.status, 'complete');

    // The second command's lease runs out while the agent is stalled; its result comes late.
    const second = agent.commands[1]?.id as string;
    assert.ok(second, 'the next command was handed out after the first result');
    now += 120_000;
    await store.commands.expireLeases(now, 100);
    assert.equal((await store.commands.getCommand(second))?.status, 'pending');
    await dispatcher.result(agent, result(second, 'late'));
    assert.deepEqual(agent.acks, [first, second]);
    const stored = await store.commands.getCommand(second);
    assert.equal(stored?.status, 'complete');
    assert.equal(stored?.output, 'late');
  });

  it('results that arrive together are followed by one claim for all their agents, not one each', async () => {
    // A fan-out's results come back together; a claim per agent after each queued thousands of
    // transactions on the pool, and an API request waited behind them for 18 s (bench:scale).
    const agents = Array.from(
      { length: 40 },
      (_, i) => new RecordingTarget(`batch${i}.d.acme`, `batch-${i}`),
    );
    await store.commands.enqueue(
      agents.flatMap((a) => [newCommand(a.machineId), newCommand(a.machineId)]),
      null,
      now,
    );
    await dispatcher.pumpMany(agents);
    assert.ok(agents.every((a) => a.commands.length === 1));
    queue.singleClaims = 0;
    queue.manyClaims = 0;
    await Promise.all(agents.map((a) => dispatcher.result(a, result(a.commands[0]?.id as string))));
    for (const a of agents) {
      assert.deepEqual(a.acks, [a.commands[0]?.id], a.machineId);
      assert.equal(a.commands.length, 2, `${a.machineId} was handed its next command`);
      assert.equal(a.inFlight, a.commands[1]?.id);
    }
    assert.equal(queue.singleClaims, 0, 'no claim for one agent alone');
    assert.equal(queue.manyClaims, 1, 'one claim for the forty');
  });

  it('wake-ups from many bus events in one turn are one claim, not one per event', async () => {
    // A fan-out reaches a node as hundreds of commands-queued events of 40 machines each, read
    // together; a claim per event was 500 claims per node for 20,000 agents (bench:scale).
    const agents = Array.from({ length: 30 }, (_, i) => new RecordingTarget(`wake${i}.d.acme`, `wake-${i}`));
    await store.commands.enqueue(
      agents.map((a) => newCommand(a.machineId)),
      null,
      now,
    );
    queue.singleClaims = 0;
    queue.manyClaims = 0;
    // Three agents per event, as a node holds a sixth of each event's machines.
    await Promise.all(
      Array.from({ length: 10 }, (_, e) => dispatcher.pumpMany(agents.slice(e * 3, e * 3 + 3))),
    );
    for (const a of agents) assert.equal(a.commands.length, 1, `${a.machineId} was given its command`);
    assert.equal(queue.manyClaims, 1, 'one claim for the ten events');
    assert.equal(queue.singleClaims, 0);
  });

  it('a large fan-out lets the event loop run while it sends, and skips a session that ended meanwhile', async () => {
    const order: string[] = [];
    const agents = Array.from({ length: 250 }, (_, i) => {
      const agent = new RecordingTarget(`slice${i}.d.acme`, `slice-${i}`);
      agent.sendCommand = (message) => {
        agent.commands.push(message);
        order.push(agent.machineId);
      };
      return agent;
    });
    const leaving = agents[200] as RecordingTarget;
    const { commands } = await store.commands.enqueue(
      agents.map((a) => newCommand(a.machineId)),
      null,
      now,
    );
    const leavingCommand = commands.find((c) => c.targetId === leaving.machineId)?.id as string;
    // Other work waiting once the first command is sent: a connection closing.
    const first = agents[0] as RecordingTarget;
    first.sendCommand = (message) => {
      first.commands.push(message);
      order.push(first.machineId);
      setImmediate(() => {
        order.push('other work');
        void dispatcher.gone(leaving);
      });
    };
    await dispatcher.pumpMany(agents);
    const other = order.indexOf('other work');
    assert.ok(other > 0 && other < 249, `other work ran between the sends (at ${other} of ${order.length})`);
    assert.deepEqual(leaving.commands, [], 'nothing is sent to the session that ended meanwhile');
    for (const a of agents) if (a !== leaving) assert.equal(a.commands.length, 1, a.machineId);
    await dispatcher.gone(leaving);
    assert.equal((await store.commands.getCommand(leavingCommand))?.status, 'pending', 'its command is back');
  });

  it('results of a fan-out whose agents have nothing more waiting are followed by no claim', async () => {
    const agents = Array.from({ length: 40 }, (_, i) => new RecordingTarget(`only${i}.d.acme`, `only-${i}`));
    const busy = agents[0] as RecordingTarget;
    await store.commands.enqueue(
      agents.map((a) => newCommand(a.machineId)),
      null,
      now,
    );
    await dispatcher.pumpMany(agents);
    // Work queued for one agent while it runs its command: announced, but the agent is busy.
    await store.commands.enqueue([newCommand(busy.machineId)], null, now);
    await dispatcher.pumpMany([busy]);
    queue.singleClaims = 0;
    queue.manyClaims = 0;
    queue.manyClaimTargets = 0;
    await Promise.all(agents.map((a) => dispatcher.result(a, result(a.commands[0]?.id as string))));
    for (const a of agents) assert.deepEqual(a.acks, [a.commands[0]?.id], a.machineId);
    assert.equal(queue.manyClaims, 1);
    assert.equal(queue.manyClaimTargets, 1, 'a claim only for the agent whose work was announced');
    assert.equal(queue.singleClaims, 0);
    assert.equal(busy.commands.length, 2, 'which was handed its next command');
    assert.ok(
      agents.slice(1).every((a) => a.commands.length === 1 && a.inFlight === null),
      'the others are free and were sent nothing more',
    );
  });

  it('work announced while a fan-out claim runs is looked for after the result, though the claim delivered', async () => {
    const agent = new RecordingTarget('race.d.acme', 'race-session');
    await store.commands.enqueue([newCommand(agent.machineId)], null, now);
    let release = () => {};
    queue.holdMany = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claimed = new Promise<void>((resolve) => {
      queue.claimedMany = resolve;
    });
    const first = dispatcher.pumpMany([agent]);
    await claimed;
    // The claim has looked (one command, nothing more) and committed; a second command is
    // committed and announced before the claim's answer is handled.
    await store.commands.enqueue([newCommand(agent.machineId)], null, now);
    const announced = dispatcher.pumpMany([agent]);
    queue.holdMany = null;
    release();
    await Promise.all([first, announced]);
    assert.equal(agent.commands.length, 1);
    await dispatcher.result(agent, result(agent.commands[0]?.id as string));
    assert.equal(agent.commands.length, 2, 'the second command followed the first result');
  });

  it('two results of one agent in the same turn hand out its next command once', async () => {
    const agent = new RecordingTarget('twice.d.acme', 'twice-session');
    await store.commands.enqueue([newCommand(agent.machineId), newCommand(agent.machineId)], null, now);
    await dispatcher.pump(agent);
    const first = agent.commands[0]?.id as string;
    // The result and its repeat (a report sent again after a lost acknowledgement) in one read.
    await Promise.all([dispatcher.result(agent, result(first)), dispatcher.result(agent, result(first))]);
    assert.deepEqual(agent.acks, [first, first]);
    assert.equal(agent.commands.length, 2, 'the next command went out once');
    assert.equal(agent.inFlight, agent.commands[1]?.id);
  });

  it('a repeated result is acknowledged and changes nothing; another agent’s command closes the session', async () => {
    const agent = new RecordingTarget('dup.d.acme', 'dup-session');
    const other = new RecordingTarget('other.d.acme', 'other-session');
    await store.commands.enqueue([newCommand(agent.machineId)], null, now);
    await dispatcher.pump(agent);
    const id = agent.commands[0]?.id as string;
    await dispatcher.result(agent, result(id, 'first'));
    await dispatcher.result(agent, result(id, 'second'));
    assert.deepEqual(agent.acks, [id, id]);
    assert.equal((await store.commands.getCommand(id))?.output, 'first');
    await dispatcher.result(other, result(id, 'forged'));
    assert.equal(other.acks.length, 0);
    assert.match(other.rejects[0] ?? '', /not this agent's/);
    assert.equal((await store.commands.getCommand(id))?.output, 'first');
  });

  it('a session that ends returns only what it held; the agent’s newer session keeps its command', async () => {
    const machine = 'move.d.acme';
    const stale = new RecordingTarget(machine, 'node-a-session');
    const fresh = new RecordingTarget(machine, 'node-b-session');
    await store.commands.enqueue([newCommand(machine)], null, now);
    await dispatcher.pump(stale);
    const id = stale.commands[0]?.id as string;
    assert.ok(id);
    // The agent moves to another node: its new session supersedes the old one and takes the command.
    await dispatcher.activated(fresh);
    assert.equal(fresh.commands[0]?.id, id);
    // The old node's session closes late: the command stays with the new session.
    await dispatcher.gone(stale);
    const held = await store.commands.getCommand(id);
    assert.equal(held?.status, 'processing');
    assert.equal(held?.attempts, 2);
    await dispatcher.gone(fresh);
    assert.equal((await store.commands.getCommand(id))?.status, 'pending');
  });
});

// The command goes out while its change is still on its way to the bus (a NOTIFY on
// PostgreSQL): the publish is not on the command's way to its agent.
describe('command dispatcher with a slow bus', () => {
  const file = createTestSqliteFile();
  after(() => file.cleanup());

  it('hands a fan-out its commands before their changes are published', async () => {
    const store = await openSqlStore({ sqliteFile: file.file });
    await store.groups.ensureGroup('d.acme', T0);
    const inner = inProcessBus();
    let releasePublish = () => {};
    const publishHeld = new Promise<void>((resolve) => {
      releasePublish = resolve;
    });
    const published: string[] = [];
    const slowBus: Bus = {
      ...inner,
      publishAll: async (events) => {
        await publishHeld;
        for (const e of events) published.push(e.type);
        return inner.publishAll(events);
      },
    };
    const queue = new CommandQueueService(
      store.commands,
      store.machines,
      store.machines,
      { groupsOf: async () => new Map(), validate: () => undefined, queued: async () => undefined },
      new EventHub(slowBus),
      slowBus,
      { maxAttempts: 3, leaseSeconds: 60, outputLimitBytes: 65536, defaultTtlSeconds: 0 },
      () => T0,
    );
    const identity = testIdentity();
    const dispatcher = new CommandDispatcher(
      queue,
      () => identity,
      () => T0,
      () => undefined,
    );
    const agent = new RecordingTarget('slowbus.d.acme', 'slowbus-session');
    await store.commands.enqueue([newCommand(agent.machineId)], null, T0);
    const pumping = dispatcher.pumpMany([agent]);
    const deadline = Date.now() + 5000;
    while (agent.commands.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(agent.commands.length, 1, 'the command went out while the publish was held');
    assert.deepEqual(published, [], 'its change was not published yet');
    releasePublish();
    await pumping;
    assert.deepEqual(published, ['command-changes'], 'then it was');
    await store.close();
  });
});

// A result the store cannot take is not acknowledged, so the agent keeps it in its journal and
// reports it again at its next connection.
describe('command dispatcher when the store fails', () => {
  const file = createTestSqliteFile();

  after(() => file.cleanup());

  it('sends no acknowledgement for a result it could not store', async () => {
    const store = await openSqlStore({ sqliteFile: file.file });
    await store.groups.ensureGroup('d.acme', T0);
    const bus = inProcessBus();
    const queue = new CommandQueueService(
      store.commands,
      store.machines,
      store.machines,
      { groupsOf: async () => new Map(), validate: () => undefined, queued: async () => undefined },
      new EventHub(bus),
      bus,
      { maxAttempts: 3, leaseSeconds: 60, outputLimitBytes: 65536, defaultTtlSeconds: 0 },
      () => T0,
    );
    const warnings: string[] = [];
    const identity = testIdentity();
    const dispatcher = new CommandDispatcher(
      queue,
      () => identity,
      () => T0,
      (_f, m) => warnings.push(m),
    );
    const agent = new RecordingTarget('fail.d.acme', 'fail-session');
    await store.commands.enqueue([newCommand(agent.machineId)], null, T0);
    await dispatcher.pump(agent);
    const id = agent.commands[0]?.id as string;
    assert.ok(id);
    await store.close(); // the database goes away under the server
    await dispatcher.result(agent, result(id));
    assert.deepEqual(agent.acks, [], 'no acknowledgement: the agent must keep the result');
    assert.deepEqual(agent.rejects, []);
    assert.ok(warnings.includes('could not store a result'));
  });
});
