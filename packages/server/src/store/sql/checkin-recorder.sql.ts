import { type Kysely, sql } from 'kysely';
import type { CheckinRecorder } from '../interfaces';
import type { CheckinUpdate, ConnectionUpdate } from '../machine-record';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { valuesParam } from './values-param.sql';

/** Rows per statement: 7 parameters each stays far below SQLite's and PostgreSQL's limits. */
const CHUNK = 2000;

/**
 * Writes a batch of check-ins, or of session starts and ends, in one transaction: one
 * UPDATE ... FROM VALUES per chunk of up to 2,000 machines, on both databases. For SQLite that
 * is about half the cost of a prepared UPDATE per machine; for PostgreSQL one round trip
 * instead of thousands.
 *
 * On PostgreSQL every batch locks its machines' rows in the order of their ids first. Several
 * nodes write batches over the same machines at once (an agent moving from one node to another
 * is in both nodes' batches), and an UPDATE locks rows in whatever order its plan meets them:
 * two such batches could each hold a row the other waits for, and PostgreSQL then aborted one
 * (bench:scale's SIGTERM storm at 100,000 agents: about 75 deadlocks in a minute). In one order
 * no batch waits for a row while holding a later one. SQLite has one writer at a time.
 */
export function sqlCheckinRecorder(db: Kysely<Database>, dialect: Dialect): CheckinRecorder {
  const typed = dialect === 'postgres';
  return {
    async recordConnections(batch) {
      if (batch.length === 0) return;
      const ordered = typed ? byMachineId(batch) : batch;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < ordered.length; i += CHUNK) {
          const chunk = ordered.slice(i, i + CHUNK);
          if (typed) await lockInOrder(trx, chunk);
          await connectionsChunk(trx, chunk, typed);
        }
      });
    },
    async releaseConnections(recordedBy) {
      const result = await db
        .updateTable('machines')
        .set({ connected: 0, connected_by: null, connected_attempt_at: null })
        .where('connected_by', '=', recordedBy)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async recordCheckins(batch) {
      if (batch.length === 0) return;
      const ordered = typed ? byMachineId(batch) : batch;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < ordered.length; i += CHUNK) {
          const chunk = ordered.slice(i, i + CHUNK);
          if (typed) await lockInOrder(trx, chunk);
          await checkinsChunk(trx, chunk, typed);
        }
      });
    },
  };
}

/** The batch sorted by machine id, the order every batch locks its rows in. */
function byMachineId<T extends { machineId: string }>(batch: readonly T[]): T[] {
  return [...batch].sort((a, b) => (a.machineId < b.machineId ? -1 : a.machineId > b.machineId ? 1 : 0));
}

/**
 * Locks a chunk's machine rows one after the other in id order (PostgreSQL locks the rows of a
 * SELECT ... ORDER BY ... FOR NO KEY UPDATE as they leave the sort), before the UPDATE that then
 * holds them all. The lock is the UPDATE's own (FOR NO KEY UPDATE): FOR UPDATE would also wait
 * for the key-share locks that inserting connection history rows takes on their machines, and
 * those inserts come in no particular order (measured: they deadlocked with it instead).
 */
async function lockInOrder(db: Kysely<Database>, chunk: readonly { machineId: string }[]): Promise<void> {
  await db
    .selectFrom('machines')
    .select('id')
    .where(
      'id',
      'in',
      chunk.map((c) => c.machineId),
    )
    // Byte order, as the batch was sorted: then the chunks of a batch follow each other too.
    .orderBy(sql`id collate "C"`)
    .forNoKeyUpdate()
    .execute();
}

async function checkinsChunk(
  db: Kysely<Database>,
  chunk: readonly CheckinUpdate[],
  typed: boolean,
): Promise<void> {
  const rows = chunk.map(
    (c) =>
      sql`(${c.machineId}, ${valuesParam(c.seenAt, 'bigint', typed)}, ${valuesParam(c.loggedOnUser, 'text', typed)}, ${valuesParam(c.userIdleSeconds, 'int', typed)}, ${JSON.stringify(c.localAddresses)}, ${c.agentVersion})`,
  );
  await sql`
    with v(id, seen_at, logged_on_user, idle, addresses, version) as (values ${sql.join(rows)})
    update machines set
      last_seen_at = v.seen_at,
      logged_on_user = v.logged_on_user,
      user_idle_seconds = v.idle,
      local_addresses = v.addresses,
      agent_version = v.version
    from v
    where machines.id = v.id`.execute(db);
}

async function connectionsChunk(
  db: Kysely<Database>,
  chunk: readonly ConnectionUpdate[],
  typed: boolean,
): Promise<void> {
  const rows = chunk.map(
    (c) =>
      sql`(${c.machineId}, ${valuesParam(c.connected ? 1 : 0, 'int', typed)}, ${valuesParam(c.connected ? c.at : (c.connectedAt ?? null), 'bigint', typed)}, ${valuesParam(c.connected ? (c.attemptAt ?? c.at) : null, 'bigint', typed)}, ${valuesParam(c.remoteAddress ?? null, 'text', typed)}, ${valuesParam(c.hardwareId ?? null, 'text', typed)}, ${valuesParam(c.recordedBy, 'text', typed)})`,
  );
  // started_at: when the session began, if that falls in this batch (a start, or an end that
  // carries its start); such a start counts as a check-in even when the session has ended.
  // attempt_at: a start's place among the agent's sessions (ConnectionUpdate.attemptAt).
  // A start takes the connected flag for the node writing it unless another node holds it for a
  // session the agent began later (connected_attempt_at): a node slow to write (a storm), or
  // one that welcomed an attempt the agent had already given up on, must not take the flag from
  // the node the agent is on, whose session is the newer one. Sessions are ordered by the
  // agent's attempts, not by the nodes' clocks or check-ins: a node's welcome can come after the
  // agent went elsewhere, and an agent going back to its primary checks in on its secondary
  // until the primary has welcomed it. An end clears the flag only while its node holds it (or
  // none does). Either way an agent that moved to another node meanwhile stays connected there,
  // whichever node writes last. (An agent that sends no stamp is ordered by the nodes' times of
  // its welcomes: their clocks must then agree to well under the second it takes to move.)
  const takes = sql`(v.connected = 1 and (machines.connected_by is null
    or machines.connected_by = v.recorded_by
    or machines.connected_attempt_at is null
    or v.attempt_at >= machines.connected_attempt_at))`;
  const stale = sql`(v.connected = 1 and not ${takes})`;
  const clears = sql`(v.connected = 0 and (machines.connected_by is null or machines.connected_by = v.recorded_by))`;
  // Last seen only moves forward: a start taking the flag may be older than a check-in the
  // agent's previous node wrote.
  const later = sql`(v.started_at is not null and (machines.last_seen_at is null or v.started_at > machines.last_seen_at))`;
  await sql`
    with v(id, connected, started_at, attempt_at, remote, hardware, recorded_by) as (values ${sql.join(rows)})
    update machines set
      connected = case
        when ${takes} then 1
        when ${clears} then 0
        else machines.connected end,
      connected_by = case
        when ${takes} then v.recorded_by
        when ${clears} then null
        else machines.connected_by end,
      connected_attempt_at = case
        when ${takes} then v.attempt_at
        when ${clears} then null
        else machines.connected_attempt_at end,
      last_seen_at = case when ${later} and not ${stale} then v.started_at else machines.last_seen_at end,
      first_checkin_at = case when v.started_at is not null then coalesce(machines.first_checkin_at, v.started_at) else machines.first_checkin_at end,
      remote_address = case when ${stale} then machines.remote_address else coalesce(v.remote, machines.remote_address) end,
      hardware_id = coalesce(v.hardware, machines.hardware_id)
    from v
    where machines.id = v.id`.execute(db);
}
