import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { ResultBatcher } from './result-batcher';

const outcome = { status: 'complete' as const, exitCode: 0, output: null, error: null };

describe('ResultBatcher', () => {
  it('when the transaction fails, every result of it fails, and the next turn starts afresh', async () => {
    const file = createTestSqliteFile();
    const store = await openSqlStore({ sqliteFile: file.file });
    let broken = true;
    // A store whose connection is gone for one transaction (the database restarting, say).
    const batcher = new ResultBatcher(
      {
        finishMany: (requests, now) =>
          broken ? Promise.reject(new Error('connection lost')) : store.commands.finishMany(requests, now),
      },
      () => 1_900_000_000_000,
    );
    try {
      const failed = await Promise.allSettled(
        ['x', 'y', 'z'].map((id) => batcher.finish({ id, kind: 'machine', targetId: 'm', outcome })),
      );
      assert.deepEqual(
        failed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'stored')),
        ['connection lost', 'connection lost', 'connection lost'],
      );
      broken = false;
      assert.equal(await batcher.finish({ id: 'x', kind: 'machine', targetId: 'm', outcome }), 'not-found');
    } finally {
      await store.close();
      file.cleanup();
    }
  });
});
