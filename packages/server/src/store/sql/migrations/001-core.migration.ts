import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/** Creates the core tables: tenancy, enrollment, machines, policies, notifications, identity. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('machine_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('parent_id', 'text', (c) => c.references('machine_groups.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('install_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('group_id', 'text', (c) => c.notNull().references('machine_groups.id'))
    .addColumn('machine_name', 'text')
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', time)
    .addColumn('temporary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('machines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('guid', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('machine_groups.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text')
    .addColumn('key_fingerprint', 'text', (c) => c.unique())
    .addColumn('hardware_id', 'text')
    .addColumn('host_name', 'text')
    .addColumn('temporary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('remote_control_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('checkin_control', 'text', (c) => c.notNull())
    .addColumn('settings_revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('applied_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('first_checkin_at', time)
    .addColumn('last_seen_at', time)
    .addColumn('connected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('remote_address', 'text')
    .addColumn('logged_on_user', 'text')
    .addColumn('user_idle_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('local_addresses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('agent_version', 'text')
    .addColumn('audit', 'text')
    .addColumn('audited_at', time)
    .execute();
  await db.schema.createIndex('machines_group_idx').on('machines').column('group_id').execute();
  await db.schema
    .createIndex('machines_temporary_idx')
    .on('machines')
    .columns(['temporary', 'connected', 'last_seen_at'])
    .execute();
  await db.schema
    .createTable('checkin_policies')
    .addColumn('group_id', 'text', (c) => c.primaryKey().references('machine_groups.id'))
    .addColumn('min_seconds', 'integer', (c) => c.notNull())
    .addColumn('max_seconds', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('notifications')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('notification_types')
    .addColumn('type', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('admin_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('server_identity')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('public_key_der', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await sql`select 1`.execute(db);
}
