import { type Expression, type SqlBool, sql } from 'kysely';
import type { ScopeFilter, ScopeRules } from '../../access/scope';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `column` is `group` or one of its subgroups. The LIKE pattern is bound through a cast: SQLite
 * re-prepares a statement whose LIKE takes a bare parameter every time the parameter is bound
 * (the value might allow an index, which a leading "%" never does), and that second prepare
 * made a scoped read of one machine take twice as long as a master's (bench/access).
 */
function groupMatches(column: string, groups: readonly string[]): Expression<SqlBool> {
  if (groups.length === 0) return sql<SqlBool>`(1 = 0)`;
  const tests = groups.map(
    (g) =>
      sql<SqlBool>`(${sql.ref(column)} = ${g} or ${sql.ref(column)} like cast(${`%.${escapeLike(g)}`} as text) escape '\\')`,
  );
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`;
}

function machineIn(column: string | null, machines: readonly string[]): Expression<SqlBool> {
  if (column === null || machines.length === 0) return sql<SqlBool>`(1 = 0)`;
  return sql<SqlBool>`(${sql.ref(column)} in (${sql.join(machines)}))`;
}

function rulesHold(
  rules: ScopeRules,
  groupColumn: string,
  machineColumn: string | null,
): Expression<SqlBool> {
  // Only the parts a scope has: a constant "not (1 = 0)" or "or (1 = 0)" changes no answer
  // (also not for a NULL column) but is built, compiled and prepared on every scoped query.
  const machines = (list: readonly string[]) => (machineColumn === null ? [] : list);
  const includes = [
    ...(rules.includeGroups.length > 0 ? [groupMatches(groupColumn, rules.includeGroups)] : []),
    ...(machines(rules.includeMachines).length > 0 ? [machineIn(machineColumn, rules.includeMachines)] : []),
  ];
  if (includes.length === 0) return sql<SqlBool>`(1 = 0)`;
  const conditions = [
    ...(rules.excludeGroups.length > 0
      ? [sql<SqlBool>`not ${groupMatches(groupColumn, rules.excludeGroups)}`]
      : []),
    ...(machines(rules.excludeMachines).length > 0
      ? [sql<SqlBool>`not ${machineIn(machineColumn, rules.excludeMachines)}`]
      : []),
    includes.length === 1
      ? (includes[0] as Expression<SqlBool>)
      : sql<SqlBool>`(${sql.join(includes, sql` or `)})`,
  ];
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}

/**
 * The SQL condition of a scope filter, for a row with a group column and (for what belongs to
 * a machine) a machine-id column: the same rule as `filterContains`, evaluated in the database
 * so that nothing out of scope is read, counted or paged over. Written once for both dialects.
 */
export function inScope(
  filter: ScopeFilter,
  groupColumn: string,
  machineColumn: string | null,
): Expression<SqlBool> {
  if (filter.all) return sql<SqlBool>`1 = 1`;
  if (filter.scopes.length === 0) return sql<SqlBool>`1 = 0`;
  const each = filter.scopes.map((rules) => rulesHold(rules, groupColumn, machineColumn));
  return sql<SqlBool>`(${sql.join(each, sql` or `)})`;
}

/**
 * The condition that a row is in every one of several filters: a shell command needs both
 * `commands.run` and `commands.run-shell`, each with its own scope, and their intersection is
 * not one filter. A single filter is the common case.
 */
export function inEveryScope(
  filters: ScopeFilter | readonly ScopeFilter[],
  groupColumn: string,
  machineColumn: string | null,
): Expression<SqlBool> {
  const list: readonly ScopeFilter[] = 'all' in filters ? [filters as ScopeFilter] : filters;
  const each = list.filter((f) => !f.all).map((f) => inScope(f, groupColumn, machineColumn));
  if (each.length === 0) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(${sql.join(each, sql` and `)})`;
}
