import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * What the console's lists sort, search and page by, on the server (issue 10): every sorted
 * page is a range of one index, so page 2,000 of 100,000 machines costs what page 1 does.
 *
 * Each order of the machine list has a sort key that is never null (so both databases order
 * alike: SQLite puts NULL first, PostgreSQL last) and changes only when what it shows does, not
 * at every check-in, so check-ins do not move entries around these indexes:
 * - `status_key`: the check-in status (domain/machine-status.ts, MACHINE_STATUSES order) as the
 *   stored state gives it. It leaves out the time rule that turns a stale "connected" flag
 *   offline (the flag of an agent whose server node died): a key that depended on the time
 *   could not be indexed. 600 is USER_IDLE_THRESHOLD_SECONDS; changing it needs a migration.
 * - `seen_key`: the last check-in of a machine that is not connected (0 before the first);
 *   a connected machine, which checks in every period, sorts as "now" (the largest key), so its
 *   key stays put while it is connected instead of changing at every check-in.
 * - `user_key`: the logged-on user in lower case while connected ('' otherwise: the view shows
 *   no user then); `version_key`: the agent version ('' before the first check-in).
 * - `os`: "platform release" of the latest audit ('' before it), written with the audit (a
 *   generated column would parse the audit JSON at every check-in on PostgreSQL).
 * Generated columns are virtual in SQLite (their index holds the value) and stored in
 * PostgreSQL (which has no other kind before 18): there, a check-in that changes none of them
 * changes no indexed column, and is a HOT update again.
 *
 * `applied_checkin_control` holds the check-in control settings the agent last confirmed, so
 * the API can say which settings are still pending.
 *
 * The temporary-machine index held every machine with its last check-in, so it changed at
 * every check-in; it becomes partial (temporary machines only) and leaves the time out.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const generated = (name: string, type: string, expression: string) =>
    sql`alter table machines add column ${sql.raw(name)} ${sql.raw(type)} generated always as (${sql.raw(expression)}) ${sql.raw(pg ? 'stored' : 'virtual')}`.execute(
      db,
    );
  await generated(
    'status_key',
    'integer',
    `case
      when suspended = 1 then 0
      when first_checkin_at is null then 1
      when connected <> 1 or last_seen_at is null then 2
      when audited_at is null then 3
      when remote_control_enabled = 0 then 4
      when coalesce(logged_on_user, '') <> '' and user_idle_seconds >= 600 then 5
      when coalesce(logged_on_user, '') <> '' then 6
      else 7
    end`,
  );
  await generated(
    'seen_key',
    pg ? 'bigint' : 'integer',
    `case when connected = 1 then ${Number.MAX_SAFE_INTEGER} else coalesce(last_seen_at, 0) end`,
  );
  await generated(
    'user_key',
    'text',
    "case when connected = 1 then coalesce(lower(logged_on_user), '') else '' end",
  );
  await generated('version_key', 'text', "coalesce(agent_version, '')");
  await db.schema
    .alterTable('machines')
    .addColumn('os', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
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
  await sql`create index machines_temporary_idx on machines (connected) where temporary = 1`.execute(db);
  const machineIndexes: Array<[string, string]> = [
    ['machines_group_idx', 'group_id, id'],
    ['machines_seen_idx', 'seen_key, id'],
    ['machines_status_idx', 'status_key, id'],
    ['machines_user_idx', 'user_key, id'],
    ['machines_agent_version_idx', 'version_key, id'],
    ['machines_os_idx', 'os, id'],
  ];
  if (!pg) {
    // The search reads only these columns (see machine-listing.sql.ts), so SQLite counts and
    // finds matches in this narrow index instead of reading every row with its audit. A
    // PostgreSQL table updated at every check-in would rarely answer from an index alone.
    machineIndexes.push(['machines_search_idx', 'logged_on_user, connected, group_id, id']);
  }
  // Commands: created is seq (the primary key); the others end in seq for the keyset.
  const commandIndexes: Array<[string, string]> = [
    ['commands_status_seq_idx', 'status, seq'],
    ['commands_type_seq_idx', 'type, seq'],
    ['commands_target_seq_idx', 'target_id, seq'],
  ];
  // Devices check in every few minutes, not every few seconds: their last check-in is indexed
  // as it is, through coalesce (the queries use the very same expression).
  await db.schema.dropIndex('devices_group_idx').execute();
  const deviceIndexes: Array<[string, string]> = [
    ['devices_group_idx', 'group_id, id'],
    ['devices_platform_idx', 'platform, id'],
    ['devices_seen_idx', '(coalesce(last_checkin_at, 0)), id'],
    ['devices_enrolled_idx', 'enrolled_at, id'],
  ];
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
