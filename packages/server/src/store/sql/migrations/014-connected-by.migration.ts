import type { Kysely } from 'kysely';

/**
 * Which server node holds a machine's `connected` flag. With several nodes an agent's sessions
 * overlap: it leaves one node and is welcomed by another while the first still writes the end
 * of the old session (coalesced, up to a second later, or at that node's shutdown). Without an
 * owner that late end cleared the flag of the live session and the machine showed offline while
 * connected (bench:scale saw a fifth of 5,000 agents so after a restart storm). An end now
 * clears the flag only when the node that writes it is the one holding it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('machines').addColumn('connected_by', 'text').execute();
}
