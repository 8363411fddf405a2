import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * What the console's lists sort, search and page by, on the server (issue 10): every sorted
 * page is a range of one index, so page 2,000 of 100,000 machines costs what page 1 does.
 *
 * Machines get three derived columns:
 * - `status_key`: the check-in status (domain/machine-status.ts, MACHINE_STATUSES order) as the
 *   stored state gives it. It leaves out the time rule that turns a stale "connected" flag
 *   offline (the flag of an agent whose server node died): a key that depended on the time
 *   could not be indexed. It changes only when the status does, not at every check-in.
 *   600 is USER_IDLE_THRESHOLD_SECONDS; a change of that constant needs a new migration.
 * - `user_key`: the logged-on user, lower case, while connected (the view shows none offline).
 * - `os`: "platform release" of the latest audit, written with the audit (a plain column: a
 *   generated one would parse the audit JSON at every check-in on PostgreSQL).
 * Generated columns are virtual in SQLite (their index holds the value) and stored in
 * PostgreSQL (which has no other kind before 18).
 *
 * `applied_checkin_control` holds the check-in control settings the agent last confirmed, so
 * the API can say which settings are still pending.
 *
 * Sort keys that may be null are indexed through coalesce, so both databases order "none"
 * first (SQLite puts NULL first, PostgreSQL last); the queries use the very same expressions.
 *
 * The temporary-machine index held every machine and changed at every check-in; it becomes
 * partial (temporary machines only), so the new last-check-in index costs check-ins nothing
 * more than before.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const generated = pg ? sql.raw('stored') : sql.raw('virtual');
  await sql`alter table machines add column status_key integer generated always as (
    case
      when suspended = 1 then 0
      when first_checkin_at is null then 1
      when connected <> 1 or last_seen_at is null then 2
      when audited_at is null then 3
      when remote_control_enabled = 0 then 4
      when coalesce(logged_on_user, '') <> '' and user_idle_seconds >= 600 then 5
      when coalesce(logged_on_user, '') <> '' then 6
      else 7
    end) ${generated}`.execute(db);
  await sql`alter table machines add column user_key text generated always as (
    case when connected = 1 then lower(logged_on_user) end) ${generated}`.execute(db);
  await db.schema.alterTable('machines').addColumn('os', 'text').execute();
  const os = pg
    ? sql`trim(coalesce(cast(audit as json) -> 'os' ->> 'platform', '') || ' ' || coalesce(cast(audit as json) -> 'os' ->> 'release', ''))`
    : sql`trim(coalesce(json_extract(audit, '$.os.platform'), '') || ' ' || coalesce(json_extract(audit, '$.os.release'), ''))`;
  await sql`update machines set os = ${os} where audit is not null`.execute(db);
  await db.schema.alterTable('machines').addColumn('applied_checkin_control', 'text').execute();
  // What was confirmed before this column existed is known only when nothing is pending.
  await sql`update machines set applied_checkin_control = checkin_control
    where applied_revision >= settings_revision`.execute(db);

  await db.schema.dropIndex('machines_group_idx').execute();
  await db.schema.dropIndex('machines_temporary_idx').execute();
  await sql`create index machines_temporary_idx on machines (connected, last_seen_at) where temporary = 1`.execute(
    db,
  );
  const machineIndexes: Array<[string, string]> = [
    ['machines_group_idx', 'group_id, id'],
    ['machines_seen_idx', '(coalesce(last_seen_at, 0)), id'],
    ['machines_status_idx', 'status_key, id'],
    ['machines_user_idx', "(coalesce(user_key, '')), id"],
    ['machines_agent_version_idx', "(coalesce(agent_version, '')), id"],
    ['machines_os_idx', "(coalesce(os, '')), id"],
  ];
  // Commands: created is seq (the primary key); the others end in seq for the keyset.
  const commandIndexes: Array<[string, string]> = [
    ['commands_status_seq_idx', 'status, seq'],
    ['commands_type_seq_idx', 'type, seq'],
    ['commands_target_seq_idx', 'target_id, seq'],
  ];
  await db.schema.dropIndex('devices_group_idx').execute();
  const deviceIndexes: Array<[string, string]> = [
    ['devices_group_idx', 'group_id, id'],
    ['devices_platform_idx', 'platform, id'],
    ['devices_seen_idx', '(coalesce(last_checkin_at, 0)), id'],
    ['devices_enrolled_idx', 'enrolled_at, id'],
  ];
  if (!pg) {
    // The search reads only these columns (see machine-listing.sql.ts), so SQLite counts and
    // finds matches in this narrow index instead of reading every row with its audit. A
    // PostgreSQL table updated at every check-in would rarely answer from an index alone.
    machineIndexes.push(['machines_search_idx', 'logged_on_user, connected, group_id, id']);
  }
  for (const [table, indexes] of [
    ['machines', machineIndexes],
    ['commands', commandIndexes],
    ['devices', deviceIndexes],
  ] as const) {
    for (const [name, columns] of indexes) {
      await sql`create index ${sql.raw(name)} on ${sql.raw(table)} (${sql.raw(columns)})`.execute(db);
    }
  }
}
