import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/** The hash of "no previous entry": what the first entry of the chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The audit log: append-only, hash-chained entries; the targets each entry names, indexed for
 * scoping and the machine filter; the chain head (one row) that every append updates in its
 * own transaction, so appends from several server nodes queue on that row and each links to
 * the one before. Commands record who queued them.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const seq = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('audit_log')
    // Given by the head, not by the database: a gap in seq is a deleted entry.
    .addColumn('seq', seq, (c) => c.primaryKey())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('user_name', 'text')
    .addColumn('credential_kind', 'text')
    .addColumn('credential_id', 'text')
    .addColumn('address', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('status', 'integer')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_user_idx').on('audit_log').columns(['user_name', 'seq']).execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'seq']).execute();
  await db.schema
    .createTable('audit_targets')
    .addColumn('seq', seq, (c) => c.notNull())
    // '' for a target that may reach every group (a filter such as "*").
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .execute();
  await db.schema.createIndex('audit_targets_seq_idx').on('audit_targets').column('seq').execute();
  await db.schema
    .createIndex('audit_targets_machine_idx')
    .on('audit_targets')
    .columns(['machine_id', 'seq'])
    .execute();
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', seq, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
  await db.schema.alterTable('commands').addColumn('created_by', 'text').execute();
}
