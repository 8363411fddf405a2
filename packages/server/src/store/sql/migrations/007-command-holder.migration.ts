import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Which agent session holds each delivered command. A session that ends returns only what it
 * held: when an agent has already moved to another node, the stale session left behind on the
 * first node must not give back the command the new session is running (it would run twice).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('commands').addColumn('holder', 'text').execute();
  await db.schema.createIndex('commands_holder_idx').on('commands').columns(['holder', 'status']).execute();
}
