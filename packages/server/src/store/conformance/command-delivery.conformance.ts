import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { CommandOutcome, CommandRecord, NewCommand } from '../command-record';
import type { StoreRef } from './store-conformance';

const T0 = 1_900_000_000_000;
let counter = 0;

function cmd(targetId: string, fields: Partial<NewCommand> = {}): NewCommand {
  counter += 1;
  return {
    id: `d${counter}-${targetId}`.replace(/[^a-z0-9-]/gi, '-'),
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'dq.acme',
    type: 'shell',
    params: { script: `echo ${counter}` },
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
    ...fields,
  };
}

const ran: CommandOutcome = { status: 'complete', exitCode: 0, output: 'ran once', error: null };

/**
 * Delivery's contract, run against every backend: which session holds a command, what a late
 * result does, and that a command once delivered never ends as if it had not run.
 */
export function commandDeliveryTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('dq.acme', T0);
  });

  it('a session that ends returns only the commands it held, not those of a newer session elsewhere', async () => {
    const q = store().commands;
    const t = 'failover.dq.acme';
    const { commands } = await q.enqueue([cmd(t), cmd(t)], null, T0);
    const [first, second] = commands as [CommandRecord, CommandRecord];
    // The agent's session on node A takes the first command, then the agent moves to node B.
    const onA = await q.claimNext('machine', t, T0, 60_000, 1, 'session-a');
    assert.deepEqual(
      onA.claimed.map((c) => c.id),
      [first.id],
    );
    await q.releaseEndpoints('machine', [t], T0 + 1); // node B's new session supersedes A's
    const onB = await q.claimNext('machine', t, T0 + 2, 60_000, 1, 'session-b');
    assert.deepEqual(
      onB.claimed.map((c) => c.id),
      [first.id],
    );
    // Node A wakes up and closes its stale session: what B runs must stay where it is.
    assert.deepEqual(await q.releaseHolders('machine', ['session-a'], T0 + 3), []);
    assert.equal((await q.getCommand(first.id))?.status, 'processing');
    assert.equal((await q.getCommand(second.id))?.status, 'pending');
    // B's own end does return it.
    assert.deepEqual(
      (await q.releaseHolders('machine', ['session-b'], T0 + 4)).map((c) => [c.id, c.status]),
      [[first.id, 'pending']],
    );
    assert.deepEqual(await q.releaseHolders('machine', [], T0 + 5), []);
  });

  it('a fan-out claim records each command with its own session', async () => {
    const q = store().commands;
    const { commands } = await q.enqueue([cmd('fo1.dq.acme'), cmd('fo2.dq.acme')], null, T0);
    const { claimed } = await q.claimFirstPerTarget(
      'machine',
      [
        { targetId: 'fo1.dq.acme', holder: 'h-1' },
        { targetId: 'fo2.dq.acme', holder: 'h-2' },
      ],
      T0,
      60_000,
    );
    assert.equal(claimed.length, 2);
    assert.deepEqual(
      (await q.releaseHolders('machine', ['h-2'], T0 + 1)).map((c) => c.targetId),
      ['fo2.dq.acme'],
    );
    assert.equal((await q.getCommand(commands[0]?.id as string))?.status, 'processing');
    assert.deepEqual(
      (await q.releaseHolders('machine', ['h-1'], T0 + 2)).map((c) => c.targetId),
      ['fo1.dq.acme'],
    );
  });

  it('a command stored handed out is processing for its session from the start, alone or among pending ones, and its result is taken', async () => {
    const q = store().commands;
    const handedTo = { holder: 'direct-session', leaseExpiresAt: T0 + 60_000 };
    // Alone (one statement on PostgreSQL), then beside a pending one and with a key (a transaction).
    const alone = (await q.enqueue([cmd('direct1.dq.acme', { handedTo })], null, T0)).commands;
    const mixed = (
      await q.enqueue([cmd('direct2.dq.acme'), cmd('direct3.dq.acme', { handedTo })], 'direct-key', T0)
    ).commands;
    assert.deepEqual(
      [...alone, ...mixed].map((c) => [c.targetId, c.status, c.attempts, c.leaseExpiresAt]),
      [
        ['direct1.dq.acme', 'processing', 1, T0 + 60_000],
        ['direct2.dq.acme', 'pending', 0, null],
        ['direct3.dq.acme', 'processing', 1, T0 + 60_000],
      ],
    );
    const [direct1] = alone as [CommandRecord];
    const stored = await q.getCommand(direct1.id);
    assert.deepEqual(
      [stored?.status, stored?.attempts, stored?.leaseExpiresAt],
      ['processing', 1, T0 + 60_000],
    );
    assert.deepEqual(
      (await q.transitionsOf(direct1.id)).map((x) => [x.status, x.at]),
      [
        ['pending', T0],
        ['processing', T0],
      ],
    );
    // Nothing is left to claim for it, and its result is recorded as for a claimed one.
    assert.deepEqual(
      (await q.claimFirstPerTarget('machine', [{ targetId: 'direct1.dq.acme', holder: 'x' }], T0, 60_000))
        .claimed,
      [],
    );
    const finished = await q.finish(direct1.id, 'machine', 'direct1.dq.acme', ran, T0 + 1);
    assert.equal(typeof finished === 'string' ? finished : finished.status, 'complete');
    // Its session's end returns the one it still holds.
    assert.deepEqual(
      (await q.releaseHolders('machine', ['direct-session'], T0 + 2)).map((c) => [c.targetId, c.status]),
      [['direct3.dq.acme', 'pending']],
    );
  });

  it('records the result of a command returned to the queue after delivery (a stalled agent ran it)', async () => {
    const q = store().commands;
    const t = 'stalled.dq.acme';
    const { commands } = await q.enqueue([cmd(t)], null, T0);
    const id = commands[0]?.id as string;
    await q.claimNext('machine', t, T0, 100, 1, 'stalled-session');
    assert.deepEqual(
      (await q.expireLeases(T0 + 200, 100)).map((c) => c.status),
      ['pending'],
    );
    const done = await q.finish(id, 'machine', t, ran, T0 + 300);
    assert.ok(typeof done !== 'string', `refused: ${String(done)}`);
    assert.equal(done.status, 'complete');
    assert.equal(done.attempts, 1);
    const transitions = await q.transitionsOf(id);
    assert.deepEqual(
      transitions.map((x) => x.status),
      ['pending', 'processing', 'pending', 'complete'],
    );
    assert.match(transitions[3]?.detail ?? '', /after the command had been returned to the queue/);
    const next = await q.claimNext('machine', t, T0 + 400, 100, 1);
    assert.equal(next.claimed.length, 0, 'nothing is delivered again');
  });

  it('finishMany stores a batch of results in order, each with its own refusal or record', async () => {
    const q = store().commands;
    const a = 'batch-a.dq.acme';
    const b = 'batch-b.dq.acme';
    const { commands } = await q.enqueue([cmd(a), cmd(b), cmd(a), cmd(b)], null, T0);
    const [a1, b1, a2, b2] = commands as [CommandRecord, CommandRecord, CommandRecord, CommandRecord];
    await q.claimNext('machine', a, T0, 60_000, 1, 'batch-session-a');
    await q.claimNext('machine', b, T0, 100, 1, 'batch-session-b');
    // b1's lease runs out and it goes back to the queue: its result comes late.
    assert.deepEqual(
      (await q.expireLeases(T0 + 200, 100)).map((c) => c.id),
      [b1.id],
    );
    const failed: CommandOutcome = { status: 'failed', exitCode: 2, output: 'no', error: 'exit 2' };
    const results = await q.finishMany(
      [
        { id: a1.id, kind: 'machine', targetId: a, outcome: ran },
        { id: b1.id, kind: 'machine', targetId: b, outcome: failed },
        { id: a1.id, kind: 'machine', targetId: a, outcome: failed }, // repeated in the batch
        { id: a2.id, kind: 'machine', targetId: a, outcome: ran }, // never delivered
        { id: b2.id, kind: 'machine', targetId: a, outcome: ran }, // another endpoint's
        { id: 'no-such-command', kind: 'machine', targetId: a, outcome: ran },
      ],
      T0 + 300,
    );
    assert.deepEqual(
      results.map((r) => (typeof r === 'string' ? r : [r.id, r.status, r.output])),
      [
        [a1.id, 'complete', 'ran once'],
        [b1.id, 'failed', 'no'],
        'already-finished',
        'not-processing',
        'wrong-endpoint',
        'not-found',
      ],
    );
    assert.equal((await q.getCommand(a1.id))?.output, 'ran once', 'the repeated result changed nothing');
    assert.equal((await q.getCommand(a2.id))?.status, 'pending');
    assert.equal((await q.getCommand(b2.id))?.status, 'pending');
    assert.deepEqual(
      (await q.transitionsOf(a1.id)).map((x) => [x.status, x.detail]),
      [
        ['pending', null],
        ['processing', null],
        ['complete', null],
      ],
    );
    const late = await q.transitionsOf(b1.id);
    assert.deepEqual(
      late.map((x) => x.status),
      ['pending', 'processing', 'pending', 'failed'],
    );
    assert.match(late[3]?.detail ?? '', /after the command had been returned to the queue/);
    assert.deepEqual(await q.finishMany([], T0 + 400), []);
  });

  it('finishMany writes a fan-out of results past one statement, each with its own outcome', async () => {
    const q = store().commands;
    const n = 1205; // more than one UPDATE's worth
    const targets = Array.from({ length: n }, (_, i) => `many${i}.dq.acme`);
    const { commands } = await q.enqueue(
      targets.map((t) => cmd(t)),
      null,
      T0,
    );
    const { claimed } = await q.claimFirstPerTarget(
      'machine',
      targets.map((targetId) => ({ targetId, holder: `h-${targetId}` })),
      T0,
      60_000,
    );
    assert.equal(claimed.length, n);
    const outcomeOf = (i: number): CommandOutcome =>
      i % 3 === 0
        ? { status: 'failed', exitCode: i, output: null, error: `exit ${i}` }
        : { status: 'complete', exitCode: i % 2 === 0 ? 0 : null, output: `out ${i} ✓`, error: null };
    const results = await q.finishMany(
      commands.map((c, i) => ({ id: c.id, kind: 'machine', targetId: c.targetId, outcome: outcomeOf(i) })),
      T0 + 500,
    );
    assert.equal(results.length, n);
    for (const [i, c] of commands.entries()) {
      const r = results[i];
      const want = outcomeOf(i);
      assert.ok(r && typeof r !== 'string', `result ${i} was stored`);
      assert.deepEqual(
        [r.id, r.status, r.exitCode, r.output, r.error, r.finishedAt, r.leaseExpiresAt],
        [c.id, want.status, want.exitCode, want.output, want.error, T0 + 500, null],
        `result ${i}`,
      );
    }
    for (const i of [0, 1, 2, 1000, 1204]) {
      const stored = await q.getCommand((commands[i] as CommandRecord).id);
      const want = outcomeOf(i);
      assert.deepEqual(
        [stored?.status, stored?.exitCode, stored?.output, stored?.error, stored?.finishedAt],
        [want.status, want.exitCode, want.output, want.error, T0 + 500],
        `stored ${i}`,
      );
    }
    assert.deepEqual(
      (await q.transitionsOf((commands[1204] as CommandRecord).id)).map((x) => x.status),
      ['pending', 'processing', 'complete'],
    );
    // The sessions hold nothing any more.
    assert.deepEqual(await q.releaseHolders('machine', [`h-${targets[5]}`], T0 + 600), []);
  });

  it('refuses a result for a command never delivered, and stores nothing', async () => {
    const q = store().commands;
    const t = 'never.dq.acme';
    const { commands } = await q.enqueue([cmd(t)], null, T0);
    const id = commands[0]?.id as string;
    assert.equal(await q.finish(id, 'machine', t, ran, T0 + 1), 'not-processing');
    const after = await q.getCommand(id);
    assert.equal(after?.status, 'pending');
    assert.equal(after?.output, null);
  });

  it('time to live: a command never delivered expires; one delivered before ends unknown, and its late result replaces that', async () => {
    const q = store().commands;
    const { commands } = await q.enqueue(
      [cmd('ttl-a.dq.acme', { expiresAt: T0 + 50 }), cmd('ttl-b.dq.acme', { expiresAt: T0 + 50 })],
      null,
      T0,
    );
    const [never, delivered] = commands as [CommandRecord, CommandRecord];
    await q.claimNext('machine', 'ttl-b.dq.acme', T0, 10, 1, 's');
    await q.expireLeases(T0 + 20, 100); // the server went down while it ran: back to pending
    const ended = await q.expireTtl(T0 + 60, 100);
    assert.deepEqual(
      ended.map((c) => [c.id, c.status]).sort(),
      [
        [delivered.id, 'unknown'],
        [never.id, 'expired'],
      ].sort(),
    );
    const unknown = await q.getCommand(delivered.id);
    assert.match(unknown?.error ?? '', /time to live passed after delivery/);
    assert.ok(!(await q.transitionsOf(delivered.id)).some((x) => /before delivery/.test(x.detail ?? '')));
    // The agent comes back and reports what it ran.
    const late = await q.finish(delivered.id, 'machine', 'ttl-b.dq.acme', ran, T0 + 70);
    assert.ok(typeof late !== 'string', `refused: ${String(late)}`);
    assert.equal(late.status, 'complete');
    assert.equal(late.output, 'ran once');
    assert.equal(await q.finish(never.id, 'machine', 'ttl-a.dq.acme', ran, T0 + 70), 'not-processing');
  });

  it('a claim ends a delivered command past its time to live as unknown, not expired', async () => {
    const q = store().commands;
    const t = 'ttl-claim.dq.acme';
    const { commands } = await q.enqueue([cmd(t, { expiresAt: T0 + 50 })], null, T0);
    await q.claimNext('machine', t, T0, 10, 1, 's1');
    await q.releaseEndpoints('machine', [t], T0 + 5);
    const { claimed, changes } = await q.claimNext('machine', t, T0 + 60, 10, 1, 's2');
    assert.equal(claimed.length, 0);
    assert.deepEqual(
      changes.map((c) => [c.id, c.status]),
      [[commands[0]?.id, 'unknown']],
    );
  });

  it('cancel: a command never delivered is canceled; one delivered before ends unknown and is not delivered again', async () => {
    const q = store().commands;
    const t = 'cancel.dq.acme';
    const { commands } = await q.enqueue([cmd(t), cmd(t)], null, T0);
    const [delivered, waiting] = commands as [CommandRecord, CommandRecord];
    await q.claimNext('machine', t, T0, 60_000, 1, 's1');
    await q.releaseHolders('machine', ['s1'], T0 + 1); // the agent was killed while it ran
    const c1 = await q.cancel(delivered.id, T0 + 2);
    assert.equal(c1.canceled, true);
    assert.equal(c1.command?.status, 'unknown');
    assert.match(c1.command?.error ?? '', /canceled by an administrator after delivery/);
    const c2 = await q.cancel(waiting.id, T0 + 3);
    assert.equal(c2.command?.status, 'canceled');
    assert.equal((await q.claimNext('machine', t, T0 + 4, 60_000, 5, 's2')).claimed.length, 0);
    const late = await q.finish(delivered.id, 'machine', t, { ...ran, status: 'failed', error: 'x' }, T0 + 5);
    assert.ok(typeof late !== 'string');
    assert.equal(late.status, 'failed');
  });

  it('lists by a Machine.Group ID pattern with "_" and "%" taken literally when escaped, on every backend', async () => {
    const q = store().commands;
    const { commands } = await q.enqueue([cmd('pc_1.like.dq.acme'), cmd('pcx1.like.dq.acme')], null, T0);
    const listed = await q.listCommands({ targetLike: 'pc\\_1.%', limit: 10 });
    assert.deepEqual(
      listed.map((c) => c.id),
      [commands[0]?.id],
    );
    assert.equal(
      (await q.listCommands({ targetLike: 'pc_1.%', limit: 10 })).length,
      2,
      'unescaped: a wildcard',
    );
  });
}
