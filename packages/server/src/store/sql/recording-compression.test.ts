import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestPostgresDatabase } from '../../test-support/postgres';
import { migrateToLatest } from './migrate';
import { openDatabase } from './open-database';

// Migration 018 on the machine's PostgreSQL (which is built with LZ4, as packaged PostgreSQL 14+ is).
describe('recording chunks compression (PostgreSQL)', () => {
  it('stores new recording chunks with LZ4, and reads them back as written', async () => {
    const database = await createTestPostgresDatabase();
    const { db, dialect, close } = openDatabase({ postgresUrl: database.url });
    try {
      await migrateToLatest(db, dialect);
      const column = await sql<{ method: string }>`
        select attcompression as method from pg_attribute
        where attrelid = 'terminal_recording_chunks'::regclass and attname = 'data'`.execute(db);
      assert.equal(column.rows[0]?.method, 'l', 'the column compresses with lz4');
      const text = Buffer.from('[0.5, "o", "total 48\\r\\ndrwxr-xr-x  2 root root 4096 ."]\n'.repeat(20_000));
      await db
        .insertInto('terminal_sessions')
        .values({
          id: 's1',
          machine_id: 'pc1.acme',
          group_id: 'acme',
          user_id: 'u1',
          username: 'olivia',
          node_id: 'n1',
          agent_node_id: 'n1',
          started_at: 1,
          width: 80,
          height: 24,
          record_input: 1,
          ended_at: null,
          end_reason: null,
          ended_by: null,
          bytes_in: 0,
          bytes_out: 0,
          recording_chunks: 1,
          recording_bytes: text.length,
        })
        .execute();
      await db
        .insertInto('terminal_recording_chunks')
        .values({ session_id: 's1', seq: 0, data: text })
        .execute();
      const stored = await sql<{ method: string; size: number; data: Buffer }>`
        select pg_column_compression(data) as method, pg_column_size(data) as size, data
        from terminal_recording_chunks where session_id = 's1'`.execute(db);
      assert.equal(stored.rows[0]?.method, 'lz4');
      assert.ok((stored.rows[0]?.size ?? Number.POSITIVE_INFINITY) < text.length / 10, 'compressed');
      assert.deepEqual(stored.rows[0]?.data, text);
    } finally {
      await close();
      await database.drop();
    }
  });
});
