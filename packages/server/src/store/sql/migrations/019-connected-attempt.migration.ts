import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Which of the agent's connection attempts made the session holding a machine's `connected`
 * flag (ConnectionUpdate.attemptAt). A start from another node took the flag when it began no
 * earlier than the machine's last check-in, by the node's clock. Under a restart storm a node
 * can welcome an attempt the agent has already given up on, after another node welcomed the
 * next one: that late start took the flag, its end cleared it, and the agent showed offline
 * while connected (50 of 100,000 after bench:scale's SIGTERM storm, about 3,000 when starts
 * were compared with the holder's start by the nodes' clocks). Only the agent knows the order
 * of its attempts. Rows held at the upgrade start from their last check-in, the value the old
 * rule compared with.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('machines').addColumn('connected_attempt_at', time).execute();
  await sql`update machines set connected_attempt_at = last_seen_at where connected_by is not null`.execute(
    db,
  );
}
