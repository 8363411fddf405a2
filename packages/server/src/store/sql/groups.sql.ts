import type { Kysely } from 'kysely';
import { groupAncestry, organizationOf } from '../../domain/machine-names';
import type { GroupRegistry } from '../interfaces';
import type { Database } from './schema';

/** Groups and organizations in SQL. */
export function sqlGroupRegistry(db: Kysely<Database>): GroupRegistry {
  return {
    async ensureGroup(groupId, now) {
      const org = organizationOf(groupId);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('organizations')
          .values({ id: org, created_at: now })
          .onConflict((c) => c.column('id').doNothing())
          .execute();
        // Top-level group first, so each parent exists before its child.
        const chain = groupAncestry(groupId).reverse();
        let parent: string | null = null;
        for (const id of chain) {
          await trx
            .insertInto('machine_groups')
            .values({ id, org_id: org, parent_id: parent, created_at: now })
            .onConflict((c) => c.column('id').doNothing())
            .execute();
          parent = id;
        }
      });
    },
    async groupExists(groupId) {
      const row = await db
        .selectFrom('machine_groups')
        .select('id')
        .where('id', '=', groupId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
