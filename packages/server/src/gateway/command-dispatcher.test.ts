import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
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

// The dispatcher against the real queue on a real SQLite store: no wake-up is lost while a claim
// runs, a result is acknowledged only once the server holds one, and an ended session returns
// only what it held. (Fan-outs: command-dispatcher-fanout.test.ts.)
describe('command dispatcher', () => {
  const s = dispatcherSuite();

  it('a command queued while a claim for its agent runs is still delivered (no lost wake-up)', async () => {
    const agent = new RecordingTarget('wake.d.acme', 'wake-session');
    let release = () => {};
    s.queue.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claimed = new Promise<void>((resolve) => {
      s.queue.claimedOnce = resolve;
    });
    // A claim starts (say, after the previous result) and finds the queue empty...
    const first = s.dispatcher.pump(agent);
    await claimed;
    // ...then a command is committed and its commands-queued wake-up arrives mid-claim.
    await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    await s.dispatcher.pump(agent);
    s.queue.hold = null;
    release();
    await first;
    assert.equal(agent.commands.length, 1, 'the command reached the agent without another wake-up');
    assert.equal(agent.inFlight, agent.commands[0]?.id);
  });

  it('a session that ends while its claim runs leaves nothing processing under its name, and is sent nothing', async () => {
    const agent = new RecordingTarget('ended.d.acme', 'ended-session');
    const { commands } = await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    const id = commands[0]?.id as string;
    let release = () => {};
    s.queue.holdBefore = new Promise<void>((resolve) => {
      release = resolve;
    });
    const starting = new Promise<void>((resolve) => {
      s.queue.claimStarting = resolve;
    });
    const pumping = s.dispatcher.pump(agent);
    await starting;
    // The connection closes while the claim waits to start, and the session's end is settled
    // (nothing held yet) before the claim commits.
    await s.dispatcher.gone(agent);
    s.queue.holdBefore = null;
    release();
    await pumping;
    assert.deepEqual(agent.commands, [], 'nothing is sent to an ended session');
    assert.equal((await s.store.commands.getCommand(id))?.status, 'pending', 'back in the queue at once');
    // Nor does a fan-out claim for it any more.
    await s.dispatcher.pumpMany([agent]);
    assert.deepEqual(agent.commands, []);
    assert.equal((await s.store.commands.getCommand(id))?.status, 'pending');
  });

  it('a fan-out that meets an agent mid-claim looks again for it afterwards', async () => {
    const agent = new RecordingTarget('fan.d.acme', 'fan-session');
    let release = () => {};
    s.queue.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claimed = new Promise<void>((resolve) => {
      s.queue.claimedOnce = resolve;
    });
    const first = s.dispatcher.pump(agent);
    await claimed;
    await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    await s.dispatcher.pumpMany([agent]);
    assert.equal(agent.recheck, true, 'the fan-out marked the agent for another look');
    s.queue.hold = null;
    release();
    await first;
    assert.equal(agent.commands.length, 1);
  });

  it('acknowledges a result it stored, and one for a command returned to the queue after delivery', async () => {
    const agent = new RecordingTarget('ack.d.acme', 'ack-session');
    await s.store.commands.enqueue([newCommand(agent.machineId), newCommand(agent.machineId)], null, s.now);
    await s.dispatcher.pump(agent);
    const first = agent.commands[0]?.id as string;
    await s.dispatcher.result(agent, result(first));
    assert.deepEqual(agent.acks, [first]);
    assert.equal((await s.store.commands.getCommand(first))?.status, 'complete');

    // The second command's lease runs out while the agent is stalled; its result comes late.
    const second = agent.commands[1]?.id as string;
    assert.ok(second, 'the next command was handed out after the first result');
    s.now += 120_000;
    await s.store.commands.expireLeases(s.now, 100);
    assert.equal((await s.store.commands.getCommand(second))?.status, 'pending');
    await s.dispatcher.result(agent, result(second, 'late'));
    assert.deepEqual(agent.acks, [first, second]);
    const stored = await s.store.commands.getCommand(second);
    assert.equal(stored?.status, 'complete');
    assert.equal(stored?.output, 'late');
  });

  it('two results of one agent in the same turn hand out its next command once', async () => {
    const agent = new RecordingTarget('twice.d.acme', 'twice-session');
    await s.store.commands.enqueue([newCommand(agent.machineId), newCommand(agent.machineId)], null, s.now);
    await s.dispatcher.pump(agent);
    const first = agent.commands[0]?.id as string;
    // The result and its repeat (a report sent again after a lost acknowledgement) in one read.
    await Promise.all([s.dispatcher.result(agent, result(first)), s.dispatcher.result(agent, result(first))]);
    assert.deepEqual(agent.acks, [first, first]);
    assert.equal(agent.commands.length, 2, 'the next command went out once');
    assert.equal(agent.inFlight, agent.commands[1]?.id);
  });

  it('a repeated result is acknowledged and changes nothing; another agent’s command closes the session', async () => {
    const agent = new RecordingTarget('dup.d.acme', 'dup-session');
    const other = new RecordingTarget('other.d.acme', 'other-session');
    await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    await s.dispatcher.pump(agent);
    const id = agent.commands[0]?.id as string;
    await s.dispatcher.result(agent, result(id, 'first'));
    await s.dispatcher.result(agent, result(id, 'second'));
    assert.deepEqual(agent.acks, [id, id]);
    assert.equal((await s.store.commands.getCommand(id))?.output, 'first');
    await s.dispatcher.result(other, result(id, 'forged'));
    assert.equal(other.acks.length, 0);
    assert.match(other.rejects[0] ?? '', /not this agent's/);
    assert.equal((await s.store.commands.getCommand(id))?.output, 'first');
  });

  it('a session that ends returns only what it held; the agent’s newer session keeps its command', async () => {
    const machine = 'move.d.acme';
    const stale = new RecordingTarget(machine, 'node-a-session');
    const fresh = new RecordingTarget(machine, 'node-b-session');
    await s.store.commands.enqueue([newCommand(machine)], null, s.now);
    await s.dispatcher.pump(stale);
    const id = stale.commands[0]?.id as string;
    assert.ok(id);
    // The agent moves to another node: its new session supersedes the old one and takes the command.
    await s.dispatcher.activated(fresh);
    assert.equal(fresh.commands[0]?.id, id);
    // The old node's session closes late: the command stays with the new session.
    await s.dispatcher.gone(stale);
    const held = await s.store.commands.getCommand(id);
    assert.equal(held?.status, 'processing');
    assert.equal(held?.attempts, 2);
    await s.dispatcher.gone(fresh);
    assert.equal((await s.store.commands.getCommand(id))?.status, 'pending');
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
    const queue = queueOver(CommandQueueService, store, inProcessBus(), () => T0);
    const warnings: string[] = [];
    const dispatcher = dispatcherAtT0(queue, (m) => warnings.push(m));
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
