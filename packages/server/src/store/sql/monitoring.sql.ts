import { type Kysely, sql } from 'kysely';
import { ErrorCode, MusterError } from '../../domain/errors';
import type { QueueDepthRow, StoreMonitor } from '../monitoring-record';
import type { Database } from './schema';

/** The store's monitor in SQL. `problem` says why a store that answers cannot take changes. */
export function sqlStoreMonitor(db: Kysely<Database>, problem: () => string | null): StoreMonitor {
  return {
    async ping() {
      const lost = problem();
      if (lost) throw new MusterError(ErrorCode.storeUnavailable, lost);
      await sql`select 1`.execute(db);
    },
    async queueDepth(limit) {
      const rows = await db
        .selectFrom('commands')
        .select(['status', 'type', (eb) => eb.fn.countAll<number | string>().as('count')])
        .where('status', 'in', ['pending', 'processing'])
        .groupBy(['status', 'type'])
        .orderBy('count', 'desc')
        .orderBy('status')
        .orderBy('type')
        .limit(limit)
        .execute();
      // PostgreSQL's count is a bigint, which pg hands over as text.
      return rows.map(
        (r): QueueDepthRow => ({
          status: r.status as QueueDepthRow['status'],
          type: r.type,
          count: Number(r.count),
        }),
      );
    },
  };
}
