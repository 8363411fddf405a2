import { type Expression, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import { ErrorCode, invalidInput, MusterError, notFound } from '../../domain/errors';
import {
  MAX_RECORDING_CHUNK_BYTES,
  type TerminalSessionRecord,
  type TerminalSessionStore,
} from '../terminal-record';
import type { Dialect } from './dialect';
import { type ListOrder, orderClause, pastPosition } from './keyset.sql';
import type { Database } from './schema';
import { inScope } from './scope.sql';
import type { TerminalSessionsTable } from './terminal.schema';

/** Why a recording chunk was refused, from its session as it is (none: not found). */
function appendRefusal(
  id: string,
  seq: number,
  row: { recording_chunks: number; ended_at: number | null } | undefined,
): MusterError {
  if (!row) return notFound(`no terminal session ${id}`);
  if (row.ended_at !== null)
    return new MusterError(
      ErrorCode.invalidState,
      `terminal session ${id} has ended: its recording is final (chunk ${seq} refused)`,
    );
  const expected = Number(row.recording_chunks);
  const what = seq < expected ? 'was stored already' : 'would leave a gap';
  return new MusterError(
    ErrorCode.conflict,
    `recording chunk ${seq} of terminal session ${id} ${what}: the next chunk is ${expected}`,
    { expected, got: seq },
  );
}

/** Newest first, as terminal_sessions_started_idx (and the machine and live indexes) hold them. */
const NEWEST_FIRST: ListOrder = { key: 'started_at', tiebreak: 'id' };

/** Chunks read per query while a recording is streamed: at most a few MiB in memory. */
const CHUNKS_PER_READ = 16;

/** Sessions whose chunks one purge statement deletes: the `in (...)` list stays short. */
const PURGE_BATCH = 100;

const fromRow = (row: Selectable<TerminalSessionsTable>): TerminalSessionRecord => ({
  id: row.id,
  machineId: row.machine_id,
  groupId: row.group_id,
  userId: row.user_id,
  username: row.username,
  nodeId: row.node_id,
  agentNodeId: row.agent_node_id,
  startedAt: Number(row.started_at),
  cols: Number(row.width),
  rows: Number(row.height),
  recordInput: Number(row.record_input) === 1,
  endedAt: row.ended_at === null ? null : Number(row.ended_at),
  endReason: row.end_reason,
  endedBy: row.ended_by,
  bytesIn: Number(row.bytes_in),
  bytesOut: Number(row.bytes_out),
  recordingChunks: Number(row.recording_chunks),
  recordingBytes: Number(row.recording_bytes),
});

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Terminal sessions on SQLite or PostgreSQL: one row each, the recording in numbered chunk rows. */
export function sqlTerminalSessionStore(db: Kysely<Database>, dialect: Dialect): TerminalSessionStore {
  return {
    async create(session) {
      const row = {
        id: session.id,
        machine_id: session.machineId,
        group_id: session.groupId,
        user_id: session.userId,
        username: session.username,
        node_id: session.nodeId,
        agent_node_id: session.agentNodeId,
        started_at: session.startedAt,
        width: session.cols,
        height: session.rows,
        record_input: session.recordInput ? 1 : 0,
        ended_at: null,
        end_reason: null,
        ended_by: null,
        bytes_in: 0,
        bytes_out: 0,
        recording_chunks: 0,
        recording_bytes: 0,
      };
      const result = await db
        .insertInto('terminal_sessions')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1)
        throw new MusterError(ErrorCode.conflict, `terminal session ${session.id} exists already`);
      return fromRow(row);
    },

    async appendRecording(id, seq, data, counts) {
      if (!isCount(seq)) throw invalidInput(`recording chunk number ${seq} is not a whole number from 0`);
      if (data.length === 0) throw invalidInput(`recording chunk ${seq} of terminal session ${id} is empty`);
      if (data.length > MAX_RECORDING_CHUNK_BYTES)
        throw invalidInput(
          `recording chunk ${seq} of terminal session ${id} is over 1 MiB (${data.length} bytes)`,
        );
      if (counts && !(isCount(counts.bytesIn) && isCount(counts.bytesOut)))
        throw invalidInput('byte counts are whole numbers from 0');
      if (dialect === 'postgres') {
        // One statement, so one round trip and its commit: while a terminal prints fast, the
        // recording stores a chunk per commit and its pace is the terminal's (a transaction of
        // a locked read, two writes and a commit was five). The update's row lock makes two
        // appends of one session take turns; the chunk is inserted only if the update matched.
        const stored = await sql`
          with advanced as (
            update terminal_sessions
            set recording_chunks = recording_chunks + 1,
                recording_bytes = recording_bytes + ${data.length}::bigint,
                bytes_in = coalesce(${counts?.bytesIn ?? null}::bigint, bytes_in),
                bytes_out = coalesce(${counts?.bytesOut ?? null}::bigint, bytes_out)
            where id = ${id} and ended_at is null and recording_chunks = ${seq}::integer
            returning id)
          insert into terminal_recording_chunks (session_id, seq, data)
          select id, ${seq}::integer, ${data}::bytea from advanced`.execute(db);
        if (Number(stored.numAffectedRows ?? 0) === 1) return;
        const row = await db
          .selectFrom('terminal_sessions')
          .select(['recording_chunks', 'ended_at'])
          .where('id', '=', id)
          .executeTakeFirst();
        throw appendRefusal(id, seq, row);
      }
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('terminal_sessions')
          .select(['recording_chunks', 'recording_bytes', 'ended_at'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row || row.ended_at !== null || Number(row.recording_chunks) !== seq)
          throw appendRefusal(id, seq, row);
        await trx.insertInto('terminal_recording_chunks').values({ session_id: id, seq, data }).execute();
        await trx
          .updateTable('terminal_sessions')
          .set({
            recording_chunks: seq + 1,
            recording_bytes: Number(row.recording_bytes) + data.length,
            ...(counts ? { bytes_in: counts.bytesIn, bytes_out: counts.bytesOut } : {}),
          })
          .where('id', '=', id)
          .execute();
      });
    },

    async *readRecording(id) {
      let next = 0;
      for (;;) {
        const rows = await db
          .selectFrom('terminal_recording_chunks')
          .select(['seq', 'data'])
          .where('session_id', '=', id)
          .where('seq', '>=', next)
          .orderBy('seq')
          .limit(CHUNKS_PER_READ)
          .execute();
        for (const row of rows) {
          yield Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
          next = Number(row.seq) + 1;
        }
        if (rows.length < CHUNKS_PER_READ) return;
      }
    },

    async finish(id, end) {
      if (!(isCount(end.bytesIn) && isCount(end.bytesOut)))
        throw invalidInput('byte counts are whole numbers from 0');
      const result = await db
        .updateTable('terminal_sessions')
        .set({
          ended_at: end.endedAt,
          end_reason: end.endReason,
          ended_by: end.endedBy,
          bytes_in: end.bytesIn,
          bytes_out: end.bytesOut,
        })
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async get(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('terminal_sessions')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', 'machine_id'))
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async list(query) {
      const conditions: Expression<SqlBool>[] = [inScope(query.scope, 'group_id', 'machine_id')];
      if (query.machineId !== undefined) conditions.push(sql<SqlBool>`machine_id = ${query.machineId}`);
      if (query.live === true) conditions.push(sql<SqlBool>`ended_at is null`);
      if (query.live === false) conditions.push(sql<SqlBool>`ended_at is not null`);
      if (query.after) conditions.push(pastPosition(NEWEST_FIRST, 'desc', query.after));
      // One more than asked: whether a next page exists, without counting the whole list.
      const rows = await db
        .selectFrom('terminal_sessions')
        .selectAll()
        .where(sql<SqlBool>`(${sql.join(conditions, sql` and `)})`)
        .orderBy(orderClause(NEWEST_FIRST, 'desc'))
        .limit(query.limit + 1)
        .execute();
      const sessions = rows.slice(0, query.limit).map(fromRow);
      const last = sessions.at(-1);
      return {
        sessions,
        next: rows.length > query.limit && last ? { key: last.startedAt, id: last.id } : null,
      };
    },

    async endOrphans(nodeId, now, reason) {
      // One statement: of nodes sweeping at once, the one whose update ends a row returns it.
      const ended = await db
        .updateTable('terminal_sessions')
        .set({ ended_at: now, end_reason: reason, ended_by: null })
        .where('node_id', '=', nodeId)
        .where('ended_at', 'is', null)
        .returningAll()
        .execute();
      return ended.map(fromRow);
    },

    async purgeEndedBefore(time, limit) {
      const ids = (
        await db
          .selectFrom('terminal_sessions')
          .select('id')
          .where('ended_at', '<', time)
          .orderBy('ended_at')
          .limit(limit)
          .execute()
      ).map((r) => r.id);
      let deleted = 0;
      for (let i = 0; i < ids.length; i += PURGE_BATCH) {
        const batch = ids.slice(i, i + PURGE_BATCH);
        deleted += await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('terminal_recording_chunks').where('session_id', 'in', batch).execute();
          // Ended is final, so a session picked above is still ended; another node purging at
          // the same time deletes the same rows and counts only those it deleted.
          const result = await trx
            .deleteFrom('terminal_sessions')
            .where('id', 'in', batch)
            .where('ended_at', 'is not', null)
            .executeTakeFirst();
          return Number(result.numDeletedRows);
        });
      }
      return deleted;
    },
  };
}
