import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * `column LIKE pattern ESCAPE '\'` for each pattern, joined by OR: true when the column
 * matches any of them. The ESCAPE clause is spelled out because only PostgreSQL takes "\" as
 * the escape character by default; SQLite has none, so an escaped "_" or "%" in a pattern (a
 * machine name such as "pc_1") would otherwise stay a wildcard, or match nothing at all.
 * Every LIKE on a Machine.Group ID goes through here so both dialects read a pattern alike.
 */
export function idMatchesAny(column: string, patterns: string | readonly string[]): Expression<SqlBool> {
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  if (list.length === 0) return sql<SqlBool>`1 = 0`;
  const tests = list.map((p) => sql<SqlBool>`${sql.ref(column)} like ${p} escape '\\'`);
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}
