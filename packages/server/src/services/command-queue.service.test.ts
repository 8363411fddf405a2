import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVERYTHING } from '../access/scope';
import type { Bus, BusEvent } from '../bus/bus';
import { inProcessBus } from '../bus/in-process.bus';
import { ErrorCode, MusterError } from '../domain/errors';
import { account } from '../store/conformance/conformance-fixtures';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { queueOver } from '../test-support/command-queue';
import { createTestSqliteFile } from '../test-support/sqlite';
import { capUtf8 } from './cap-utf8';
import { CommandQueueService } from './command-queue.service';
import { refusalOf } from './command-refusals';
import { EventHub } from './event-hub';

const T0 = 1_900_000_000_000;
const DAY = 86_400_000;

// The queue service on a real SQLite store: default time to live, cancel after delivery, the
// coded refusals the gateway acts on, and output capping.
describe('command queue service', () => {
  const file = createTestSqliteFile();
  let store: StoreBackend;
  let queue: CommandQueueService;
  let bus: Bus;
  const now = T0;

  before(async () => {
    store = await openSqlStore({ sqliteFile: file.file });
    await store.groups.ensureGroup('svc.acme', T0);
    for (const id of ['a.svc.acme', 'b.svc.acme']) await store.machines.createMachineAccount(account(id));
    bus = inProcessBus();
    queue = queueOver(CommandQueueService, store, bus, () => now, {
      outputLimitBytes: 16,
      defaultTtlSeconds: 7 * 86_400,
    });
  });
  after(async () => {
    await store.close();
    file.cleanup();
  });

  it('a command without ttlSeconds gets the default time to live; null asks for never; a number is kept', async () => {
    const targets = { machines: ['a.svc.acme'] };
    const byDefault = await queue.enqueue({ targets, type: 'audit', params: {} });
    assert.equal(byDefault.commands[0]?.expiresAt, T0 + 7 * DAY);
    const never = await queue.enqueue({ targets, type: 'audit', params: {}, ttlSeconds: null });
    assert.equal(never.commands[0]?.expiresAt, null);
    const hour = await queue.enqueue({ targets, type: 'audit', params: {}, ttlSeconds: 3600 });
    assert.equal(hour.commands[0]?.expiresAt, T0 + 3_600_000);
  });

  it('cancel: pending is canceled; delivered and returned ends unknown; processing is a 409-coded error', async () => {
    const targets = { machines: ['b.svc.acme'] };
    const { commands } = await queue.enqueue({ targets, type: 'audit', params: {} });
    const id = commands[0]?.id as string;
    const [claimed] = await queue.claim('machine', 'b.svc.acme', 1, 'session-1');
    assert.equal(claimed?.id, id);
    await assert.rejects(queue.cancel(id, EVERYTHING), (e: unknown) => {
      assert.ok(e instanceof MusterError);
      assert.equal(e.code, ErrorCode.invalidState);
      assert.match(e.message, /only pending commands can be canceled/);
      return true;
    });
    await queue.sessionsEnded('machine', ['session-1']); // the agent was killed while it ran
    const canceled = await queue.cancel(id, EVERYTHING);
    assert.equal(canceled.status, 'unknown');
    const { transitions } = await queue.get(id, EVERYTHING);
    assert.deepEqual(
      transitions.map((t) => t.status),
      ['pending', 'processing', 'pending', 'unknown'],
    );
    await assert.rejects(queue.cancel('no-such-command', EVERYTHING), /no command "no-such-command"/);
  });

  it('what an ended session held is offered again on the bus: the agent may already be back in a newer session', async () => {
    const targets = { machines: ['a.svc.acme', 'b.svc.acme'] };
    await queue.enqueue({ targets, type: 'audit', params: {} });
    const [held] = await queue.claim('machine', 'a.svc.acme', 1, 'session-a');
    assert.ok(held, 'a command was delivered to session-a');
    const heard: BusEvent[] = [];
    const unsubscribe = bus.subscribe((event) => heard.push(event));
    try {
      await queue.sessionsEnded('machine', ['session-a', 'session-never-held-anything']);
      await new Promise((r) => setImmediate(r));
    } finally {
      unsubscribe();
    }
    assert.equal((await queue.get(held.id, EVERYTHING)).command.status, 'pending');
    // Only the agent whose command came back is offered work, not b (nothing of it was held).
    assert.deepEqual(
      heard.filter((e) => e.type === 'commands-queued'),
      [{ type: 'commands-queued', machineIds: ['a.svc.acme'] }],
    );
  });

  it('refusals carry what the gateway needs: not found, another endpoint’s, already recorded, never delivered', async () => {
    const { commands } = await queue.enqueue({
      targets: { machines: ['a.svc.acme', 'b.svc.acme'] },
      type: 'shell',
      params: { script: 'echo hi' },
    });
    const [forA, forB] = commands;
    const outcome = { status: 'complete' as const, exitCode: 0, output: 'x'.repeat(100), error: null };
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => refusalOf(e),
      );
    assert.equal(await refusal(queue.finish('machine', 'a.svc.acme', 'missing', outcome)), 'not-found');
    assert.equal(
      await refusal(queue.finish('machine', 'a.svc.acme', forB?.id as string, outcome)),
      'wrong-endpoint',
    );
    assert.equal(
      await refusal(queue.finish('machine', 'a.svc.acme', forA?.id as string, outcome)),
      'not-processing',
    );
    // Claim every pending command of a.svc.acme (the earlier tests left audits there).
    const claimed = await queue.claim('machine', 'a.svc.acme', 100, 's');
    assert.ok(claimed.some((c) => c.id === forA?.id));
    const done = await queue.finish('machine', 'a.svc.acme', forA?.id as string, outcome);
    assert.equal(done.output, capUtf8('x'.repeat(100), 16), 'output capped at the configured limit');
    assert.match(done.output ?? '', /output truncated at 16 bytes/);
    assert.equal(
      await refusal(queue.finish('machine', 'a.svc.acme', forA?.id as string, outcome)),
      'already-finished',
    );
    assert.equal(refusalOf(new Error('disk I/O error')), null, 'a store failure is no refusal');
  });

  it('results that arrive in one turn are stored together, one transaction per 500, each caller with its own answer', async () => {
    // 1,200 agents answer a fan-out at once (a real store, counted at its finishMany).
    let transactions = 0;
    const counted = new Proxy(store.commands, {
      get(target, name, receiver) {
        if (name === 'finishMany')
          return (...args: Parameters<typeof target.finishMany>) => {
            transactions++;
            return target.finishMany(...args);
          };
        return Reflect.get(target, name, receiver);
      },
    });
    const batched = new CommandQueueService(
      counted,
      store.machines,
      store.machines,
      { groupsOf: async () => new Map(), validate: () => undefined, queued: async () => undefined },
      new EventHub(bus),
      bus,
      { maxAttempts: 3, leaseSeconds: 60, outputLimitBytes: 16, defaultTtlSeconds: 0 },
      () => now,
    );
    const targets = Array.from({ length: 1200 }, (_, i) => `fan-${i}.svc.acme`);
    const { commands } = await store.commands.enqueue(
      targets.map((targetId, i) => ({
        id: `fan-cmd-${i}`,
        orgId: 'acme',
        targetKind: 'machine' as const,
        targetId,
        groupId: 'svc.acme',
        type: 'audit',
        params: {},
        priority: 0,
        maxAttempts: 3,
        expiresAt: null,
      })),
      null,
      now,
    );
    await store.commands.claimFirstPerTarget(
      'machine',
      targets.map((targetId) => ({ targetId, holder: `s-${targetId}` })),
      now,
      60_000,
    );
    const outcome = { status: 'complete' as const, exitCode: 0, output: 'ok', error: null };
    const answers = await Promise.allSettled([
      ...commands.map((c) => batched.finish('machine', c.targetId, c.id, outcome)),
      // Another endpoint's result in the same turn is refused to its own caller only.
      batched.finish('machine', 'fan-1.svc.acme', 'fan-cmd-0', outcome),
    ]);
    assert.equal(transactions, 3, 'ceil(1201 / 500) transactions, not one per result');
    const fulfilled = answers.filter((a) => a.status === 'fulfilled');
    assert.equal(fulfilled.length, 1200);
    assert.deepEqual(
      fulfilled.slice(0, 2).map((a) => [a.value.id, a.value.status]),
      [
        ['fan-cmd-0', 'complete'],
        ['fan-cmd-1', 'complete'],
      ],
    );
    const refused = answers[1200];
    assert.ok(refused?.status === 'rejected');
    assert.equal(refusalOf(refused.reason), 'wrong-endpoint');
    assert.equal((await store.commands.getCommand('fan-cmd-1199'))?.status, 'complete');
  });

  it('capUtf8 never cuts a character in half', () => {
    assert.equal(capUtf8('héllo', 100), 'héllo');
    assert.equal(capUtf8('ééé', 3), 'é\n[output truncated at 3 bytes]');
  });
});
