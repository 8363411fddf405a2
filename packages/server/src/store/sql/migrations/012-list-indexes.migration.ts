import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * What the console's lists sort, search and page by, on the server (issue 10): every sorted
 * page is a range of one index, so page 2,000 of 100,000 machines costs what page 1 does.
 *
 * Each order of the machine list has a sort key column that is never null (so both databases
 * order alike: SQLite puts NULL first, PostgreSQL last) and changes only when what it shows
 * does, not at every check-in:
 * - `status_key`: the check-in status (domain/machine-status.ts, MACHINE_STATUSES order) as the
 *   stored state gives it. It leaves out the time rule that turns a stale "connected" flag
 *   offline (the flag of an agent whose server node died): a key that depended on the time
 *   could not be indexed. 600 is USER_IDLE_THRESHOLD_SECONDS; changing it needs a migration.
 * - `seen_key`: the last check-in of a machine that is not connected (0 before the first);
 *   a connected machine, which checks in every period, sorts as "now" (the largest key).
 * - `user_key`: the logged-on user in lower case while connected ('' otherwise: the view shows
 *   no user then); `version_key`: the agent version ('' before the first check-in).
 * - `os`: "platform release" of the latest audit ('' before it), written with the audit.
 *
 * The keys are kept as each database keeps a derived value cheaply, measured on 100,000
 * check-ins (which write last_seen_at, the user, idleness and the version of every machine):
 * - SQLite rewrites every index whose columns (or generated columns over them) an UPDATE
 *   names, changed or not; indexes over the check-in columns made check-ins 2 to 3 times as
 *   dear. So the keys are plain columns that triggers keep: a check-in names none of them, and
 *   the trigger writes them (and their indexes) only when one changes.
 * - PostgreSQL skips index work for an update that changes no indexed value and finds room on
 *   its page (HOT), so the keys are stored generated columns, and the table keeps 30% of each
 *   page free (fillfactor 70; the added columns rewrite it so) for those updates.
 * The temporary-machine index held every machine with its last check-in, so it changed at
 * every check-in; it becomes partial (temporary machines only) and leaves the time out.
 *
 * `applied_checkin_control` holds the check-in control settings the agent last confirmed, so
 * the API can say which settings are still pending.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table machines set (fillfactor = 70)`.execute(db);
    // One statement, so the table is rewritten once.
    await sql
      .raw(`alter table machines
      add column status_key integer generated always as (${statusOf('')}) stored,
      add column seen_key bigint generated always as (${seenOf('')}) stored,
      add column user_key text generated always as (${userOf('')}) stored,
      add column version_key text generated always as (${versionOf('')}) stored`)
      .execute(db);
  } else {
    await sqliteKeys(db);
  }
  await db.schema
    .alterTable('machines')
    .addColumn('os', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const os =
    dialect === 'postgres'
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
  await db.schema.dropIndex('devices_group_idx').execute();
  const indexes: Array<[string, string, string]> = [
    ['machines_group_idx', 'machines', 'group_id, id'],
    ['machines_seen_idx', 'machines', 'seen_key, id'],
    ['machines_status_idx', 'machines', 'status_key, id'],
    ['machines_user_idx', 'machines', 'user_key, id'],
    ['machines_agent_version_idx', 'machines', 'version_key, id'],
    ['machines_os_idx', 'machines', 'os, id'],
    // Commands: created is seq (the primary key); the others end in seq for the keyset.
    ['commands_status_seq_idx', 'commands', 'status, seq'],
    ['commands_type_seq_idx', 'commands', 'type, seq'],
    ['commands_target_seq_idx', 'commands', 'target_id, seq'],
    // Devices check in every few minutes, not every few seconds: their last check-in is
    // indexed as it is, through coalesce (the queries use the very same expression).
    ['devices_group_idx', 'devices', 'group_id, id'],
    ['devices_platform_idx', 'devices', 'platform, id'],
    ['devices_seen_idx', 'devices', '(coalesce(last_checkin_at, 0)), id'],
    ['devices_enrolled_idx', 'devices', 'enrolled_at, id'],
  ];
  if (dialect === 'sqlite') {
    // A search reads only these columns (see machine-listing.sql.ts), so SQLite counts and
    // finds matches in this narrow index instead of reading every row with its audit. A
    // PostgreSQL table updated at every check-in would rarely answer from an index alone.
    indexes.push(['machines_search_idx', 'machines', 'user_key, group_id, status_key, id']);
  }
  for (const [name, table, columns] of indexes) {
    await sql.raw(`create index ${name} on ${table} (${columns})`).execute(db);
  }
}

// The keys of one row, over its columns (prefix '') or a trigger's new row (prefix 'new.').
const statusOf = (p: string) => `case
    when ${p}suspended = 1 then 0
    when ${p}first_checkin_at is null then 1
    when ${p}connected <> 1 or ${p}last_seen_at is null then 2
    when ${p}audited_at is null then 3
    when ${p}remote_control_enabled = 0 then 4
    when coalesce(${p}logged_on_user, '') <> '' and ${p}user_idle_seconds >= 600 then 5
    when coalesce(${p}logged_on_user, '') <> '' then 6
    else 7
  end`;
const seenOf = (p: string) =>
  `case when ${p}connected = 1 then ${Number.MAX_SAFE_INTEGER} else coalesce(${p}last_seen_at, 0) end`;
const userOf = (p: string) =>
  `case when ${p}connected = 1 then coalesce(lower(${p}logged_on_user), '') else '' end`;
const versionOf = (p: string) => `coalesce(${p}agent_version, '')`;

/** The columns the keys are made of: an update naming one of them may change a key. */
const KEY_INPUTS =
  'suspended, first_checkin_at, connected, last_seen_at, audited_at, remote_control_enabled, logged_on_user, user_idle_seconds, agent_version';

/**
 * SQLite: the keys as plain columns, filled now and kept by two triggers. The update trigger
 * runs for each check-in (it names the key inputs) but writes only when a key changes, so a
 * check-in writes no index of these; recursive triggers are off, and the trigger's own update
 * names no key input anyway.
 */
async function sqliteKeys(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'status_key integer not null default 1',
    'seen_key integer not null default 0',
    "user_key text not null default ''",
    "version_key text not null default ''",
  ]) {
    await sql.raw(`alter table machines add column ${column}`).execute(db);
  }
  const set = (p: string) =>
    `status_key = ${statusOf(p)}, seen_key = ${seenOf(p)}, user_key = ${userOf(p)}, version_key = ${versionOf(p)}`;
  await sql.raw(`update machines set ${set('')}`).execute(db);
  await sql
    .raw(`create trigger machines_list_keys_insert after insert on machines
      begin update machines set ${set('new.')} where rowid = new.rowid; end`)
    .execute(db);
  const changed = `(${statusOf('new.')}) is not new.status_key or (${seenOf('new.')}) is not new.seen_key
      or (${userOf('new.')}) is not new.user_key or (${versionOf('new.')}) is not new.version_key`;
  await sql
    .raw(`create trigger machines_list_keys_update after update of ${KEY_INPUTS} on machines
      when ${changed}
      begin update machines set ${set('new.')} where rowid = new.rowid; end`)
    .execute(db);
}
