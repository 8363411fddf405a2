import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type { MachineScope } from '../interfaces';
import type { KeysetPosition, MachineList, MachineListQuery, MachineSort } from '../list-record';
import { idMatchesAny } from './id-pattern.sql';
import { containsAny, keyOf, type ListOrder, orderClause, pageAndTotal, pastPosition } from './keyset.sql';
import { machineFromRow } from './machine-rows';
import type { Database } from './schema';
import { inEveryScope } from './scope.sql';

/** Each order of the machine list: its key column of migration 012, indexed with the id. */
const ORDERS: Record<MachineSort, ListOrder> = {
  id: { key: 'id', tiebreak: 'id' },
  group: { key: 'group_id', tiebreak: 'id' },
  status: { key: 'status_key', tiebreak: 'id' },
  lastCheckin: { key: 'seen_key', tiebreak: 'id' },
  loggedOnUser: { key: 'user_key', tiebreak: 'id' },
  agentVersion: { key: 'version_key', tiebreak: 'id' },
  os: { key: 'os', tiebreak: 'id' },
};

/**
 * The search: text in the id, or in the logged-on user while connected (`user_key`, which is
 * lower case), so SQLite finds the matches in machines_search_idx alone.
 */
function searched(text: string): Expression<SqlBool> {
  return containsAny(['id', 'user_key'], text);
}

/**
 * One page of the machine list, and the count of the whole list (scope, filter, search and
 * status; not position, order and limit). When the matches are few (FEW_MATCHES) the page is
 * a lookup of their ids; otherwise the order's index (migration 012) is walked from the
 * position and each row tested, which fills a page quickly because many rows match. Either
 * way a deep page costs what the first one does.
 */
export async function listMachinePage(
  db: Kysely<Database>,
  query: MachineListQuery,
  scope: MachineScope = EVERYTHING,
): Promise<MachineList> {
  const order = ORDERS[query.sort];
  const conditions: Expression<SqlBool>[] = [inEveryScope(scope, 'group_id', 'id')];
  if (query.likePatterns !== null) conditions.push(idMatchesAny('id', query.likePatterns));
  if (query.search) conditions.push(searched(query.search));
  if (query.statusKeys !== undefined) {
    conditions.push(
      query.statusKeys.length === 0
        ? sql<SqlBool>`1 = 0`
        : sql<SqlBool>`status_key in (${sql.join(query.statusKeys)})`,
    );
  }
  const matching = sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
  const { rows, total } = await pageAndTotal(
    async (limit) =>
      (await db.selectFrom('machines').select('id').where(matching).limit(limit).execute()).map((r) => r.id),
    async () =>
      (
        await db
          .selectFrom('machines')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where(matching)
          .executeTakeFirstOrThrow()
      ).n,
    (few) =>
      db
        .selectFrom('machines')
        .selectAll('machines')
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
    rows: rows.map((row) => ({ machine: machineFromRow(row), key: row.sort_key })),
    total,
  };
}
