import SQLite from 'better-sqlite3';
import type { ScopeFilter } from '../../packages/server/src/access/scope';
import { compileScope, EVERYTHING } from '../../packages/server/src/access/scope';
import type { MachinePage } from '../../packages/server/src/store/interfaces';
import { sqlMachineStore } from '../../packages/server/src/store/sql/machines.sql';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import { inEveryScope } from '../../packages/server/src/store/sql/scope.sql';
import { type Timing, timing } from './stats';

/** One page read by the store alone, for both callers. */
export interface StorePageProbe {
  label: string;
  masterRows: number;
  scopedRows: number;
  masterMs: Timing;
  scopedMs: Timing;
}

/** The machine list's pages in the store alone (no HTTP, no views, no JSON), for both callers. */
export interface StoreProbeResult {
  /** SQLite's EXPLAIN QUERY PLAN of the deep-page query, one line per step. */
  masterPlan: string[];
  scopedPlan: string[];
  /** The scoped deep-page query as SQL (the scope is in the query, not filtered after). */
  scopedSql: string;
  /** sqlMachineStore(db).listMachines(null, scope, page): first page and deep page. */
  pages: StorePageProbe[];
}

/**
 * Explains and times the store's paged machine-list query on a second connection to the
 * server's SQLite file, so the report can split a page request into the store's part and the
 * rest (auth, views, JSON, HTTP). The explained statement is built like
 * sqlMachineStore.listMachines builds it (select, scope condition, id > after, order by id,
 * limit); the timed call is that function itself.
 */
export async function probeStore(
  sqliteFile: string,
  organization: string,
  limit: number,
  deepAfter: { master: string; scoped: string },
  rounds: number,
): Promise<StoreProbeResult> {
  const scoped: ScopeFilter = {
    all: false,
    scopes: [compileScope([{ kind: 'organization', id: organization, include: true }])],
  };
  const { db, close } = openDatabase({ sqliteFile });
  const raw = new SQLite(sqliteFile, { readonly: true });
  try {
    const explain = (filter: ScopeFilter, after: string) => {
      const q = db
        .selectFrom('machines')
        .selectAll()
        .where(inEveryScope(filter, 'group_id', 'id'))
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .compile();
      const rows = raw.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{
        detail: string;
      }>;
      return { plan: rows.map((r) => r.detail), sql: q.sql, parameters: q.parameters };
    };
    const masterPlan = explain(EVERYTHING, deepAfter.master);
    const scopedPlan = explain(scoped, deepAfter.scoped);
    const store = sqlMachineStore(db);
    const probe = async (
      label: string,
      page: (who: 'master' | 'scoped') => MachinePage,
    ): Promise<StorePageProbe> => {
      const times = { master: [] as number[], scoped: [] as number[] };
      const rows = { master: 0, scoped: 0 };
      for (let r = 0; r < rounds + 5; r++) {
        for (const who of r % 2 === 0 ? (['master', 'scoped'] as const) : (['scoped', 'master'] as const)) {
          const started = performance.now();
          const list = await store.listMachines(null, who === 'master' ? EVERYTHING : scoped, page(who));
          if (r >= 5) times[who].push(performance.now() - started);
          rows[who] = list.length;
        }
      }
      return {
        label,
        masterRows: rows.master,
        scopedRows: rows.scoped,
        masterMs: timing(times.master),
        scopedMs: timing(times.scoped),
      };
    };
    const pages = [
      await probe('first page', () => ({ limit })),
      await probe('deep page (90%)', (who) => ({ limit, after: deepAfter[who] })),
    ];
    return {
      pages,
      masterPlan: masterPlan.plan,
      scopedPlan: scopedPlan.plan,
      scopedSql: `${scopedPlan.sql} -- ${JSON.stringify(scopedPlan.parameters)}`,
    };
  } finally {
    raw.close();
    await close();
  }
}
