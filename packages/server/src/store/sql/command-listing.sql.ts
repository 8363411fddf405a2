import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { CommandQuery, CommandRecord } from '../command-record';
import type { CommandSort } from '../list-record';
import { commandFromRow } from './command-rows';
import { idMatchesAny } from './id-pattern.sql';
import { containsAny, type ListOrder, orderClause, pageAndTotal, pastPosition } from './keyset.sql';
import type { Database } from './schema';
import { inScope } from './scope.sql';

/** Each order of the command list, as migration 012 indexes it (seq last; created is seq itself). */
const ORDERS: Record<CommandSort, ListOrder> = {
  created: { key: 'seq', tiebreak: 'seq' },
  status: { key: 'status', tiebreak: 'seq' },
  type: { key: 'type', tiebreak: 'seq' },
  target: { key: 'target_id', tiebreak: 'seq' },
};

/** Where the search looks: the target id (lower case already) and the type. */
const SEARCHED = ['target_id', 'lower(type)'] as const;

/** The conditions of a command query: everything but its order, position and limit. */
function conditions(q: CommandQuery): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  // A command is scoped by its target: a device like a machine of its group.
  if (q.scope) out.push(inScope(q.scope, 'group_id', 'target_id'));
  if (q.targetKind) out.push(sql<SqlBool>`target_kind = ${q.targetKind}`);
  if (q.targetId) out.push(sql<SqlBool>`target_id = ${q.targetId}`);
  if (q.targetLike !== undefined) out.push(idMatchesAny('target_id', q.targetLike));
  if (q.search) out.push(containsAny(SEARCHED, q.search));
  if (q.status) out.push(sql<SqlBool>`status = ${q.status}`);
  if (q.type) out.push(sql<SqlBool>`type = ${q.type}`);
  if (q.createdFrom !== undefined) out.push(sql<SqlBool>`created_at >= ${q.createdFrom}`);
  if (q.createdTo !== undefined) out.push(sql<SqlBool>`created_at < ${q.createdTo}`);
  return out;
}

/**
 * Commands by query in its order (default: created, newest first), from its position, at most
 * its limit, testing `where` on each row as the order's index is walked.
 */
async function page(
  db: Kysely<Database>,
  q: CommandQuery,
  where: Expression<SqlBool>,
): Promise<CommandRecord[]> {
  const order = ORDERS[q.sort ?? 'created'];
  const direction = q.order ?? (q.sort === undefined || q.sort === 'created' ? 'desc' : 'asc');
  const position: Expression<SqlBool>[] = [where];
  if (q.beforeSeq !== undefined) position.push(sql<SqlBool>`seq < ${q.beforeSeq}`);
  if (q.after !== undefined) position.push(pastPosition(order, direction, q.after));
  const rows = await db
    .selectFrom('commands')
    .selectAll()
    .where((eb) => eb.and(position))
    .orderBy(orderClause(order, direction))
    .limit(q.limit)
    .execute();
  return rows.map(commandFromRow);
}

const all = (conditions: Expression<SqlBool>[]) =>
  conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;

/** Commands by query in its order, walking the order's index (each deep page costs what the first does). */
export function listCommands(db: Kysely<Database>, q: CommandQuery): Promise<CommandRecord[]> {
  return page(db, q, all(conditions(q)));
}

/**
 * A page of commands and how many match in all (its order, position and limit left out). The
 * matches are looked for first: when they are few the page is a lookup of them (see
 * pageAndTotal), else a walk of the order's index as listCommands does.
 */
export async function listCommandPage(
  db: Kysely<Database>,
  q: CommandQuery,
): Promise<{ rows: CommandRecord[]; total: number }> {
  const matching = all(conditions(q));
  return pageAndTotal(
    async (limit) =>
      (await db.selectFrom('commands').select('seq').where(matching).limit(limit).execute()).map((r) =>
        Number(r.seq),
      ),
    async () =>
      (
        await db
          .selectFrom('commands')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where(matching)
          .executeTakeFirstOrThrow()
      ).n,
    (few) => page(db, q, few === null ? matching : sql<SqlBool>`seq in (${sql.join(few)})`),
  );
}
