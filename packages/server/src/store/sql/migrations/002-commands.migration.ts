import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/** The durable command queue: commands, their transitions, idempotency keys. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('commands')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_expires_at', time)
    .addColumn('expires_at', time)
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('finished_at', time)
    .addColumn('exit_code', 'integer')
    .addColumn('output', 'text')
    .addColumn('error', 'text')
    .execute();
  // Dispatch: the next pending commands of one endpoint, priority first, then FIFO.
  await db.schema
    .createIndex('commands_dispatch_idx')
    .on('commands')
    .columns(['target_kind', 'target_id', 'status', 'priority', 'seq'])
    .execute();
  await db.schema
    .createIndex('commands_status_lease_idx')
    .on('commands')
    .columns(['status', 'lease_expires_at'])
    .execute();
  await db.schema
    .createIndex('commands_status_expiry_idx')
    .on('commands')
    .columns(['status', 'expires_at'])
    .execute();
  await db.schema.createIndex('commands_finished_idx').on('commands').columns(['finished_at']).execute();
  await db.schema.createIndex('commands_idempotency_idx').on('commands').column('idempotency_key').execute();
  await db.schema
    .createTable('command_transitions')
    .addColumn('command_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createIndex('command_transitions_command_idx')
    .on('command_transitions')
    .column('command_id')
    .execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
}
