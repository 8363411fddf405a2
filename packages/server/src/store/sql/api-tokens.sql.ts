import type { Kysely } from 'kysely';
import type { ApiTokenStore } from '../interfaces';
import { apiTokenFromRow, ownerFromRow } from './access-rows';
import type { Database } from './schema';

/** Per-user API tokens in SQL. */
export function sqlApiTokenStore(db: Kysely<Database>): ApiTokenStore {
  return {
    async createApiToken(t) {
      await db
        .insertInto('api_tokens')
        .values({
          id: t.id,
          user_id: t.userId,
          name: t.name,
          token_hash: t.tokenHash,
          token_prefix: t.tokenPrefix,
          permissions: t.permissions === null ? null : JSON.stringify(t.permissions),
          expires_at: t.expiresAt,
          created_at: t.createdAt,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
    },
    async findApiTokenByHash(tokenHash) {
      const token = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!token) return null;
      const owner = await db
        .selectFrom('users')
        .select(['id', 'name', 'disabled', 'totp_secret'])
        .where('id', '=', token.user_id)
        .executeTakeFirst();
      return owner ? { token: apiTokenFromRow(token), owner: ownerFromRow(owner) } : null;
    },
    async listApiTokens(userId) {
      let query = db.selectFrom('api_tokens').selectAll();
      if (userId !== null) query = query.where('user_id', '=', userId);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(apiTokenFromRow);
    },
    async findApiToken(id) {
      const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? apiTokenFromRow(r) : null;
    },
    async revokeApiToken(id, now) {
      // Only a token not yet revoked takes the time, so a second revoke keeps the first.
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? apiTokenFromRow(r) : null;
    },
    async touchApiTokens(uses) {
      if (uses.size === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const [id, at] of uses) {
          // Never moves backwards: another node may have written a later use already.
          await trx
            .updateTable('api_tokens')
            .set({ last_used_at: at })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
            .execute();
        }
      });
    },
    async countApiTokens() {
      const row = await db
        .selectFrom('api_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
