import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Remote terminals (issue 14): one row per terminal session with its audit facts (who, which
 * machine, through which nodes, start, end and why, bytes each way), its asciicast recording in
 * numbered chunks, and the directory of server nodes through which a node finds the one that
 * holds an agent and relays to it.
 *
 * A session row keeps its machine's group, as files and commands do, so the scope condition
 * is evaluated in the query and a session outlives the machine it was opened on (a recording
 * of a machine since deleted is still evidence). Recordings live in the database, not on a
 * node's disk, so any node can replay what another recorded.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('terminal_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('agent_node_id', 'text')
    .addColumn('started_at', time, (c) => c.notNull())
    // The size the terminal opened with (asciicast calls them width and height; "rows" is a keyword).
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('record_input', 'integer', (c) => c.notNull())
    .addColumn('ended_at', time)
    .addColumn('end_reason', 'text')
    .addColumn('ended_by', 'text')
    .addColumn('bytes_in', time, (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_out', time, (c) => c.notNull().defaultTo(0))
    // The next chunk's number and the recording's size: an append checks the one and adds to the other.
    .addColumn('recording_chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recording_bytes', time, (c) => c.notNull().defaultTo(0))
    .execute();
  // Newest first, whole list or one machine's, paged by (started_at, id).
  await sql`create index terminal_sessions_started_idx on terminal_sessions (started_at, id)`.execute(db);
  await sql`create index terminal_sessions_machine_idx on terminal_sessions (machine_id, started_at, id)`.execute(
    db,
  );
  // Live sessions are few: a partial index holds only them (the live list, a node's orphans).
  await sql`create index terminal_sessions_live_idx on terminal_sessions (started_at, id) where ended_at is null`.execute(
    db,
  );
  // The retention purge reads the oldest ended sessions; `ended_at < ?` implies not null.
  await sql`create index terminal_sessions_ended_idx on terminal_sessions (ended_at) where ended_at is not null`.execute(
    db,
  );
  await db.schema
    .createTable('terminal_recording_chunks')
    .addColumn('session_id', 'text', (c) =>
      c.notNull().references('terminal_sessions.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('terminal_recording_chunks_pk', ['session_id', 'seq'])
    .execute();
  await db.schema
    .createTable('server_nodes')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('relay_host', 'text', (c) => c.notNull())
    .addColumn('relay_port', 'integer', (c) => c.notNull())
    .addColumn('announced_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time, (c) => c.notNull())
    .execute();
}
