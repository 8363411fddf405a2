import assert from 'node:assert/strict';
import { renameSync, rmSync } from 'node:fs';

import { afterEach, describe, it } from 'node:test';
import { ErrorCode, MusterError } from '../../domain/errors';
import { createTestSqliteFile, type TestSqliteFile } from '../../test-support/sqlite';
import type { StoreBackend } from '../interfaces';
import { openSqlStore } from './sql-store';

// The guard is about the SQLite file the server owns; PostgreSQL keeps its store elsewhere.
describe('SQLite store whose file is deleted or replaced', () => {
  let file: TestSqliteFile | undefined;
  let store: StoreBackend | undefined;
  afterEach(async () => {
    await store?.close();
    file?.cleanup();
  });

  // Any write does; a user is a small one.
  const user = (name: string) => ({
    id: name,
    name,
    displayName: name,
    email: null,
    passwordHash: null,
    createdAt: 1,
  });
  const open = async () => {
    file = createTestSqliteFile();
    const lost: string[] = [];
    store = await openSqlStore({ sqliteFile: file.file, onFileLost: (message) => lost.push(message) });
    await store.users.createUser(user('before'));
    return { store, lost, path: file.file };
  };
  const isStoreUnavailable = (pattern: RegExp) => (error: unknown) =>
    error instanceof MusterError && error.code === ErrorCode.storeUnavailable && pattern.test(error.message);

  it('refuses every write once the file is deleted, keeps answering reads, and tells once', async () => {
    const { store, lost, path } = await open();
    rmSync(path);
    await assert.rejects(store.users.createUser(user('after')), isStoreUnavailable(/was deleted/));
    await assert.rejects(store.users.createUser(user('again')), isStoreUnavailable(/was deleted/));
    assert.notEqual(await store.users.findUserByName('before'), null);
    assert.equal(await store.users.findUserByName('after'), null);
    assert.equal(lost.length, 1);
    assert.ok(lost[0]?.includes(`${path} was deleted while the server was running`), lost[0]);
  });

  it('refuses writes once another file is put in its place', async () => {
    const { store, lost, path } = await open();
    const other = createTestSqliteFile();
    try {
      const replacement = await openSqlStore({ sqliteFile: other.file });
      await replacement.close();
      renameSync(other.file, path);
    } finally {
      other.cleanup();
    }
    await assert.rejects(store.users.createUser(user('after')), isStoreUnavailable(/was replaced/));
    assert.equal(lost.length, 1);
  });

  it('writes as before while the file is in place', async () => {
    const { store, lost } = await open();
    await store.users.createUser(user('second'));
    assert.notEqual(await store.users.findUserByName('second'), null);
    assert.deepEqual(lost, []);
  });
});
