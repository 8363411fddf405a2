import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The connection (check-in) history of machines (issue 10, page 4): one row per agent
 * connection, inserted when it begins and updated once when it ends, in the coalescer's
 * batches; a check-in writes nothing here. Rows go with their machine (on delete cascade).
 *
 * Indexes: (machine_id, connected_at, id) serves the machine page newest first and the trim to
 * the newest N per machine; the partial index on node_id finds the few rows a killed node left
 * open, when it starts again, without reading the rest.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('checkin_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('machine_id', 'text', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('connected_at', time, (c) => c.notNull())
    .addColumn('remote_address', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('disconnected_at', time)
    .addColumn('end_reason', 'text')
    .addColumn('checkins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_checkin_at', time)
    .execute();
  await sql`create index checkin_history_machine_idx on checkin_history (machine_id, connected_at, id)`.execute(
    db,
  );
  await sql`create index checkin_history_open_idx on checkin_history (node_id) where end_reason is null`.execute(
    db,
  );
}
