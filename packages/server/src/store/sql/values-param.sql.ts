import { type RawBuilder, sql } from 'kysely';

/** The SQL types a VALUES list's parameters are cast to. */
export type ValuesParamType = 'bigint' | 'int' | 'text';

/**
 * A parameter of a VALUES list, cast for PostgreSQL (which cannot infer types inside VALUES and
 * takes an untyped NULL, or a number, as text); SQLite needs none. With it one statement text
 * serves both databases: `with v(...) as (values ...) update ... from v`.
 */
export function valuesParam(value: unknown, type: ValuesParamType, typed: boolean): RawBuilder<unknown> {
  return typed ? sql`cast(${value} as ${sql.raw(type)})` : sql`${value}`;
}
