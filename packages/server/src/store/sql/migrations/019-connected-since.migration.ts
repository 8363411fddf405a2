import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * When the session holding a machine's `connected` flag began. A start from another node took
 * the flag only when it began no earlier than the machine's last check-in; but an agent going
 * back to its primary keeps checking in on its secondary until the primary has welcomed it, so
 * that secondary's last check-in can fall after the primary's start. The start was then refused,
 * the secondary's end cleared the flag, and the agent showed offline while connected (50 of
 * 100,000 after bench:scale's SIGTERM storm). Comparing a start with the holder's own start
 * orders sessions, not check-ins. Rows held today start from their last check-in, the value the
 * old rule compared with.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('machines').addColumn('connected_since', time).execute();
  await sql`update machines set connected_since = last_seen_at where connected_by is not null`.execute(db);
}
