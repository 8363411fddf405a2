import type { Kysely } from 'kysely';
import type { RoleStore } from '../interfaces';
import { inTransaction, isUniqueViolation, Rollback, roleFromRow } from './access-rows';
import type { Database } from './schema';

/** Roles in SQL. */
export function sqlRoleStore(db: Kysely<Database>): RoleStore {
  return {
    async createRole(r) {
      const result = await db
        .insertInto('roles')
        .values({
          id: r.id,
          name: r.name,
          permissions: JSON.stringify(r.permissions),
          require_totp: r.requireTotp ? 1 : 0,
          built_in: 0,
          created_at: r.createdAt,
          updated_at: r.createdAt,
        })
        .onConflict((c) => c.column('name').doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async findRole(id) {
      const r = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? roleFromRow(r) : null;
    },
    async findRoleByName(name) {
      const r = await db.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? roleFromRow(r) : null;
    },
    async listRoles() {
      return (await db.selectFrom('roles').selectAll().orderBy('name').execute()).map(roleFromRow);
    },
    async updateRole(id, patch, now) {
      try {
        const r = await db
          .updateTable('roles')
          .set({
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.permissions !== undefined ? { permissions: JSON.stringify(patch.permissions) } : {}),
            ...(patch.requireTotp !== undefined ? { require_totp: patch.requireTotp ? 1 : 0 } : {}),
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
    deleteRole(id) {
      return inTransaction(db, async (trx) => {
        await trx.deleteFrom('user_grants').where('role_id', '=', id).execute();
        const r = await trx
          .deleteFrom('roles')
          .where('id', '=', id)
          .where('built_in', '=', 0)
          .executeTakeFirst();
        if ((r.numDeletedRows ?? 0n) === 0n) throw new Rollback(false);
        return true;
      });
    },
  };
}
