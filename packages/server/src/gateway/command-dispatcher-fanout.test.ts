import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Bus } from '../bus/bus';
import { inProcessBus } from '../bus/in-process.bus';
import { CommandQueueService } from '../services/command-queue.service';
import { openSqlStore } from '../store/sql/sql-store';
import { queueOver } from '../test-support/command-queue';
import { createTestSqliteFile } from '../test-support/sqlite';
import {
  dispatcherAtT0,
  dispatcherSuite,
  newCommand,
  RecordingTarget,
  result,
  T0,
} from './dispatcher-test-kit';

// A fan-out through the dispatcher, against the real queue on a real SQLite store: wake-ups and
// results that arrive together cost one claim per thousand agents, sends let the event loop
// run, no claim follows a result when nothing more waits, and the commands do not wait for
// their changes to be published.
describe('command dispatcher in a fan-out', () => {
  const s = dispatcherSuite();

  it('results that arrive together are followed by one claim for all their agents, not one each', async () => {
    // A fan-out's results come back together; a claim per agent after each queued thousands of
    // transactions on the pool, and an API request waited behind them for 18 s (bench:scale).
    const agents = Array.from(
      { length: 40 },
      (_, i) => new RecordingTarget(`batch${i}.d.acme`, `batch-${i}`),
    );
    await s.store.commands.enqueue(
      agents.flatMap((a) => [newCommand(a.machineId), newCommand(a.machineId)]),
      null,
      s.now,
    );
    await s.dispatcher.pumpMany(agents);
    assert.ok(agents.every((a) => a.commands.length === 1));
    s.queue.singleClaims = 0;
    s.queue.manyClaims = 0;
    await Promise.all(agents.map((a) => s.dispatcher.result(a, result(a.commands[0]?.id as string))));
    for (const a of agents) {
      assert.deepEqual(a.acks, [a.commands[0]?.id], a.machineId);
      assert.equal(a.commands.length, 2, `${a.machineId} was handed its next command`);
      assert.equal(a.inFlight, a.commands[1]?.id);
    }
    assert.equal(s.queue.singleClaims, 0, 'no claim for one agent alone');
    assert.equal(s.queue.manyClaims, 1, 'one claim for the forty');
  });

  it('wake-ups from many bus events in one turn are one claim, not one per event', async () => {
    // A fan-out reaches a node as hundreds of commands-queued events of 40 machines each, read
    // together; a claim per event was 500 claims per node for 20,000 agents (bench:scale).
    const agents = Array.from({ length: 30 }, (_, i) => new RecordingTarget(`wake${i}.d.acme`, `wake-${i}`));
    await s.store.commands.enqueue(
      agents.map((a) => newCommand(a.machineId)),
      null,
      s.now,
    );
    s.queue.singleClaims = 0;
    s.queue.manyClaims = 0;
    // Three agents per event, as a node holds a sixth of each event's machines.
    await Promise.all(
      Array.from({ length: 10 }, (_, e) => s.dispatcher.pumpMany(agents.slice(e * 3, e * 3 + 3))),
    );
    for (const a of agents) assert.equal(a.commands.length, 1, `${a.machineId} was given its command`);
    assert.equal(s.queue.manyClaims, 1, 'one claim for the ten events');
    assert.equal(s.queue.singleClaims, 0);
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
    const { commands } = await s.store.commands.enqueue(
      agents.map((a) => newCommand(a.machineId)),
      null,
      s.now,
    );
    const leavingCommand = commands.find((c) => c.targetId === leaving.machineId)?.id as string;
    // Other work waiting once the first command is sent: a connection closing.
    const first = agents[0] as RecordingTarget;
    first.sendCommand = (message) => {
      first.commands.push(message);
      order.push(first.machineId);
      setImmediate(() => {
        order.push('other work');
        void s.dispatcher.gone(leaving);
      });
    };
    await s.dispatcher.pumpMany(agents);
    const other = order.indexOf('other work');
    assert.ok(other > 0 && other < 249, `other work ran between the sends (at ${other} of ${order.length})`);
    assert.deepEqual(leaving.commands, [], 'nothing is sent to the session that ended meanwhile');
    for (const a of agents) if (a !== leaving) assert.equal(a.commands.length, 1, a.machineId);
    await s.dispatcher.gone(leaving);
    assert.equal(
      (await s.store.commands.getCommand(leavingCommand))?.status,
      'pending',
      'its command is back',
    );
  });

  it('results of a fan-out whose agents have nothing more waiting are followed by no claim', async () => {
    const agents = Array.from({ length: 40 }, (_, i) => new RecordingTarget(`only${i}.d.acme`, `only-${i}`));
    const busy = agents[0] as RecordingTarget;
    await s.store.commands.enqueue(
      agents.map((a) => newCommand(a.machineId)),
      null,
      s.now,
    );
    await s.dispatcher.pumpMany(agents);
    // Work queued for one agent while it runs its command: announced, but the agent is busy.
    await s.store.commands.enqueue([newCommand(busy.machineId)], null, s.now);
    await s.dispatcher.pumpMany([busy]);
    s.queue.singleClaims = 0;
    s.queue.manyClaims = 0;
    s.queue.manyClaimTargets = 0;
    await Promise.all(agents.map((a) => s.dispatcher.result(a, result(a.commands[0]?.id as string))));
    for (const a of agents) assert.deepEqual(a.acks, [a.commands[0]?.id], a.machineId);
    assert.equal(s.queue.manyClaims, 1);
    assert.equal(s.queue.manyClaimTargets, 1, 'a claim only for the agent whose work was announced');
    assert.equal(s.queue.singleClaims, 0);
    assert.equal(busy.commands.length, 2, 'which was handed its next command');
    assert.ok(
      agents.slice(1).every((a) => a.commands.length === 1 && a.inFlight === null),
      'the others are free and were sent nothing more',
    );
  });

  it('work announced while a fan-out claim runs is looked for after the result, though the claim delivered', async () => {
    const agent = new RecordingTarget('race.d.acme', 'race-session');
    await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    let release = () => {};
    s.queue.holdMany = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claimed = new Promise<void>((resolve) => {
      s.queue.claimedMany = resolve;
    });
    const first = s.dispatcher.pumpMany([agent]);
    await claimed;
    // The claim has looked (one command, nothing more) and committed; a second command is
    // committed and announced before the claim's answer is handled.
    await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    const announced = s.dispatcher.pumpMany([agent]);
    s.queue.holdMany = null;
    release();
    await Promise.all([first, announced]);
    assert.equal(agent.commands.length, 1);
    await s.dispatcher.result(agent, result(agent.commands[0]?.id as string));
    assert.equal(agent.commands.length, 2, 'the second command followed the first result');
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
    const queue = queueOver(CommandQueueService, store, slowBus, () => T0);
    const dispatcher = dispatcherAtT0(queue);
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
