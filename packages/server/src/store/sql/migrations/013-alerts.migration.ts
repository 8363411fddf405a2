import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Alerts (issue 11): rules per machine group, the alerts they raise, maintenance windows and
 * the outbox of alert mail and webhooks. Messages are rows, written with the alert's change in
 * one transaction, so a restart or a second node sends what the first could not.
 *
 * The evaluator finds timed conditions through the machine-list indexes of migration 012
 * (seen_key for offline, status_key for never checked in) and adds no column or index to
 * machines: a check-in writes nothing more than before.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer')
    .addColumn('emails', 'text', (c) => c.notNull())
    .addColumn('webhook', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('rule_name', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('open_key', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('fired_at', time, (c) => c.notNull())
    .addColumn('resolved_at', time)
    .execute();
  // Fires once: one open alert per rule, machine and detail (NULLs, the resolved, never clash).
  await sql`create unique index alerts_open_idx on alerts (open_key)`.execute(db);
  await sql`create index alerts_fired_idx on alerts (fired_at, id)`.execute(db);
  await sql`create index alerts_rule_idx on alerts (rule_id, machine_id)`.execute(db);
  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('machine_id', 'text')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('starts_at', time, (c) => c.notNull())
    .addColumn('ends_at', time, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await sql`create index maintenance_windows_end_idx on maintenance_windows (ends_at)`.execute(db);
  await db.schema
    .createTable('alert_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', time, (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('sent_at', time)
    .execute();
  await sql`create index alert_messages_due_idx on alert_messages (status, next_attempt_at)`.execute(db);
  await sql`create index alert_messages_alert_idx on alert_messages (alert_id)`.execute(db);
}
