import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { compileScope } from '../../access/scope';
import { verifyAuditChain } from '../../audit/audit-verify';
import type { NewAuditEntry } from '../audit-record';
import type { StoreBackend } from '../interfaces';
import { openDatabase } from '../sql/open-database';
import { openSqlStore } from '../sql/sql-store';
import { T0 } from './conformance-fixtures';
import type { OpenedStore, StoreRef } from './store-conformance';

/** Test fixture: an entry by `user` on the given machines (their groups are the scope keys). */
function entry(user: string, action: string, machines: string[], at = T0): NewAuditEntry {
  return {
    at,
    userId: `id-${user}`,
    userName: user,
    credentialKind: 'token',
    credentialId: `tok-${user}`,
    address: '192.0.2.7',
    action,
    targets: machines.length > 0 ? { machines } : {},
    details: { note: `by ${user}` },
    status: 200,
    result: 'ok',
    scopeKeys: machines.map((m) => ({ groupId: m.slice(m.indexOf('.') + 1), machineId: m })),
  };
}

/** Conformance tests of the audit log's appender and reader (one chain, scoped pages). */
export function auditLogTests(store: StoreRef): void {
  it('links each appended entry to the one before, from the genesis hash, and the chain verifies', async () => {
    const s = store();
    const empty = await verifyAuditChain(s.audit);
    assert.deepEqual(empty, { ok: true, checked: 0, headSeq: 0, headHash: '0'.repeat(64) });
    const a = await s.audit.appendAudit(entry('alice', 'enqueueCommand', ['pc1.web.acme']));
    const b = await s.audit.appendAudit(entry('bob', 'updateCheckinControl', []));
    assert.equal(a.seq, 1);
    assert.equal(a.prevHash, '0'.repeat(64));
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.equal(b.seq, 2);
    assert.equal(b.prevHash, a.hash);
    assert.deepEqual(await s.audit.auditHead(), { seq: 2, hash: b.hash });
    assert.deepEqual(await s.audit.auditChain(0, 10), [a, b]);
    assert.equal(JSON.parse(a.targetsJson).machines[0], 'pc1.web.acme');
    assert.deepEqual(await verifyAuditChain(s.audit), { ok: true, checked: 2, headSeq: 2, headHash: b.hash });
  });

  it('lists newest first with filters by user, action, machine and time, in pages', async () => {
    const s = store();
    const base = (await s.audit.auditHead()).seq;
    await s.audit.appendAudit(entry('carol', 'cancelCommand', ['pc9.db.acme'], T0 + 100));
    await s.audit.appendAudit(entry('dave', 'cancelCommand', ['pc9.db.acme', 'pc8.db.acme'], T0 + 200));
    await s.audit.appendAudit(entry('carol', 'deleteMachine', ['pc8.db.acme'], T0 + 300));
    const all = { all: true } as const;
    const seqs = async (q: Partial<Parameters<StoreBackend['audit']['listAudit']>[0]>) =>
      (await s.audit.listAudit({ scope: all, limit: 100, ...q })).map((e) => e.seq);
    assert.deepEqual(await seqs({ userName: 'carol' }), [base + 3, base + 1]);
    assert.deepEqual(await seqs({ action: 'cancelCommand' }), [base + 2, base + 1]);
    assert.deepEqual(await seqs({ machineId: 'pc8.db.acme' }), [base + 3, base + 2]);
    assert.deepEqual(await seqs({ from: T0 + 200, to: T0 + 300 }), [base + 2]);
    const first = await seqs({ limit: 2 });
    assert.deepEqual(first, [base + 3, base + 2]);
    assert.deepEqual(
      await seqs({ limit: 2, beforeSeq: base + 2 }),
      [base + 1, base].filter((n) => n > 0),
    );
  });

  it("lists only entries whose every target lies in the caller's scope, decided in the query", async () => {
    const s = store();
    const own = await s.audit.appendAudit(entry('erin', 'suspendMachine', ['a1.eu.web.globex']));
    const mixed = await s.audit.appendAudit(entry('erin', 'bulk', ['a2.eu.web.globex', 'b1.initech']));
    const none = await s.audit.appendAudit(entry('erin', 'putNotificationSettings', []));
    const excluded = await s.audit.appendAudit(entry('erin', 'suspendMachine', ['a3.us.web.globex']));
    const globex = compileScope([
      { kind: 'organization', id: 'globex', include: true },
      { kind: 'group', id: 'us.web.globex', include: false },
    ]);
    const seen = (await s.audit.listAudit({ scope: { all: false, scopes: [globex] }, limit: 100 })).map(
      (e) => e.seq,
    );
    assert.deepEqual(seen, [own.seq]);
    const everything = (await s.audit.listAudit({ scope: { all: true }, limit: 100 })).map((e) => e.seq);
    for (const e of [own, mixed, none, excluded]) assert.ok(everything.includes(e.seq), `seq ${e.seq}`);
    // A page of one for the scoped caller skips what it may not see instead of coming back short.
    const page = await s.audit.listAudit({
      scope: { all: false, scopes: [globex] },
      limit: 1,
      beforeSeq: excluded.seq + 1,
    });
    assert.deepEqual(
      page.map((e) => e.seq),
      [own.seq],
    );
  });
}

/**
 * Tests that need the database itself: a second store instance on it, and SQL run behind the
 * store's back (an attacker editing the table).
 */
export function auditTamperTests(opened: () => OpenedStore): void {
  it('keeps one valid chain when two store instances append at once', async () => {
    const first = opened().store;
    const location = opened().location;
    if (!location) assert.fail('this backend does not say where its database is');
    // PostgreSQL: a second store instance, as a second server node has. SQLite has one server
    // per data directory, and a second instance in this process would wait for a lock this
    // process holds while blocking the event loop, so there the appends race on one instance.
    const second = first.dialect === 'postgres' ? await openSqlStore(location) : first;
    try {
      const before = (await first.audit.auditHead()).seq;
      const each = 25;
      const appended = await Promise.all([
        ...Array.from({ length: each }, (_, i) => first.audit.appendAudit(entry('n1', `a${i}`, []))),
        ...Array.from({ length: each }, (_, i) => second.audit.appendAudit(entry('n2', `b${i}`, []))),
      ]);
      const seqs = appended.map((e) => e.seq).sort((x, y) => x - y);
      assert.deepEqual(
        seqs,
        Array.from({ length: 2 * each }, (_, i) => before + i + 1),
      );
      const result = await verifyAuditChain(second.audit);
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.headSeq, before + 2 * each);
    } finally {
      if (second !== first) await second.close();
    }
  });

  it('finds an entry edited in the database and names it', async () => {
    const s = opened().store;
    const start = (await s.audit.auditHead()).seq;
    for (let i = 0; i < 5; i += 1) await s.audit.appendAudit(entry('frank', `edit${i}`, ['pc1.web.acme']));
    assert.equal((await verifyAuditChain(s.audit)).ok, true);
    await rawSql(opened, `update audit_log set user_name = 'mallory' where seq = ${start + 3}`);
    const result = await verifyAuditChain(s.audit);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.broken.kind, 'edited');
    assert.equal(result.broken.seq, start + 3);
    assert.equal(result.checked, start + 2);
    assert.match(result.broken.message, new RegExp(`entry ${start + 3} was edited`));
  });
}

/** A fresh log per test group: tampering leaves a broken chain behind. */
export function auditDeletedTests(opened: () => OpenedStore): void {
  it('finds a deleted last entry, then a deleted entry in the middle (a gap), and names the first', async () => {
    const s = opened().store;
    for (let i = 0; i < 6; i += 1) await s.audit.appendAudit(entry('gina', `del${i}`, []));
    assert.equal((await verifyAuditChain(s.audit)).ok, true);
    await rawSql(opened, 'delete from audit_log where seq = 6');
    let result = await verifyAuditChain(s.audit);
    assert.deepEqual(result.ok ? null : [result.broken.kind, result.broken.seq], ['deleted', 6]);
    await rawSql(opened, 'delete from audit_log where seq = 3');
    result = await verifyAuditChain(s.audit);
    assert.deepEqual(result.ok ? null : [result.broken.kind, result.broken.seq], ['deleted', 3]);
    assert.match(result.ok ? '' : result.broken.message, /entry 3 is missing/);
  });
}

/** A fresh log: an entry written behind the chain's back, past its head. */
export function auditInsertedTests(opened: () => OpenedStore): void {
  it('finds an entry that was not appended through the chain', async () => {
    const s = opened().store;
    for (let i = 0; i < 3; i += 1) await s.audit.appendAudit(entry('hank', `ins${i}`, []));
    const head = await s.audit.auditHead();
    await rawSql(
      opened,
      `insert into audit_log (seq, at, action, targets, result, prev_hash, hash) values (${head.seq + 1}, 1, 'forged', '{}', 'ok', '${head.hash}', 'x')`,
    );
    const result = await verifyAuditChain(s.audit);
    assert.deepEqual(result.ok ? null : [result.broken.kind, result.broken.seq], ['inserted', head.seq + 1]);
  });
}

/** Runs SQL on the store's database behind the store's back, as someone editing the table would. */
async function rawSql(opened: () => OpenedStore, text: string): Promise<void> {
  const location = opened().location;
  if (!location) assert.fail('this backend does not say where its database is');
  const { db, close } = openDatabase(location);
  try {
    await sql.raw(text).execute(db);
  } finally {
    await close();
  }
}
