import SQLite from 'better-sqlite3';
import type { ScopeFilter } from '../../packages/server/src/access/scope';
import { compileScope, EVERYTHING } from '../../packages/server/src/access/scope';
import { sqlMachineStore } from '../../packages/server/src/store/sql/machines.sql';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import { inEveryScope } from '../../packages/server/src/store/sql/scope.sql';
import { type Timing, timing } from './stats';

/** The machine list in the store alone (no HTTP, no views, no JSON), for both callers. */
export interface StoreProbeResult {
  /** SQLite's EXPLAIN QUERY PLAN of the list query, one line per step. */
  masterPlan: string[];
  scopedPlan: string[];
  /** The scoped query's WHERE condition as SQL (the scope is in the query, not filtered after). */
  scopedSql: string;
  /** sqlMachineStore(db).listMachines(null, scope): rows read and turned into records. */
  masterListMs: Timing;
  scopedListMs: Timing;
  masterRows: number;
  scopedRows: number;
  /**
   * What paging would cost in the store, which the API does not offer: the scoped query with
   * LIMIT (first page), LIMIT/OFFSET (the last page), and a keyset page (id > the last id seen);
   * and the whole list found through the group_id index (group_id IN the organization's groups),
   * to tell finding the rows from reading them.
   */
  pages: Array<{ label: string; rows: number; ms: Timing }>;
}

/** Rows of one page in the paging projection. */
export const PAGE_SIZE = 100;

/**
 * Explains and times the store's machine-list query on a second connection to the server's
 * SQLite file, so the report can split a list request into the store's part and the rest
 * (views, JSON, HTTP). The explained statement is built like sqlMachineStore.listMachines
 * builds it (select, scope condition, order by id); the timed call is that function itself.
 */
export async function probeStore(
  sqliteFile: string,
  organization: string,
  rounds: number,
): Promise<StoreProbeResult> {
  const scoped: ScopeFilter = {
    all: false,
    scopes: [compileScope([{ kind: 'organization', id: organization, include: true }])],
  };
  const { db, close } = openDatabase({ sqliteFile });
  const raw = new SQLite(sqliteFile, { readonly: true });
  try {
    const explain = (filter: ScopeFilter) => {
      const q = db
        .selectFrom('machines')
        .selectAll()
        .where(inEveryScope(filter, 'group_id', 'id'))
        .orderBy('id')
        .compile();
      const rows = raw.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{
        detail: string;
      }>;
      return { plan: rows.map((r) => r.detail), sql: q.sql, parameters: q.parameters };
    };
    const masterPlan = explain(EVERYTHING);
    const scopedPlan = explain(scoped);
    const store = sqlMachineStore(db);
    const times = { master: [] as number[], scoped: [] as number[] };
    const rows = { master: 0, scoped: 0 };
    for (let r = 0; r < rounds + 2; r++) {
      for (const who of r % 2 === 0 ? (['master', 'scoped'] as const) : (['scoped', 'master'] as const)) {
        const started = performance.now();
        const list = await store.listMachines(null, who === 'master' ? EVERYTHING : scoped);
        if (r >= 2) times[who].push(performance.now() - started);
        rows[who] = list.length;
      }
    }
    const base = () =>
      db
        .selectFrom('machines')
        .selectAll()
        .where(inEveryScope(scoped, 'group_id', 'id'))
        .orderBy('id');
    const all = await base().select('id').execute();
    const lastPageStart = Math.max(0, all.length - PAGE_SIZE);
    const keysetAfter = all[lastPageStart - 1]?.id ?? '';
    const viaGroupIndex = () =>
      db
        .selectFrom('machines')
        .selectAll()
        .where('group_id', 'in', (qb) =>
          qb.selectFrom('machine_groups').select('id').where('org_id', '=', organization),
        )
        .orderBy('id');
    const pageQueries = [
      { label: 'whole list, found through the group index instead', run: () => viaGroupIndex().execute() },
      { label: 'first page (LIMIT)', run: () => base().limit(PAGE_SIZE).execute() },
      {
        label: 'last page (LIMIT/OFFSET)',
        run: () => base().limit(PAGE_SIZE).offset(lastPageStart).execute(),
      },
      {
        label: 'last page (keyset: id > last seen)',
        run: () => base().where('id', '>', keysetAfter).limit(PAGE_SIZE).execute(),
      },
    ];
    const pages = [];
    for (const page of pageQueries) {
      const samples: number[] = [];
      let rowCount = 0;
      for (let r = 0; r < rounds + 2; r++) {
        const started = performance.now();
        rowCount = (await page.run()).length;
        if (r >= 2) samples.push(performance.now() - started);
      }
      pages.push({ label: page.label, rows: rowCount, ms: timing(samples) });
    }
    return {
      pages,
      masterPlan: masterPlan.plan,
      scopedPlan: scopedPlan.plan,
      scopedSql: `${scopedPlan.sql} -- ${JSON.stringify(scopedPlan.parameters)}`,
      masterListMs: timing(times.master),
      scopedListMs: timing(times.scoped),
      masterRows: rows.master,
      scopedRows: rows.scoped,
    };
  } finally {
    raw.close();
    await close();
  }
}
