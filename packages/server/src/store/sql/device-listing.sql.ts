import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { EVERYTHING, type ScopeFilter } from '../../access/scope';
import type { DeviceList, DeviceListQuery, DeviceSort } from '../list-record';
import { deviceFromRow } from './device-rows';
import { idMatchesAny } from './id-pattern.sql';
import { containsAny, FEW_MATCHES, keyOf, type ListOrder, orderClause, pastPosition } from './keyset.sql';
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
 * the count of the whole list, taken as machine-listing.sql.ts takes machines: from the matches
 * when they are few, else by walking the order's index. A device is scoped like a machine of its group.
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
  const count = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where(matching)
    .executeTakeFirstOrThrow();
  const total = Number(count.n);
  if (total === 0 || query.limit === 0) return { rows: [], total };

  let page = db
    .selectFrom('devices')
    .selectAll('devices')
    .select(keyOf(order).as('sort_key'))
    .where(total <= FEW_MATCHES ? sql<SqlBool>`id in (select id from devices where ${matching})` : matching)
    .orderBy(orderClause(order, query.order));
  if (query.after !== undefined) page = page.where(pastPosition(order, query.order, query.after));
  if (query.limit !== undefined) page = page.limit(query.limit);
  const rows = await page.execute();
  return {
    rows: rows.map((row) => ({ device: deviceFromRow(row), key: row.sort_key })),
    total,
  };
}
