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

  const token = (id: string) => ({ id, tokenHash: `hash-${id}`, name: id, createdAt: 1 });
  const open = async () => {
    file = createTestSqliteFile();
    const lost: string[] = [];
    store = await openSqlStore({ sqliteFile: file.file, onFileLost: (message) => lost.push(message) });
    await store.adminTokens.addAdminToken(token('before'));
    return { store, lost, path: file.file };
  };
  const isStoreUnavailable = (pattern: RegExp) => (error: unknown) =>
    error instanceof MusterError && error.code === ErrorCode.storeUnavailable && pattern.test(error.message);

  it('refuses every write once the file is deleted, keeps answering reads, and tells once', async () => {
    const { store, lost, path } = await open();
    rmSync(path);
    await assert.rejects(store.adminTokens.addAdminToken(token('after')), isStoreUnavailable(/was deleted/));
    await assert.rejects(store.adminTokens.addAdminToken(token('again')), isStoreUnavailable(/was deleted/));
    assert.equal(await store.adminTokens.countAdminTokens(), 1);
    assert.equal(await store.adminTokens.adminTokenExists('hash-after'), false);
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
    await assert.rejects(store.adminTokens.addAdminToken(token('after')), isStoreUnavailable(/was replaced/));
    assert.equal(lost.length, 1);
  });

  it('writes as before while the file is in place', async () => {
    const { store, lost } = await open();
    await store.adminTokens.addAdminToken(token('second'));
    assert.equal(await store.adminTokens.countAdminTokens(), 2);
    assert.deepEqual(lost, []);
  });
});
