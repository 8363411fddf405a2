import type { Kysely } from 'kysely';
import type { CheckinPolicy } from '../../domain/checkin-policy';
import type { PolicyStore } from '../interfaces';
import type { Database } from './schema';

/** Check-in policies in SQL. */
export function sqlPolicyStore(db: Kysely<Database>): PolicyStore {
  return {
    async putPolicy(groupId, p) {
      await db
        .insertInto('checkin_policies')
        .values({ group_id: groupId, min_seconds: p.minSeconds, max_seconds: p.maxSeconds })
        .onConflict((c) =>
          c.column('group_id').doUpdateSet({ min_seconds: p.minSeconds, max_seconds: p.maxSeconds }),
        )
        .execute();
    },
    async policiesOf(groupIds) {
      const out = new Map<string, CheckinPolicy>();
      if (groupIds.length === 0) return out;
      const rows = await db
        .selectFrom('checkin_policies')
        .selectAll()
        .where('group_id', 'in', groupIds)
        .execute();
      for (const r of rows) out.set(r.group_id, { minSeconds: r.min_seconds, maxSeconds: r.max_seconds });
      return out;
    },
  };
}
