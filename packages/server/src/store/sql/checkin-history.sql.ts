import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type {
  ConnectionEnd,
  ConnectionHistoryEntry,
  ConnectionHistoryStore,
  ConnectionStart,
} from '../checkin-history-record';
import type { CheckinHistoryTable } from './checkin-history.schema';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { valuesParam } from './values-param.sql';

/** Rows per statement: 9 parameters each stays far below SQLite's and PostgreSQL's limits. */
const CHUNK = 1000;

/**
 * The connection history, written in the coalescer's batches with one SQL for both databases
 * (as checkin-recorder.sql.ts): per chunk one INSERT ... SELECT FROM VALUES for the starts, one
 * UPDATE ... FROM VALUES for the ends and one DELETE for the entries past the newest N of the
 * machines that began a connection.
 */
export function sqlConnectionHistoryStore(db: Kysely<Database>, dialect: Dialect): ConnectionHistoryStore {
  const typed = dialect === 'postgres';
  return {
    async record(batch, keepPerMachine) {
      if (batch.starts.length === 0 && batch.ends.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < batch.starts.length; i += CHUNK)
          await startsChunk(trx, batch.starts.slice(i, i + CHUNK), typed);
        for (let i = 0; i < batch.ends.length; i += CHUNK)
          await endsChunk(trx, batch.ends.slice(i, i + CHUNK), typed);
        const machines = [...new Set(batch.starts.map((s) => s.machineId))];
        for (let i = 0; i < machines.length; i += CHUNK)
          await trimChunk(trx, machines.slice(i, i + CHUNK), keepPerMachine);
      });
    },
    async closeLeftOpen(nodeId, at) {
      const result = await db
        .updateTable('checkin_history')
        .set({ end_reason: 'node-lost', disconnected_at: at })
        .where('node_id', '=', nodeId)
        .where('end_reason', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async listForMachine(machineId, page) {
      let query = db.selectFrom('checkin_history').selectAll().where('machine_id', '=', machineId);
      const after = page.after;
      if (after) {
        const key = Number(after.key);
        query = query.where((eb) =>
          eb.or([
            eb('connected_at', '<', key),
            eb.and([eb('connected_at', '=', key), eb('id', '<', String(after.id))]),
          ]),
        );
      }
      const [rows, count] = await Promise.all([
        query
          .orderBy('connected_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.limit + 1)
          .execute(),
        db
          .selectFrom('checkin_history')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('machine_id', '=', machineId)
          .executeTakeFirstOrThrow(),
      ]);
      const entries = rows.slice(0, page.limit).map(entryOf);
      const last = entries.at(-1);
      return {
        entries,
        next: rows.length > page.limit && last ? { key: last.connectedAt, id: last.id } : null,
        total: Number(count.n),
      };
    },
  };
}

function entryOf(row: Selectable<CheckinHistoryTable>): ConnectionHistoryEntry {
  const open = row.end_reason === null;
  return {
    id: row.id,
    machineId: row.machine_id,
    connectedAt: Number(row.connected_at),
    remoteAddress: row.remote_address,
    nodeId: row.node_id,
    disconnectedAt: row.disconnected_at === null ? null : Number(row.disconnected_at),
    reason: row.end_reason,
    checkins: open ? null : Number(row.checkins),
    lastCheckinAt: row.last_checkin_at === null ? null : Number(row.last_checkin_at),
  };
}

async function startsChunk(
  db: Kysely<Database>,
  chunk: readonly (ConnectionStart & { end?: ConnectionEnd | undefined })[],
  typed: boolean,
): Promise<void> {
  const rows = chunk.map(
    (s) =>
      sql`(${valuesParam(s.id, 'text', typed)}, ${valuesParam(s.machineId, 'text', typed)}, ${valuesParam(s.connectedAt, 'bigint', typed)}, ${valuesParam(s.remoteAddress, 'text', typed)}, ${valuesParam(s.nodeId, 'text', typed)}, ${valuesParam(s.end?.disconnectedAt ?? null, 'bigint', typed)}, ${valuesParam(s.end?.reason ?? null, 'text', typed)}, ${valuesParam(s.end?.checkins ?? 0, 'int', typed)}, ${valuesParam(s.end?.lastCheckinAt ?? null, 'bigint', typed)})`,
  );
  // Joined to machines: a machine deleted since its agent connected has no history to keep
  // (and its row would break the foreign key, failing the whole batch). "where true" lets
  // SQLite tell the upsert clause from a join constraint. A start written twice (a batch
  // retried after an error) stays one row.
  await sql`
    with v(id, machine_id, connected_at, remote_address, node_id, disconnected_at, end_reason, checkins, last_checkin_at)
      as (values ${sql.join(rows)})
    insert into checkin_history
      (id, machine_id, connected_at, remote_address, node_id, disconnected_at, end_reason, checkins, last_checkin_at)
    select v.id, v.machine_id, v.connected_at, v.remote_address, v.node_id, v.disconnected_at, v.end_reason, v.checkins, v.last_checkin_at
    from v join machines on machines.id = v.machine_id
    where true
    on conflict (id) do nothing`.execute(db);
}

async function endsChunk(
  db: Kysely<Database>,
  chunk: readonly ConnectionEnd[],
  typed: boolean,
): Promise<void> {
  const rows = chunk.map(
    (e) =>
      sql`(${valuesParam(e.id, 'text', typed)}, ${valuesParam(e.disconnectedAt, 'bigint', typed)}, ${valuesParam(e.reason, 'text', typed)}, ${valuesParam(e.checkins, 'int', typed)}, ${valuesParam(e.lastCheckinAt, 'bigint', typed)})`,
  );
  // Only an open entry takes an end: a late or repeated end never rewrites one already closed
  // (by its node's restart, say).
  await sql`
    with v(id, disconnected_at, end_reason, checkins, last_checkin_at) as (values ${sql.join(rows)})
    update checkin_history set
      disconnected_at = v.disconnected_at,
      end_reason = v.end_reason,
      checkins = v.checkins,
      last_checkin_at = v.last_checkin_at
    from v
    where checkin_history.id = v.id and checkin_history.end_reason is null`.execute(db);
}

async function trimChunk(db: Kysely<Database>, machineIds: readonly string[], keep: number): Promise<void> {
  await trimHistoryStatement(machineIds, keep).execute(db);
}

/**
 * The DELETE of the entries past the newest `keep` of the given machines (exported for the plan
 * test). Ranked newest first per machine through the (machine_id, connected_at, id) index; only
 * the machines that began a connection in the batch can have grown past `keep`. The outer
 * DELETE names the machines too: given only `id in (...)`, PostgreSQL hash-joined the ranked
 * ids against a sequential scan of the whole history, on every batch of every node (half a
 * million rows at 100,000 agents, while they reconnect after a restart).
 */
export function trimHistoryStatement(machineIds: readonly string[], keep: number): RawBuilder<unknown> {
  const machines = sql.join(machineIds);
  return sql`
    delete from checkin_history where machine_id in (${machines}) and id in (
      select id from (
        select id, row_number() over (partition by machine_id order by connected_at desc, id desc) as n
        from checkin_history where machine_id in (${machines})
      ) ranked where n > ${keep})`;
}
