import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Offsite replication roles: offsite servers (an agent that receives) and local servers (an
 * agent that sends its Local Server directory to one offsite server), with the status their
 * agents last reported.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('offsite_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('machine_id', 'text', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('directory', 'text', (c) => c.notNull())
    .addColumn('synthetic_full', 'integer', (c) => c.notNull())
    .addColumn('status', 'text') // JSON: what the agent last reported
    .addColumn('reported_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  // One port per machine: two offsite servers cannot listen on the same one.
  await db.schema
    .createIndex('offsite_servers_machine_port_idx')
    .on('offsite_servers')
    .columns(['machine_id', 'port'])
    .unique()
    .execute();
  await db.schema
    .createTable('local_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('machine_id', 'text', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('directory', 'text', (c) => c.notNull())
    .addColumn('offsite_server_id', 'text', (c) => c.notNull().references('offsite_servers.id'))
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('bandwidth_kbps', 'integer', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('reported_at', time)
    .addColumn('inactive_since', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('local_servers_offsite_idx')
    .on('local_servers')
    .column('offsite_server_id')
    .execute();
}
