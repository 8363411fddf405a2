import type { Kysely } from 'kysely';
import type { SessionStore } from '../interfaces';
import { ownerFromRow, sessionFromRow } from './access-rows';
import type { Database } from './schema';

/** Console sessions in SQL. */
export function sqlSessionStore(db: Kysely<Database>): SessionStore {
  return {
    async createSession(s) {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          user_id: s.userId,
          secret_hash: s.secretHash,
          csrf_hash: s.csrfHash,
          address: s.address,
          created_at: s.createdAt,
          last_seen_at: s.createdAt,
          expires_at: s.expiresAt,
          revoked_at: null,
        })
        .execute();
    },
    async findSessionByHash(secretHash) {
      const session = await db
        .selectFrom('sessions')
        .selectAll()
        .where('secret_hash', '=', secretHash)
        .executeTakeFirst();
      if (!session) return null;
      const owner = await db
        .selectFrom('users')
        .select(['id', 'name', 'disabled', 'totp_secret'])
        .where('id', '=', session.user_id)
        .executeTakeFirst();
      return owner ? { session: sessionFromRow(session), owner: ownerFromRow(owner) } : null;
    },
    async touchSessions(seen) {
      if (seen.size === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const [id, at] of seen) {
          await trx
            .updateTable('sessions')
            .set({ last_seen_at: at })
            .where('id', '=', id)
            .where('last_seen_at', '<', at)
            .execute();
        }
      });
    },
    async revokeSession(id, now) {
      await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const r = await db.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst();
      return r !== undefined;
    },
    async revokeSessionsOf(userId, now, except = null) {
      const r = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .$if(except !== null, (q) => q.where('id', '!=', except as string))
        .executeTakeFirst();
      return Number(r.numUpdatedRows ?? 0n);
    },
    async deleteSessionsEndedBefore(cutoff) {
      const r = await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows ?? 0n);
    },
  };
}
