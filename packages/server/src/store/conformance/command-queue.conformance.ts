import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { CommandRecord, NewCommand } from '../command-record';
import type { StoreRef } from './store-conformance';

const T0 = 1_900_000_000_000;
let counter = 0;

function cmd(targetId: string, fields: Partial<NewCommand> = {}): NewCommand {
  counter += 1;
  return {
    id: `c${counter}-${targetId}`.replace(/[^a-z0-9-]/gi, '-'),
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'q.acme',
    type: 'shell',
    params: { script: `echo ${counter}` },
    priority: 0,
    maxAttempts: 2,
    expiresAt: null,
    ...fields,
  };
}

/** The command queue's contract, run against every backend. */
export function commandQueueTests(store: StoreRef): void {
  before(async () => {
    await store().groups.ensureGroup('q.acme', T0);
  });

  it('enqueues in one transaction, each shown "pending" from its creation; an idempotency key returns the first batch', async () => {
    const q = store().commands;
    const first = await q.enqueue([cmd('a.q.acme'), cmd('b.q.acme')], 'key-1', T0);
    assert.equal(first.created, true);
    assert.deepEqual(
      first.commands.map((c) => c.status),
      ['pending', 'pending'],
    );
    const again = await q.enqueue([cmd('c.q.acme')], 'key-1', T0 + 1);
    assert.equal(again.created, false);
    assert.deepEqual(
      again.commands.map((c) => c.id),
      first.commands.map((c) => c.id),
    );
    assert.equal(
      (await q.listCommands({ targetId: 'c.q.acme', limit: 10 })).length,
      0,
      'nothing enqueued the second time',
    );
    assert.deepEqual(
      (await q.transitionsOf(first.commands[0]?.id as string)).map((t) => t.status),
      ['pending'],
    );
  });

  it('answers an enqueue with the very records the store holds, seq order following the input, for a batch larger than one statement', async () => {
    const q = store().commands;
    // 5,003 commands: more than one SQLite insert statement (5,000 rows); one parameters object
    // shared by all (as a fan-out's is), one with its own, and every optional field set somewhere.
    const shared = { script: 'echo shared', timeoutSeconds: 5 };
    const batch = Array.from({ length: 5003 }, (_, i) =>
      cmd(`big${i}.q.acme`, {
        params: i === 7 ? { script: 'echo own' } : shared,
        priority: i % 3,
        expiresAt: i % 2 ? T0 + 60_000 : null,
        createdBy: i === 0 ? null : 'alice',
      }),
    );
    const { created, commands } = await q.enqueue(batch, 'key-big', T0);
    assert.equal(created, true);
    assert.deepEqual(
      commands.map((c) => c.id),
      batch.map((c) => c.id),
    );
    const seqs = commands.map((c) => c.seq);
    assert.ok(
      seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] as number)),
      'seq grows with the input order',
    );
    // What a later read of the same ids returns (the idempotent replay reads the rows back).
    const replay = await q.enqueue([cmd('other.q.acme')], 'key-big', T0 + 5);
    assert.equal(replay.created, false);
    assert.deepEqual(replay.commands, commands);
    assert.deepEqual(
      (await q.transitionsOf(commands[5002]?.id as string)).map((t) => [t.status, t.at]),
      [['pending', T0]],
    );
  });

  it("stores a fan-out's commands, which share every field but their ids and targets, as answered", async () => {
    const q = store().commands;
    const params = { script: 'echo fan-out' };
    const batch = Array.from({ length: 30 }, (_, i) =>
      cmd(`spread${i}.q.acme`, { params, priority: 4, expiresAt: T0 + 90_000, createdBy: 'bob' }),
    );
    // One row's own values, with what JSON escapes, among the shared ones.
    const own = { script: 'printf "%s\\n" \'é 😀\' \u0001' };
    batch[3] = {
      ...(batch[3] as NewCommand),
      params: own,
      createdBy: 'Zoë "z" \\ 😀',
      priority: -2,
      expiresAt: null,
    };
    const { commands } = await q.enqueue(batch, 'key-fan-out', T0 + 7);
    const replay = await q.enqueue([cmd('other.q.acme')], 'key-fan-out', T0 + 8);
    assert.deepEqual(replay.commands, commands);
    assert.deepEqual(
      commands.map((c) => [
        c.id,
        c.targetId,
        c.groupId,
        c.orgId,
        c.params,
        c.priority,
        c.expiresAt,
        c.createdBy,
        c.createdAt,
      ]),
      batch.map((c, i) =>
        i === 3
          ? [c.id, c.targetId, 'q.acme', 'acme', own, -2, null, 'Zoë "z" \\ 😀', T0 + 7]
          : [c.id, c.targetId, 'q.acme', 'acme', params, 4, T0 + 90_000, 'bob', T0 + 7],
      ),
    );
  });

  it('claims by priority, then FIFO, counting attempts and taking a lease', async () => {
    const q = store().commands;
    const t = 'fifo.q.acme';
    const { commands } = await q.enqueue([cmd(t), cmd(t), cmd(t, { priority: 5 })], null, T0);
    const [c1, c2, urgent] = commands as [CommandRecord, CommandRecord, CommandRecord];
    const { claimed } = await q.claimNext('machine', t, T0 + 10, 1000, 2);
    assert.deepEqual(
      claimed.map((c) => c.id),
      [urgent.id, c1.id],
    );
    assert.ok(
      claimed.every((c) => c.status === 'processing' && c.attempts === 1 && c.leaseExpiresAt === T0 + 1010),
    );
    const rest = await q.claimNext('machine', t, T0 + 20, 1000, 5);
    assert.deepEqual(
      rest.claimed.map((c) => c.id),
      [c2.id],
    );
  });

  it('expires pending commands past their time to live instead of handing them out', async () => {
    const q = store().commands;
    const t = 'ttl.q.acme';
    const { commands } = await q.enqueue([cmd(t, { expiresAt: T0 + 5 })], null, T0);
    const { claimed, changes } = await q.claimNext('machine', t, T0 + 5, 1000, 5);
    assert.equal(claimed.length, 0);
    assert.deepEqual(
      changes.map((c) => c.status),
      ['expired'],
    );
    assert.equal((await q.getCommand(commands[0]?.id as string))?.status, 'expired');
    await q.enqueue([cmd('ttl2.q.acme', { expiresAt: T0 + 5 })], null, T0);
    assert.equal((await q.expireTtl(T0 + 6, 100)).length, 1);
  });

  it('finishes only a delivered command of the same endpoint, once', async () => {
    const q = store().commands;
    const { commands } = await q.enqueue([cmd('f.q.acme')], null, T0);
    const id = commands[0]?.id as string;
    const outcome = { status: 'complete' as const, exitCode: 0, output: 'ok', error: null };
    assert.equal(await q.finish(id, 'machine', 'f.q.acme', outcome, T0), 'not-processing');
    await q.claimNext('machine', 'f.q.acme', T0, 1000, 1);
    assert.equal(await q.finish(id, 'machine', 'other.q.acme', outcome, T0), 'wrong-endpoint');
    assert.equal(await q.finish(id, 'device', 'f.q.acme', outcome, T0), 'wrong-endpoint');
    assert.equal(await q.finish('nope', 'machine', 'f.q.acme', outcome, T0), 'not-found');
    const done = await q.finish(id, 'machine', 'f.q.acme', outcome, T0 + 3);
    assert.ok(typeof done !== 'string');
    assert.equal(done.status, 'complete');
    assert.equal(done.output, 'ok');
    assert.equal(done.finishedAt, T0 + 3);
    assert.deepEqual(
      (await q.transitionsOf(id)).map((t) => t.status),
      ['pending', 'processing', 'complete'],
    );
    assert.equal(await q.finish(id, 'machine', 'f.q.acme', outcome, T0 + 4), 'already-finished');
  });

  it('returns the processing commands of several lost endpoints at once, and only theirs', async () => {
    const q = store().commands;
    const targets = ['gone1.q.acme', 'gone2.q.acme', 'stays.q.acme'];
    await q.enqueue(
      targets.map((t) => cmd(t)),
      null,
      T0,
    );
    for (const t of targets) await q.claimNext('machine', t, T0, 1000, 1);
    const changes = await q.releaseEndpoints(
      'machine',
      ['gone1.q.acme', 'gone2.q.acme', 'never.q.acme'],
      T0 + 1,
    );
    assert.deepEqual(changes.map((c) => [c.targetId, c.status]).sort(), [
      ['gone1.q.acme', 'pending'],
      ['gone2.q.acme', 'pending'],
    ]);
    const kept = await q.claimNext('machine', 'stays.q.acme', T0 + 2, 1000, 1);
    assert.equal(kept.claimed.length, 0, 'the third endpoint still holds its command');
    assert.deepEqual(await q.releaseEndpoints('machine', [], T0 + 3), []);
  });

  it('returns commands of a lost endpoint or an expired lease to pending; out of attempts, they end unknown', async () => {
    const q = store().commands;
    const t = 'lease.q.acme';
    const { commands } = await q.enqueue([cmd(t)], null, T0);
    const id = commands[0]?.id as string;
    await q.claimNext('machine', t, T0, 100, 1);
    assert.deepEqual(
      (await q.releaseEndpoints('machine', [t], T0 + 1)).map((c) => c.status),
      ['pending'],
    );
    await q.claimNext('machine', t, T0 + 2, 100, 1);
    assert.equal((await q.expireLeases(T0 + 50, 100)).length, 0, 'lease still valid');
    const ended = await q.expireLeases(T0 + 200, 100);
    assert.deepEqual(
      ended.map((c) => c.status),
      ['unknown'],
      'second attempt of two, delivered and never answered: it may have run',
    );
    assert.match(
      (await q.getCommand(id))?.error ?? '',
      /no attempts left; it was delivered, so it may have run/,
    );
  });

  it('release gives a processing command back ("not now"); cancel only takes pending ones', async () => {
    const q = store().commands;
    const { commands } = await q.enqueue([cmd('r.q.acme'), cmd('r.q.acme')], null, T0);
    const [a, b] = commands as [CommandRecord, CommandRecord];
    await q.claimNext('machine', 'r.q.acme', T0, 1000, 1);
    const released = await q.release(a.id, 'machine', 'r.q.acme', T0 + 1, 'not now');
    assert.ok(typeof released !== 'string' && released.status === 'pending');
    const canceled = await q.cancel(b.id, T0 + 2);
    assert.equal(canceled.canceled, true);
    assert.equal(canceled.command?.status, 'canceled');
    assert.equal((await q.cancel(b.id, T0 + 3)).canceled, false);
    assert.equal((await q.cancel('missing', T0)).command, null);
  });

  it('hands each command to one claimer only, however many claim at once', async () => {
    const q = store().commands;
    const t = 'race.q.acme';
    await q.enqueue(
      Array.from({ length: 20 }, () => cmd(t)),
      null,
      T0,
    );
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => q.claimNext('machine', t, T0 + i, 1000, 5)),
    );
    const ids = claims.flatMap((c) => c.claimed.map((x) => x.id));
    assert.equal(new Set(ids).size, ids.length, 'no command handed out twice');
    assert.equal(ids.length, 20);
  });

  it('claims the next command of each of many endpoints in one batch, by priority then FIFO, and says who has more', async () => {
    const q = store().commands;
    const { commands } = await q.enqueue(
      [
        cmd('fan1.q.acme'),
        cmd('fan1.q.acme', { priority: 3 }),
        cmd('fan2.q.acme'),
        cmd('fan3.q.acme', { expiresAt: T0 }),
      ],
      null,
      T0,
    );
    const { claimed, morePending } = await q.claimFirstPerTarget(
      'machine',
      ['fan1.q.acme', 'fan2.q.acme', 'fan3.q.acme', 'none.q.acme'].map((targetId) => ({
        targetId,
        holder: null,
      })),
      T0 + 1,
      1000,
    );
    assert.deepEqual(morePending, ['fan1.q.acme'], 'fan1 has one left; fan2 had only one');
    assert.deepEqual(
      claimed.map((c) => c.id).sort(),
      [commands[1]?.id, commands[2]?.id].sort(),
      'the urgent one for fan1, the only one for fan2, none for the expired fan3',
    );
    assert.ok(
      claimed.every((c) => c.status === 'processing' && c.attempts === 1 && c.leaseExpiresAt === T0 + 1001),
    );
    assert.deepEqual(await q.claimFirstPerTarget('machine', [], T0, 1000), { claimed: [], morePending: [] });
    const again = await q.claimFirstPerTarget(
      'machine',
      [{ targetId: 'fan1.q.acme', holder: null }],
      T0 + 2,
      1000,
    );
    assert.deepEqual(
      again.claimed.map((c) => c.id),
      [commands[0]?.id],
    );
    assert.deepEqual(again.morePending, [], 'that was the last one');
  });

  it('fan-out claims running at once never hand out one command twice, and each writes its transition', async () => {
    const q = store().commands;
    const targets = Array.from({ length: 20 }, (_, i) => `race${i}.q.acme`);
    await q.enqueue(
      targets.flatMap((t) => [cmd(t), cmd(t)]),
      null,
      T0,
    );
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        q.claimFirstPerTarget(
          'machine',
          targets.map((targetId) => ({ targetId, holder: `race-${n}` })),
          T0 + 1,
          60_000,
        ),
      ),
    );
    const ids = claims.flatMap((c) => c.claimed.map((x) => x.id));
    assert.equal(new Set(ids).size, ids.length, 'no command handed out twice');
    // Each claim locks every pending row of the targets it can, and hands out one per target:
    // a second command another claim could not lock may wait for the next wake-up, but every
    // target got one.
    const served = new Set(claims.flatMap((c) => c.claimed.map((x) => x.targetId)));
    assert.deepEqual([...served].sort(), [...targets].sort());
    const one = claims.flatMap((c) => c.claimed)[0] as CommandRecord;
    assert.deepEqual(
      (await q.transitionsOf(one.id)).map((x) => x.status),
      ['pending', 'processing'],
    );
  });

  it('lists with filters newest first and deletes finished commands past retention in batches', async () => {
    const q = store().commands;
    const t = 'list.q.acme';
    const { commands } = await q.enqueue([cmd(t, { type: 'audit' }), cmd(t), cmd(t)], null, T0);
    const page = await q.listCommands({ targetId: t, limit: 2 });
    assert.deepEqual(
      page.map((c) => c.id),
      [commands[2]?.id, commands[1]?.id],
    );
    const next = await q.listCommands({ targetId: t, limit: 2, beforeSeq: page[1]?.seq as number });
    assert.deepEqual(
      next.map((c) => c.id),
      [commands[0]?.id],
    );
    assert.equal((await q.listCommands({ targetId: t, type: 'audit', limit: 10 })).length, 1);
    assert.equal(
      (await q.listCommands({ targetLike: '%.q.acme', status: 'canceled', limit: 100 })).length >= 1,
      true,
    );
    for (const c of commands) await q.cancel(c.id, T0 + 1);
    assert.equal(await q.deleteFinishedBefore(T0 + 2, 2), 2);
    assert.equal((await q.deleteFinishedBefore(T0 + 2, 1000)) >= 1, true);
    assert.equal(await q.getCommand(commands[0]?.id as string), null);
    assert.deepEqual(await q.transitionsOf(commands[0]?.id as string), []);
  });
}
