import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Times durable SQLite commits in a directory, set up as the server sets up its store (WAL,
 * synchronous=FULL): the server writes several such commits per agent connection, one after
 * another on its event loop, so their latency bounds enrollment and reconnection rates.
 * Returns milliseconds per single-row autocommit UPDATE.
 */
export function sqliteCommitLatencyMs(parentDir: string, commits = 200): number {
  const dir = mkdtempSync(join(parentDir, 'commit-probe-'));
  const db = new Database(join(dir, 'probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table t (id integer primary key, v integer not null)');
    const insert = db.prepare('insert into t (id, v) values (?, 0)');
    db.transaction(() => {
      for (let i = 0; i < commits; i++) insert.run(i);
    })();
    const update = db.prepare('update t set v = v + 1 where id = ?');
    const started = performance.now();
    for (let i = 0; i < commits; i++) update.run(i);
    return (performance.now() - started) / commits;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
