import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { keyFingerprint } from '@muster/protocol';
import SQLite from 'better-sqlite3';
import { BackupError } from './backup-error';
import { checkSqliteStore, snapshotSqliteStore } from './sqlite-snapshot';

/**
 * Another process writing the store as a server does (WAL mode, synchronous FULL), each
 * transaction adding an entry to a ledger and its amount to a running total, plus a blob that
 * keeps pages changing. A copy is consistent when the ledger's sum equals the total.
 */
const WRITER = `
const SQLite = require('better-sqlite3');
const db = new SQLite(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const add = db.transaction((n) => {
  db.prepare('INSERT INTO ledger (amount, filler) VALUES (?, randomblob(3000))').run(n);
  db.prepare('UPDATE total SET value = value + ?').run(n);
});
let n = 0;
process.stdout.write('writing\\n');
for (;;) add((n++ % 97) + 1);
`;

function ledgerOf(file: string): { entries: number; sum: number; total: number } {
  const db = new SQLite(file, { readonly: true });
  try {
    const { entries, sum } = db
      .prepare('SELECT count(*) AS entries, coalesce(sum(amount), 0) AS sum FROM ledger')
      .get() as {
      entries: number;
      sum: number;
    };
    const { value } = db.prepare('SELECT value FROM total').get() as { value: number };
    return { entries, sum, total: value };
  } finally {
    db.close();
  }
}

describe('SQLite online backup of a store being written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-snapshot-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const store = join(dir, 'muster.db');
  const publicKeyDer = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  {
    const db = new SQLite(store);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE server_identity (id INTEGER PRIMARY KEY, public_key_der TEXT NOT NULL);
             CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, filler BLOB);
             CREATE TABLE total (value INTEGER NOT NULL);
             INSERT INTO total VALUES (0);`);
    db.prepare('INSERT INTO server_identity VALUES (1, ?)').run(publicKeyDer.toString('base64'));
    // About 30 MB to copy, so that the writer commits many times while a copy is made.
    db.prepare(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO ledger (amount, filler) SELECT 0, randomblob(3000) FROM n',
    ).run();
    db.close();
  }

  it('copies a consistent snapshot, with its Server ID, while another process keeps committing', async () => {
    const writer = spawn(process.execPath, ['-e', WRITER, store], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      let previous = 0;
      for (let i = 0; i < 4; i++) {
        const before = ledgerOf(store).entries;
        const copy = join(dir, `copy-${i}.db`);
        const { serverId } = await snapshotSqliteStore(store, copy);
        const after = ledgerOf(store).entries;
        assert.equal(serverId, keyFingerprint(publicKeyDer));
        const snapshot = ledgerOf(copy);
        assert.equal(snapshot.sum, snapshot.total, `copy ${i}: every transaction whole or absent`);
        assert.ok(
          snapshot.entries >= before && snapshot.entries <= after,
          `copy ${i} is a state the store passed`,
        );
        assert.ok(after > before, `copy ${i}: the writer kept committing while it was made`);
        assert.ok(snapshot.entries > previous, 'each copy is newer than the one before');
        previous = snapshot.entries;
        // Self-contained: a rollback journal, no WAL to carry along.
        const db = new SQLite(copy, { readonly: true });
        assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
        db.close();
      }
    } finally {
      writer.kill('SIGKILL');
      await new Promise((resolve) => writer.once('exit', resolve));
    }
  });

  it('refuses a missing store, a file that is not SQLite, a damaged one and one without identity', async () => {
    await assert.rejects(snapshotSqliteStore(join(dir, 'none.db'), join(dir, 'x.db')), BackupError);
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a database at all, but long enough to look like a header '.repeat(100));
    assert.throws(() => checkSqliteStore(garbage), /is not a SQLite store, or is damaged/);

    const damaged = join(dir, 'damaged.db');
    copyFileSync(join(dir, 'copy-0.db'), damaged);
    assert.doesNotThrow(() => checkSqliteStore(damaged));
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 4, 0xa5), 0, 4096 * 4, 4096 * 3); // pages 4 to 7 overwritten
    closeSync(fd);
    assert.throws(() => checkSqliteStore(damaged), /is (not a SQLite store, or is )?damaged/);

    const empty = join(dir, 'empty.db');
    const db = new SQLite(empty);
    db.exec('CREATE TABLE server_identity (id INTEGER PRIMARY KEY, public_key_der TEXT)');
    db.close();
    assert.throws(() => checkSqliteStore(empty), /holds no server identity/);
  });
});
