import { type Expression, type SqlBool, sql } from 'kysely';
import type { Dialect } from './dialect';

/**
 * Device ids looked up per statement. SQLite binds each id as a parameter, and a full chunk
 * reuses one prepared statement (see StatementCache). PostgreSQL takes the whole chunk as one
 * array parameter: parsing and planning 1,000 parameters a statement, 100 statements for
 * 100,000 devices, was a fifth of queueing a command for each (bench:commands).
 */
const IDS_PER_STATEMENT: Record<Dialect, number> = { sqlite: 1000, postgres: 20_000 };

/** Splits ids into the chunks one lookup statement takes on `dialect`. */
export function deviceIdChunks(ids: readonly string[], dialect: Dialect): string[][] {
  const size = IDS_PER_STATEMENT[dialect];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks;
}

/** `column` is one of `ids`: an IN list on SQLite, `= any(array)` on PostgreSQL. */
export function idIn(column: string, ids: readonly string[], dialect: Dialect): Expression<SqlBool> {
  if (ids.length === 0) return sql<SqlBool>`1 = 0`;
  if (dialect === 'postgres') return sql<SqlBool>`${sql.ref(column)} = any(${ids}::text[])`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(ids)})`;
}
