import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Install tokens can be listed and revoked: a revocation time, and a short public prefix of the
 * token so an administrator can tell which listed token is the one in hand. Tokens made before
 * this migration have no prefix (only their hash was kept).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('install_tokens').addColumn('token_prefix', 'text').execute();
  await db.schema.alterTable('install_tokens').addColumn('revoked_at', time).execute();
}
