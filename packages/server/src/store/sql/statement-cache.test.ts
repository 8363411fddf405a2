import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { StatementCache } from './statement-cache';

describe('StatementCache', () => {
  const database = () => {
    const sqlite = new SQLite(':memory:');
    sqlite.exec('create table t (a integer)');
    return sqlite;
  };

  it('prepares a statement once and hands the same one out again, whatever its parameters', () => {
    const sqlite = database();
    const cache = new StatementCache(sqlite);
    const insert = cache.prepare('insert into t (a) values (?)');
    insert.run(1);
    const again = cache.prepare('insert into t (a) values (?)');
    assert.equal(again, insert);
    again.run(2);
    assert.deepEqual(cache.prepare('select a from t order by a').all(), [{ a: 1 }, { a: 2 }]);
    assert.equal(cache.size, 2);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new StatementCache(database(), 2);
    const one = cache.prepare('select 1');
    const two = cache.prepare('select 2');
    assert.equal(cache.prepare('select 1'), one, 'used again: now the most recent');
    cache.prepare('select 3');
    assert.equal(cache.size, 2);
    assert.equal(cache.prepare('select 1'), one, 'kept');
    assert.notEqual(cache.prepare('select 2'), two, 'dropped, so prepared anew');
  });

  it('answers with the current schema after the table changed under a kept statement', () => {
    const sqlite = database();
    const cache = new StatementCache(sqlite);
    cache.prepare('insert into t (a) values (?)').run(1);
    const select = cache.prepare('select * from t');
    assert.deepEqual(select.all(), [{ a: 1 }]);
    sqlite.exec('alter table t add column b text');
    cache.prepare('insert into t (a) values (?)').run(2);
    assert.equal(cache.prepare('select * from t'), select, 'the kept statement');
    assert.deepEqual(select.all(), [
      { a: 1, b: null },
      { a: 2, b: null },
    ]);
  });

  it('refuses SQL that does not prepare, and keeps nothing of it', () => {
    const cache = new StatementCache(database());
    assert.throws(() => cache.prepare('select nope from t'), /no such column: nope/);
    assert.equal(cache.size, 0);
  });
});
