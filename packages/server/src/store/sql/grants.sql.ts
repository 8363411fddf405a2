import type { Kysely } from 'kysely';
import type { GrantStore } from '../interfaces';
import { roleFromRow, scopeFromRow } from './access-rows';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { guarded } from './users.sql';

/** The (role, scope) pairs of users in SQL. */
export function sqlGrantStore(db: Kysely<Database>, dialect: Dialect): GrantStore {
  return {
    async grantsOf(userId) {
      const pairs = await db
        .selectFrom('user_grants')
        .select(['role_id', 'scope_id'])
        .where('user_id', '=', userId)
        .execute();
      if (pairs.length === 0) return [];
      const roleIds = [...new Set(pairs.map((p) => p.role_id))];
      const scopeIds = [...new Set(pairs.map((p) => p.scope_id))];
      const roles = new Map(
        (await db.selectFrom('roles').selectAll().where('id', 'in', roleIds).execute()).map((r) => [
          r.id,
          roleFromRow(r),
        ]),
      );
      const scopes = new Map(
        (await db.selectFrom('scopes').selectAll().where('id', 'in', scopeIds).execute()).map((s) => [
          s.id,
          scopeFromRow(s),
        ]),
      );
      const out = [];
      for (const p of pairs) {
        const role = roles.get(p.role_id);
        const scope = scopes.get(p.scope_id);
        // A pair whose role or scope was deleted in between is no grant at all.
        if (role && scope) out.push({ role, scope });
      }
      return out.sort(
        (a, b) => a.role.name.localeCompare(b.role.name) || a.scope.name.localeCompare(b.scope.name),
      );
    },
    setGrants(userId, grants) {
      return guarded(db, dialect, async (trx) => {
        const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
        if (!user) return false;
        await trx.deleteFrom('user_grants').where('user_id', '=', userId).execute();
        const unique = new Map(grants.map((g) => [`${g.roleId}\n${g.scopeId}`, g]));
        if (unique.size > 0) {
          await trx
            .insertInto('user_grants')
            .values(
              [...unique.values()].map((g) => ({ user_id: userId, role_id: g.roleId, scope_id: g.scopeId })),
            )
            .execute();
        }
        return true;
      });
    },
  };
}
