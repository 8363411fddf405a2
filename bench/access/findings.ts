import type { PairedResult } from './interleaved';
import type { VisibilityCheck } from './results';
import type { StoreProbeResult } from './store-probe';
import { TARGETS } from './targets';

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** What the findings read. */
export interface FindingInputs {
  visibility: VisibilityCheck;
  firstPage: PairedResult;
  deepPage: PairedResult;
  getById: PairedResult;
  store: StoreProbeResult;
}

/** Observations the numbers show, in words, for the report. */
export function deriveFindings({ visibility, firstPage, deepPage, getById, store }: FindingInputs): string[] {
  const out: string[] = [];
  if (visibility.scopedItemsOutside > 0 || visibility.otherOrganizationStatus !== 404) {
    out.push(
      `LEAK: the scoped user saw ${visibility.scopedItemsOutside} machines of other organizations; ` +
        `another organization's machine answered ${visibility.otherOrganizationStatus}.`,
    );
  }
  if (!visibility.listPaging) out.push('GET /machines?limit=50 did not answer a page of 50 with its cursor.');
  if (!visibility.scoped.deepPageMatches || !visibility.master.deepPageMatches) {
    out.push(
      'The deep page did not answer the ids the walk found at that position: the cursor is not keyset by id.',
    );
  }
  for (const [p, probe] of [
    [firstPage, store.pages[0]],
    [deepPage, store.pages[1]],
  ] as const) {
    if (!probe) continue;
    out.push(
      `${p.label}: scoped p50 ${ms(p.scoped.p50)} / p95 ${ms(p.scoped.p95)} over HTTP, of which the store's query ` +
        `and row mapping are ${ms(probe.scopedMs.p50)} at p50 (master: ${ms(p.master.p50)} over HTTP, ` +
        `${ms(probe.masterMs.p50)} in the store); the rest is authentication, machine views, JSON and HTTP.`,
    );
  }
  const [storeFirst, storeDeep] = store.pages;
  if (storeFirst && storeDeep) {
    out.push(
      `Deep page vs first page for the scoped caller: ${(deepPage.scoped.p50 / firstPage.scoped.p50).toFixed(2)}x at p50 ` +
        `over HTTP, ${(storeDeep.scopedMs.p50 / storeFirst.scopedMs.p50).toFixed(2)}x in the store: the keyset cursor ` +
        `(id > after) makes a page 90% of the way through ${visibility.scopedItems.toLocaleString('en-US')} machines ` +
        `cost what the first does. Plan of the scoped deep page: ${store.scopedPlan.join(' / ')}.`,
    );
  }
  if (
    store.scopedPlan.some((p) => /^(SCAN|SEARCH) machines USING INDEX sqlite_autoindex_machines_1/.test(p))
  ) {
    out.push(
      'The scoped page walks the id index from the cursor and tests each row against the scope ' +
        "(`group_id = 'org' or group_id like '%.org'`, a leading '%' can use no index) until it has 50 in scope: with " +
        `one machine in ${Math.round(visibility.masterItems / Math.max(1, visibility.scopedItems))} in the scoped organization it reads about ` +
        `${Math.round((50 * visibility.masterItems) / Math.max(1, visibility.scopedItems))} rows for a page. ` +
        'That stays cheap while the organization is spread through the id order; a small organization whose ids sort ' +
        'late would read more rows per page (not measured here).',
    );
  }
  for (const p of [firstPage, deepPage]) {
    if (p.scoped.p95 > TARGETS.listP95Ms) {
      out.push(
        `${p.label} MISSED: scoped p95 ${ms(p.scoped.p95)} (p50 ${ms(p.scoped.p50)}, max ${ms(p.scoped.max)}); master p95 ` +
          `${ms(p.master.p95)} in the same run. Next step: read the load averages above and rerun on a quiet machine; ` +
          'if it persists, profile the route.',
      );
    }
  }
  if (getById.ratioP50 > 1 + TARGETS.permissionShare) {
    const extra = (getById.scoped.p50 - getById.master.p50) * 1000;
    out.push(
      `GET /machines/{id} costs the scoped caller ${extra.toFixed(0)} µs more at p50 (${getById.ratioP50.toFixed(3)}x of a ` +
        `${ms(getById.master.p50)} request). Not the permission check (see its in-process share): the scope ` +
        'condition in the query, which Kysely compiles and SQLite prepares afresh for every statement (the store keeps ' +
        'no prepared statements). Next step (server code, not this bench): keep prepared statements for the scoped reads.',
    );
  }
  return out;
}
