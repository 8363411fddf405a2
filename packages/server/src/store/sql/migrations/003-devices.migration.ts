import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/** Mobile devices: enrollment tokens, devices, group settings, locations, nonces, wake-ups. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  await db.schema
    .createTable('device_enrollment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('group_id', 'text', (c) => c.notNull().references('machine_groups.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('expires_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('guid', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('machine_groups.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('os_version', 'text')
    .addColumn('battery_percent', 'integer')
    .addColumn('push_channel', 'text')
    .addColumn('checkin_interval_minutes', 'integer')
    .addColumn('tracking', 'integer')
    .addColumn('enrolled_at', time, (c) => c.notNull())
    .addColumn('last_checkin_at', time)
    .execute();
  await db.schema.createIndex('devices_group_idx').on('devices').column('group_id').execute();
  await db.schema
    .createTable('device_group_settings')
    .addColumn('group_id', 'text', (c) => c.primaryKey().references('machine_groups.id'))
    .addColumn('checkin_interval_minutes', 'integer')
    .addColumn('tracking', 'integer')
    .execute();
  await db.schema
    .createTable('device_locations')
    .addColumn('id', serial, (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('accuracy_meters', 'double precision')
    .addColumn('received_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('device_locations_device_at_idx')
    .on('device_locations')
    .columns(['device_id', 'at'])
    .execute();
  await db.schema
    .createIndex('device_locations_received_idx')
    .on('device_locations')
    .column('received_at')
    .execute();
  await db.schema
    .createTable('device_nonces')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('device_nonces_pk', ['device_id', 'nonce'])
    .execute();
  await db.schema.createIndex('device_nonces_expiry_idx').on('device_nonces').column('expires_at').execute();
  await db.schema
    .createTable('device_wakes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_at', time, (c) => c.notNull())
    .addColumn('sent_at', time)
    .addColumn('checkin_at', time)
    .execute();
  await db.schema
    .createIndex('device_wakes_device_idx')
    .on('device_wakes')
    .columns(['device_id', 'requested_at'])
    .execute();
}
