import type { Kysely } from 'kysely';
import type { ScopeStore } from '../interfaces';
import { inTransaction, isUniqueViolation, Rollback, scopeFromRow } from './access-rows';
import type { Database } from './schema';

/** Scopes in SQL. */
export function sqlScopeStore(db: Kysely<Database>): ScopeStore {
  return {
    async createScope(r) {
      const result = await db
        .insertInto('scopes')
        .values({
          id: r.id,
          name: r.name,
          entries: JSON.stringify(r.entries),
          built_in: 0,
          created_at: r.createdAt,
          updated_at: r.createdAt,
        })
        .onConflict((c) => c.column('name').doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async findScope(id) {
      const r = await db.selectFrom('scopes').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? scopeFromRow(r) : null;
    },
    async findScopeByName(name) {
      const r = await db.selectFrom('scopes').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? scopeFromRow(r) : null;
    },
    async listScopes() {
      return (await db.selectFrom('scopes').selectAll().orderBy('name').execute()).map(scopeFromRow);
    },
    async updateScope(id, patch, now) {
      try {
        const r = await db
          .updateTable('scopes')
          .set({
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.entries !== undefined ? { entries: JSON.stringify(patch.entries) } : {}),
            updated_at: now,
          })
          .where('id', '=', id)
          .where('built_in', '=', 0)
          .executeTakeFirst();
        return (r.numUpdatedRows ?? 0n) > 0n ? 'done' : 'not-found';
      } catch (error) {
        if (isUniqueViolation(error)) return 'conflict';
        throw error;
      }
    },
    deleteScope(id) {
      return inTransaction(db, async (trx) => {
        await trx.deleteFrom('user_grants').where('scope_id', '=', id).execute();
        const r = await trx
          .deleteFrom('scopes')
          .where('id', '=', id)
          .where('built_in', '=', 0)
          .executeTakeFirst();
        if ((r.numDeletedRows ?? 0n) === 0n) throw new Rollback(false);
        return true;
      });
    },
    async organizationExists(id) {
      const r = await db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst();
      return r !== undefined;
    },
  };
}
