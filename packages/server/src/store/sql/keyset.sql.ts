import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { KeysetPosition, SortOrder } from '../list-record';

/**
 * One order of a list: a key expression and the tiebreak column. The key is raw SQL text, not
 * a bound value, because it must read exactly like the index expression of migration 012
 * (`coalesce(last_seen_at, 0)`): PostgreSQL uses an expression index only for the same
 * expression, and a bound 0 would be a parameter, not the constant the index holds.
 */
export interface ListOrder {
  /** SQL of the sort key, as indexed (a column or a coalesce over one). */
  key: string;
  /** The tiebreak column (unique), also in the index. */
  tiebreak: string;
}

/** The key expression, to select it along with the rows (the cursor of the next page carries it). */
export function keyOf(order: ListOrder): RawBuilder<string | number> {
  return sql<string | number>`${sql.raw(order.key)}`;
}

/** ORDER BY key, tiebreak: both ascending or both descending, so one index serves either way. */
export function orderClause(order: ListOrder, direction: SortOrder): RawBuilder<unknown> {
  const dir = sql.raw(direction === 'desc' ? 'desc' : 'asc');
  return sql`${sql.raw(order.key)} ${dir}, ${sql.ref(order.tiebreak)} ${dir}`;
}

/**
 * The rows past a position in the order: `(key, tiebreak) > (k, t)` ascending, `<` descending.
 * A row-value comparison, which PostgreSQL turns into one index range; SQLite does so only for
 * plain columns, so the key alone is compared first as well (`key >= k`), which gives it the
 * range on an expression index too. Spelling out the OR of the two comparisons instead would
 * make PostgreSQL walk the index from its start.
 */
export function pastPosition<Id extends string | number>(
  order: ListOrder,
  direction: SortOrder,
  after: KeysetPosition<Id>,
): Expression<SqlBool> {
  const key = sql.raw(order.key);
  const [op, range] = direction === 'desc' ? [sql.raw('<'), sql.raw('<=')] : [sql.raw('>'), sql.raw('>=')];
  return sql<SqlBool>`(${key} ${range} ${after.key} and (${key}, ${sql.ref(order.tiebreak)}) ${op} (${after.key}, ${after.id}))`;
}

/**
 * Up to this many matching rows, a page is taken from the matches found first (`id in (...)`)
 * rather than by walking the order's index and testing each row: a search that matches few
 * rows would otherwise read the whole list, row by row, to fill a page it cannot fill.
 */
export const FEW_MATCHES = 2000;

/**
 * A page of a list and how many rows the list holds. The matching ids are looked for first (at
 * most FEW_MATCHES + 1: quick when matches are many, one scan when they are not). When they
 * are few, that was the count, and the page is a lookup of those ids (`page(ids)`); so a search
 * that matches few rows reads the table, or its index, once. When they are many, the list is
 * counted while the page walks the order's index (`page(null)`), side by side on a backend
 * with several connections.
 */
export async function pageAndTotal<Id, Row>(
  ids: (limit: number) => Promise<Id[]>,
  count: () => Promise<number | string | bigint>,
  page: (few: Id[] | null) => Promise<Row[]>,
): Promise<{ rows: Row[]; total: number }> {
  const found = await ids(FEW_MATCHES + 1);
  if (found.length <= FEW_MATCHES)
    return { rows: found.length === 0 ? [] : await page(found), total: found.length };
  const [total, rows] = await Promise.all([count(), page(null)]);
  return { rows, total: Number(total) };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The LIKE pattern of a case-insensitive "contains" search: the text in lower case, with "%",
 * "_" and "\" taken literally (escaped with "\", see containsAny).
 */
export function containsPattern(text: string): string {
  return `%${escapeLike(text.toLowerCase())}%`;
}

/**
 * Whether any of the (lower-case) columns contains the search text. The pattern is bound
 * through a cast for the reason given in scope.sql.ts (SQLite re-prepares a statement whose
 * LIKE takes a bare parameter), and ESCAPE is spelled out because SQLite has no default.
 */
export function containsAny(columns: readonly string[], text: string): Expression<SqlBool> {
  const pattern = containsPattern(text);
  const tests = columns.map(
    (column) => sql<SqlBool>`${sql.raw(column)} like cast(${pattern} as text) escape '\\'`,
  );
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}
