import type { PairedResult } from './interleaved';
import type { VisibilityCheck } from './results';
import type { StoreProbeResult } from './store-probe';
import { TARGETS } from './targets';

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Observations the numbers show, in words, for the report. */
export function deriveFindings(
  visibility: VisibilityCheck,
  listAll: PairedResult,
  getById: PairedResult,
  store: StoreProbeResult,
): string[] {
  const out: string[] = [];
  if (getById.ratioP50 > 1 + TARGETS.permissionShare) {
    const extra = (getById.scoped.p50 - getById.master.p50) * 1000;
    out.push(
      `GET /machines/{id} costs the scoped caller ${extra.toFixed(0)} µs more at p50 (${getById.ratioP50.toFixed(3)}x of a ` +
        `${ms(getById.master.p50)} request). Not the permission check (see its in-process share): the scope ` +
        'condition in the query, which Kysely compiles and SQLite prepares afresh for every statement (the store keeps ' +
        'no prepared statements).',
    );
  }
  if (!visibility.listPaging) {
    out.push(
      `GET /api/v1/machines has no paging (only ?filter; ?limit=50 answers ${visibility.limitParameterStatus}): ` +
        `every call returns all ${visibility.scopedItems.toLocaleString('en-US')} machines in the caller's scope ` +
        `(${(listAll.scopedBytes / 2 ** 20).toFixed(1)} MiB) and a master gets all ` +
        `${visibility.masterItems.toLocaleString('en-US')} (${(listAll.masterBytes / 2 ** 20).toFixed(1)} MiB). ` +
        '"A page deep in the list" cannot be asked for; both list targets read the whole list.',
    );
  }
  if (visibility.scopedItemsOutside > 0 || visibility.otherOrganizationStatus !== 404) {
    out.push(
      `LEAK: the scoped user saw ${visibility.scopedItemsOutside} machines of other organizations; ` +
        `another organization's machine answered ${visibility.otherOrganizationStatus}.`,
    );
  }
  const storeShare = store.scopedListMs.p50 / listAll.scoped.p50;
  out.push(
    `Scoped list: the store's query and row mapping take ${ms(store.scopedListMs.p50)} of the request's ` +
      `${ms(listAll.scoped.p50)} at p50 (${(storeShare * 100).toFixed(0)}%); the rest is machine views, JSON and HTTP ` +
      `for ${visibility.scopedItems.toLocaleString('en-US')} machines. Plan: ${store.scopedPlan.join(' / ')}.`,
  );
  if (store.scopedPlan.some((p) => /^SCAN machines/.test(p))) {
    out.push(
      'The scoped query scans every machine row: an organization scope becomes ' +
        "`group_id = 'org' or group_id like '%.org'` (a group and its subgroups), and a leading '%' can use no index, " +
        `so it reads ${visibility.masterItems.toLocaleString('en-US')} rows to return ${visibility.scopedItems.toLocaleString('en-US')} ` +
        `(store p50 ${ms(store.scopedListMs.p50)} against ${ms(store.masterListMs.p50)} for the master's 10x as many rows).`,
    );
  }
  const [indexed, ...pages] = store.pages;
  if (indexed) {
    out.push(
      `Found through the group_id index instead of the scan, the scoped list takes ${ms(indexed.ms.p50)} in the store ` +
        `(scan: ${ms(store.scopedListMs.p50)}): the time is in reading and mapping ${indexed.rows.toLocaleString('en-US')} rows, ` +
        'not in finding them, so no index brings the whole list under the target.',
    );
  }
  if (listAll.scoped.p95 > TARGETS.listP95Ms && pages.length > 0) {
    out.push(
      `With paging (${pages.map((p) => `${p.label} ${ms(p.ms.p95)} p95`).join(', ')} in the store), a page would be far ` +
        `under ${TARGETS.listP95Ms} ms: the miss is the missing paging of GET /machines (route, service and store interface), not the scope.`,
    );
  }
  return out;
}
