import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { EVERYTHING, type ScopeFilter } from '../../access/scope';
import type { DeviceList, DeviceListQuery, DeviceSort, KeysetPosition } from '../list-record';
import { deviceFromRow } from './device-rows';
import { idMatchesAny } from './id-pattern.sql';
import { containsAny, keyOf, type ListOrder, orderClause, pageAndTotal, pastPosition } from './keyset.sql';
import type { Database } from './schema';
import { inScope } from './scope.sql';

/** Each order of the device list, as migration 012 indexes it (id last). */
const ORDERS: Record<DeviceSort, ListOrder> = {
  id: { key: 'id', tiebreak: 'id' },
  group: { key: 'group_id', tiebreak: 'id' },
  platform: { key: 'platform', tiebreak: 'id' },
  lastCheckin: { key: 'coalesce(last_checkin_at, 0)', tiebreak: 'id' },
  enrolled: { key: 'enrolled_at', tiebreak: 'id' },
};

/** Where the search looks: the id (lower case already), the name and the model. */
const SEARCHED = ['id', 'lower(name)', 'lower(model)'] as const;

/**
 * One page of the device list (scope, filter and search, then position, order and limit) and
 * the count of the whole list, taken as machine-listing.sql.ts takes machines: a lookup of the
 * matches when they are few, else a walk of the order's index. A device is scoped like a machine of its group.
 */
export async function listDevicePage(
  db: Kysely<Database>,
  query: DeviceListQuery,
  scope: ScopeFilter = EVERYTHING,
): Promise<DeviceList> {
  const order = ORDERS[query.sort];
  const conditions: Expression<SqlBool>[] = [inScope(scope, 'group_id', 'id')];
  if (query.likePatterns !== null) conditions.push(idMatchesAny('id', query.likePatterns));
  if (query.search) conditions.push(containsAny(SEARCHED, query.search));
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
  const { rows, total } = await pageAndTotal(
    async (limit) =>
      (await db.selectFrom('devices').select('id').where(matching).limit(limit).execute()).map((r) => r.id),
    async () =>
      (
        await db
          .selectFrom('devices')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where(matching)
          .executeTakeFirstOrThrow()
      ).n,
    (few) =>
      db
        .selectFrom('devices')
        .selectAll('devices')
        .select(keyOf(order).as('sort_key'))
        .where(few === null ? matching : sql<SqlBool>`id in (${sql.join(few)})`)
        .$if(query.after !== undefined, (q) =>
          q.where(pastPosition(order, query.order, query.after as KeysetPosition)),
        )
        .orderBy(orderClause(order, query.order))
        .$if(query.limit !== undefined, (q) => q.limit(query.limit as number))
        .execute(),
  );
  return {
    rows: rows.map((row) => ({ device: deviceFromRow(row), key: row.sort_key })),
    total,
  };
}
