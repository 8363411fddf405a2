import type { Kysely } from 'kysely';
import type { AdminTokenStore } from '../interfaces';
import type { Database } from './schema';

/** Admin API token hashes in SQL. */
export function sqlAdminTokenStore(db: Kysely<Database>): AdminTokenStore {
  return {
    async countAdminTokens() {
      const row = await db
        .selectFrom('admin_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async addAdminToken(t) {
      await db
        .insertInto('admin_tokens')
        .values({ id: t.id, token_hash: t.tokenHash, name: t.name, created_at: t.createdAt })
        .execute();
    },
    async adminTokenExists(tokenHash) {
      const row = await db
        .selectFrom('admin_tokens')
        .select('id')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
