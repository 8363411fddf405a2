import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inProcessBus } from '../bus/in-process.bus';
import { CommandQueueService } from '../services/command-queue.service';
import type { CommandQueueStore, StoreBackend } from '../store/interfaces';
import { queueOver } from '../test-support/command-queue';
import {
  type DispatcherSuite,
  dispatcherSuite,
  newCommand,
  RecordingTarget,
  result,
} from './dispatcher-test-kit';

/** An agent of this node that is free, its last claim having found nothing more. */
function idleAgent(name: string): RecordingTarget {
  const agent = new RecordingTarget(`${name}.d.acme`, `${name}-session`);
  agent.mayHaveWork = false;
  return agent;
}

/**
 * The real queue service over the suite's store, whose enqueue can be held before it writes
 * or made to fail, handing out through the suite's dispatcher to the agents in `sessions`.
 */
function handingQueue(s: DispatcherSuite, sessions: Map<string, RecordingTarget>) {
  const control = {
    hold: null as Promise<void> | null,
    fail: false,
    claims: 0,
    /** Holds writes from now until the function returned is called. */
    holdWrites(): () => void {
      let release = () => {};
      this.hold = new Promise<void>((resolve) => {
        release = () => {
          this.hold = null;
          resolve();
        };
      });
      return release;
    },
  };
  const real = s.store.commands;
  const commands: CommandQueueStore = {
    ...real,
    enqueue: async (...args) => {
      if (control.hold) await control.hold;
      if (control.fail) throw new Error('the store is gone');
      return real.enqueue(...args);
    },
    claimFirstPerTarget: (...args) => {
      control.claims += 1;
      return real.claimFirstPerTarget(...args);
    },
  };
  const store: StoreBackend = { ...s.store, commands };
  const bus = inProcessBus();
  const queue = queueOver(CommandQueueService, store, bus, () => s.now);
  queue.handOutLocallyThrough(s.dispatcher.localHandout((id) => sessions.get(id)));
  const enqueue = (agent: RecordingTarget) =>
    queue.enqueueEach(
      'shell',
      [{ machineId: agent.machineId, groupId: 'd.acme', params: { script: 'echo' } }],
      0,
    );
  return { queue, control, enqueue, bus };
}

// Commands for this node's idle agents are stored handed out and sent with no claim and no
// wake-up (nobody listens to this bus: only the hand-out can deliver), and only when a claim
// would have picked the same command; a session that ends meanwhile and a failed write leave
// the queue as it would be without.
describe('handing commands out as they are stored', () => {
  const s = dispatcherSuite();

  it('an idle agent of this node with nothing waiting is sent its command as it is stored, with no claim', async () => {
    const agent = idleAgent('direct');
    const { control, enqueue } = handingQueue(s, new Map([[agent.machineId, agent]]));
    const [queued] = await enqueue(agent);
    assert.equal(queued?.status, 'processing');
    assert.deepEqual(
      agent.commands.map((c) => [c.id, c.attempt]),
      [[queued?.id, 1]],
    );
    assert.equal(agent.inFlight, queued?.id);
    assert.equal(control.claims, 0);
    const stored = await s.store.commands.getCommand(queued?.id as string);
    // A shell command's lease covers its timeout (300 s unless it names one) and 30 s more.
    assert.deepEqual([stored?.status, stored?.leaseExpiresAt], ['processing', s.now + 330_000]);
    // Its result is taken as any other's, and nothing more is claimed for it.
    await s.dispatcher.result(agent, result(queued?.id as string));
    assert.equal((await s.store.commands.getCommand(queued?.id as string))?.status, 'complete');
    assert.equal(control.claims, 0);
  });

  it('an agent that may have work waiting, a busy one, a suspended one and one of another node get theirs through the queue', async () => {
    const waiting = new RecordingTarget('waiting.d.acme', 'waiting-session'); // mayHaveWork
    const busy = idleAgent('busy');
    busy.inFlight = 'running-something';
    busy.inFlightUntil = s.now + 60_000;
    const suspended = idleAgent('suspended');
    suspended.suspended = true;
    const elsewhere = idleAgent('elsewhere');
    const here = new Map([waiting, busy, suspended].map((a) => [a.machineId, a]));
    const { enqueue } = handingQueue(s, here);
    // What waits for the first agent already must go first: a claim would pick it.
    const { commands: older } = await s.store.commands.enqueue([newCommand(waiting.machineId)], null, s.now);
    for (const agent of [waiting, busy, suspended, elsewhere]) {
      const [queued] = await enqueue(agent);
      assert.equal(queued?.status, 'pending', agent.machineId);
      assert.deepEqual(agent.commands, [], agent.machineId);
    }
    await s.dispatcher.pump(waiting);
    assert.deepEqual(
      waiting.commands.map((c) => c.id),
      [older[0]?.id],
    );
  });

  it("a session that ends while its command is stored is sent nothing; the command goes back and the agent's next session is woken for it", async () => {
    const agent = idleAgent('ends');
    const { control, enqueue, bus } = handingQueue(s, new Map([[agent.machineId, agent]]));
    const woken: string[] = [];
    bus.subscribe((e) => {
      if (e.type === 'commands-queued') woken.push(...e.machineIds);
    });
    const release = control.holdWrites();
    const queuing = enqueue(agent);
    await s.dispatcher.gone(agent);
    release();
    const [queued] = await queuing;
    assert.deepEqual(agent.commands, []);
    const stored = await s.store.commands.getCommand(queued?.id as string);
    assert.deepEqual([stored?.status, stored?.attempts], ['pending', 1]);
    // The in-process bus delivers on the next microtask.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(woken, [agent.machineId]);
    // What the gateway does with that wake-up: the agent's new session gets the command.
    const next = new RecordingTarget(agent.machineId, 'ends-session-2');
    await s.dispatcher.pumpMany([next]);
    assert.deepEqual(
      next.commands.map((c) => [c.id, c.attempt]),
      [[queued?.id, 2]],
    );
  });

  it('work announced while the command is stored is claimed after its result (no lost wake-up)', async () => {
    const agent = idleAgent('announced');
    const { control, enqueue } = handingQueue(s, new Map([[agent.machineId, agent]]));
    const release = control.holdWrites();
    const queuing = enqueue(agent);
    // Meanwhile another node queues one for it and its wake-up arrives.
    const { commands: other } = await s.store.commands.enqueue([newCommand(agent.machineId)], null, s.now);
    await s.dispatcher.pumpMany([agent]);
    release();
    const [queued] = await queuing;
    assert.deepEqual(
      agent.commands.map((c) => c.id),
      [queued?.id],
    );
    await s.dispatcher.result(agent, result(queued?.id as string));
    assert.deepEqual(
      agent.commands.map((c) => c.id),
      [queued?.id, other[0]?.id],
    );
  });

  it('a fan-out of more than 50 goes through the claims, which send in slices', async () => {
    const agents = Array.from({ length: 51 }, (_, i) => idleAgent(`fan${i}`));
    const { queue } = handingQueue(s, new Map(agents.map((a) => [a.machineId, a])));
    const queued = await queue.enqueueEach(
      'shell',
      agents.map((a) => ({ machineId: a.machineId, groupId: 'd.acme', params: { script: 'echo' } })),
      0,
    );
    assert.deepEqual(new Set(queued.map((c) => c.status)), new Set(['pending']));
    assert.deepEqual(
      agents.flatMap((a) => a.commands),
      [],
    );
    assert.ok(agents.every((a) => a.inFlight === null));
  });

  it('a write that fails frees the agent: its next command is handed out as before', async () => {
    const agent = idleAgent('failed-write');
    const { control, enqueue } = handingQueue(s, new Map([[agent.machineId, agent]]));
    control.fail = true;
    await assert.rejects(enqueue(agent), /the store is gone/);
    assert.equal(agent.inFlight, null);
    control.fail = false;
    const [queued] = await enqueue(agent);
    assert.equal(queued?.status, 'processing');
    assert.deepEqual(
      agent.commands.map((c) => c.id),
      [queued?.id],
    );
  });
});
