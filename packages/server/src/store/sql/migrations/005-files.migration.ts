import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The file store of put-file and get-file: one row per file and its content in chunks. The
 * content lives in the database, not on a node's disk, so any server node can serve a transfer
 * and an agent that reconnects to another node resumes where it stopped.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received', time, (c) => c.notNull())
    .addColumn('size', time)
    .addColumn('sha256', 'text')
    .addColumn('machine_id', 'text')
    // A get-file command owns at most one upload: its retries resume it.
    .addColumn('command_id', 'text', (c) => c.unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('completed_at', time)
    .execute();
  await db.schema
    .createTable('file_chunks')
    .addColumn('file_id', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('offset', time, (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('file_chunks_pk', ['file_id', 'offset'])
    .execute();
}
