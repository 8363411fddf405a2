import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { compileScope, EVERYTHING, type ScopeFilter } from '../../packages/server/src/access/scope';
import { parseMachineFilter } from '../../packages/server/src/domain/machine-filter';
import { MACHINE_STATUSES, type MachineStatus } from '../../packages/server/src/domain/machine-status';
import { decodeCursor } from '../../packages/server/src/services/list-cursor';
import {
  type KeysetPosition,
  MACHINE_SORT_KEYS,
  type MachineListQuery,
  type MachineSort,
  type SortOrder,
} from '../../packages/server/src/store/list-record';
import { sqlMachineStore } from '../../packages/server/src/store/sql/machines.sql';
import type { DatabaseLocation } from '../../packages/server/src/store/sql/open-database';
import type { Database } from '../../packages/server/src/store/sql/schema';
import { type Timing, timing } from '../access/stats';
import type { FleetSummary } from './fleet';
import type { PageCall } from './page-calls';

/** One statement the store ran for a call, with its own time and plan. */
export interface StoreStatement {
  sql: string;
  /** The database's own time for it as Kysely measures it (driver call to rows). */
  ms: Timing;
  /** EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PostgreSQL), one line per step. */
  plan: string[];
}

/** One call through the store alone, for both users. */
export interface StoreCallProbe {
  key: string;
  label: string;
  master: Timing;
  scoped: Timing;
  /** The scoped user's statements (the page and the count). */
  scopedStatements: StoreStatement[];
  /** First line of the scoped page query's plan, for the table. */
  scopedPlan: string[];
}

/** The machine list's calls through the store alone. */
export interface StoreProbe {
  calls: StoreCallProbe[];
}

/** The query the route builds from a request's query string (see MachinesService.list). */
export function storeQueryOf(path: string): MachineListQuery {
  const params = new URL(path, 'http://x').searchParams;
  const sort = (params.get('sort') ?? 'id') as MachineSort;
  const order = (params.get('order') ?? 'asc') as SortOrder;
  const filter = params.get('filter');
  const search = params.get('search');
  const status = params.getAll('status').flatMap((s) => s.split(','));
  const after = params.get('after');
  const limit = params.get('limit');
  let position: KeysetPosition | undefined;
  if (after !== null)
    position = after.includes('.')
      ? { key: after.toLowerCase(), id: after.toLowerCase() }
      : decodeCursor<string>(after, sort, order, MACHINE_SORT_KEYS[sort], 'string');
  return {
    likePatterns: filter ? parseMachineFilter(filter).likePatterns : null,
    ...(search === null ? {} : { search }),
    ...(status.length === 0
      ? {}
      : { statusKeys: status.map((s) => MACHINE_STATUSES.indexOf(s as MachineStatus)) }),
    sort,
    order,
    ...(position === undefined ? {} : { after: position }),
    ...(limit === null ? {} : { limit: Number(limit) }),
  };
}

interface Captured {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
}

/**
 * Runs every call's query through the store's own listMachinePage, in this process on a
 * second connection to the server's database, with a Kysely that records each statement and
 * its time; then explains the scoped user's statements. This splits a request's server time
 * into the database and the rest (authentication, views, JSON), and says how the database
 * answers each call.
 */
export async function probeStore(
  location: DatabaseLocation,
  fleet: FleetSummary,
  calls: PageCall[],
  rounds: number,
): Promise<StoreProbe> {
  const captured: Captured[] = [];
  const log = (event: LogEvent) => {
    if (event.level === 'query')
      captured.push({
        sql: event.query.sql,
        parameters: event.query.parameters,
        ms: event.queryDurationMillis,
      });
  };
  const sqlite = 'sqliteFile' in location ? new SQLite(location.sqliteFile, { readonly: true }) : null;
  const pool =
    'postgresUrl' in location ? new pg.Pool({ connectionString: location.postgresUrl, max: 2 }) : null;
  const db = new Kysely<Database>({
    dialect: sqlite
      ? new SqliteDialect({ database: sqlite })
      : new PostgresDialect({ pool: pool as pg.Pool }),
    log,
  });
  const explain = async (statement: Captured): Promise<string[]> => {
    if (sqlite) {
      const rows = sqlite
        .prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
        .all(...statement.parameters) as Array<{
        detail: string;
      }>;
      return rows.map((r) => r.detail);
    }
    const answer = await (pool as pg.Pool).query(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
      statement.parameters as unknown[],
    );
    return answer.rows.map((r: Record<string, string>) => r['QUERY PLAN'] as string);
  };
  const scoped: ScopeFilter = {
    all: false,
    scopes: [compileScope([{ kind: 'organization', id: fleet.scopedOrganization, include: true }])],
  };
  try {
    const store = sqlMachineStore(db);
    const out: StoreCallProbe[] = [];
    for (const call of calls) {
      // Only the machine list reaches listMachinePage (GET /me reads no machines).
      if (!call.master.startsWith('/machines?')) continue;
      const times = { master: [] as number[], scoped: [] as number[] };
      const perStatement: number[][] = [];
      let last: Captured[] = [];
      for (let r = 0; r < rounds + 2; r++) {
        for (const who of r % 2 === 0 ? (['master', 'scoped'] as const) : (['scoped', 'master'] as const)) {
          const query = storeQueryOf(call[who]);
          captured.length = 0;
          const started = performance.now();
          await store.listMachinePage(query, who === 'master' ? EVERYTHING : scoped);
          const elapsed = performance.now() - started;
          if (r < 2) continue;
          times[who].push(elapsed);
          if (who === 'scoped') {
            last = [...captured];
            for (const [i, c] of captured.entries()) {
              const list = perStatement[i] ?? [];
              list.push(c.ms);
              perStatement[i] = list;
            }
          }
        }
      }
      const statements: StoreStatement[] = [];
      for (const [i, c] of last.entries())
        statements.push({ sql: c.sql, ms: timing(perStatement[i] ?? []), plan: await explain(c) });
      out.push({
        key: call.key,
        label: call.label,
        master: timing(times.master),
        scoped: timing(times.scoped),
        scopedStatements: statements,
        scopedPlan: statements[0]?.plan ?? [],
      });
    }
    return { calls: out };
  } finally {
    await db.destroy();
  }
}
