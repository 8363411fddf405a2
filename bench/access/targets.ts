import type { PairedResult } from './interleaved';
import type { ResolveMicroResult } from './resolve-micro';
import type { TargetResult, VisibilityCheck } from './results';

/** The targets. */
export const TARGETS = { listP95Ms: 100, permissionShare: 0.05 } as const;

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : 'n/a');
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)}x` : 'n/a');

/** The pieces the targets read. */
export interface TargetInputs {
  visibility: VisibilityCheck;
  /** GET /machines?limit=50, both callers. */
  firstPage: PairedResult;
  /** GET /machines?limit=50&after=<id 90% through the caller's own list>, both callers. */
  deepPage: PairedResult;
  getById: PairedResult;
  /** GET /server: authentication and the permission hooks, no store query. */
  getServer: PairedResult;
  micro: ResolveMicroResult;
}

/** PASS/MISS of every target; the list targets read the scoped caller's p95, with the ratio to the master's. */
export function evaluateTargets({
  visibility,
  firstPage,
  deepPage,
  getById,
  getServer,
  micro,
}: TargetInputs): TargetResult[] {
  const noLeak = visibility.scopedItemsOutside === 0 && visibility.otherOrganizationStatus === 404;
  const listNote = (p: PairedResult, where: string) =>
    `${where}${p.scoped.count} interleaved pairs, ${p.scopedBytes.toLocaleString('en-US')} bytes; p50 ${ms(p.scoped.p50)}; ` +
    `master p95 ${ms(p.master.p95)}, p50 ${ms(p.master.p50)}; ratio p95 ${ratio(p.ratioP95)}, p50 ${ratio(p.ratioP50)}`;
  const listOk = (p: PairedResult) =>
    visibility.listPaging &&
    noLeak &&
    p.scoped.count > 0 &&
    p.failures === 0 &&
    p.scoped.p95 <= TARGETS.listP95Ms;
  const s = visibility.scoped;
  const deepOk = s.deepPageMatches && visibility.master.deepPageMatches;
  // Medians on both sides: a garbage collection or another engineer's process landing on one
  // in-process sample would otherwise decide a mean of microseconds.
  const share = micro.scoped.cached.p50 / getById.scoped.p50;
  const masterShare = micro.master.cached.p50 / getById.master.p50;
  return [
    {
      name: 'Scoped user: machine list, first page (limit=50), p95',
      target: `≤ ${TARGETS.listP95Ms} ms`,
      measured: ms(firstPage.scoped.p95),
      pass: listOk(firstPage),
      note: listNote(firstPage, ''),
    },
    {
      name: 'Scoped user: machine list, a page deep in the list (limit=50, after at 90%), p95',
      target: `≤ ${TARGETS.listP95Ms} ms`,
      measured: ms(deepPage.scoped.p95),
      pass: listOk(deepPage) && deepOk,
      note: listNote(
        deepPage,
        `after item ${s.deepIndex.toLocaleString('en-US')} of ${s.items.toLocaleString('en-US')} (master: ` +
          `${visibility.master.deepIndex.toLocaleString('en-US')} of ${visibility.master.items.toLocaleString('en-US')})` +
          `${deepOk ? '' : ', DEEP PAGE NOT THE WALKED IDS'}; `,
      ),
    },
    {
      name: 'Scoped vs master, same read with the scope in its query (GET /machines/{id})',
      target: `≤ ${ratio(1 + TARGETS.permissionShare)} at p50`,
      measured: ratio(getById.ratioP50),
      pass: getById.failures === 0 && getById.ratioP50 <= 1 + TARGETS.permissionShare,
      note: `p50 ${ms(getById.scoped.p50)} vs ${ms(getById.master.p50)}, p95 ratio ${ratio(getById.ratioP95)}, ${getById.scoped.count} interleaved pairs`,
    },
    {
      name: 'Permission path, scoped vs master, same route without a store query (GET /server)',
      target: `≤ ${ratio(1 + TARGETS.permissionShare)} at p50`,
      measured: ratio(getServer.ratioP50),
      pass: getServer.failures === 0 && getServer.ratioP50 <= 1 + TARGETS.permissionShare,
      note: `p50 ${ms(getServer.scoped.p50)} vs ${ms(getServer.master.p50)}, p95 ratio ${ratio(getServer.ratioP95)}, ${getServer.scoped.count} interleaved pairs`,
    },
    {
      name: 'Permission check share of the request (resolve + require, in-process)',
      target: `≤ ${pct(TARGETS.permissionShare)}`,
      measured: pct(share),
      pass: share <= TARGETS.permissionShare,
      note: `p50 scoped ${(micro.scoped.cached.p50 * 1000).toFixed(1)} µs (mean ${(micro.scoped.cached.mean * 1000).toFixed(1)} µs) of GET /machines/{id} p50 ${ms(getById.scoped.p50)}; master ${pct(masterShare)}; uncached ${ms(micro.scoped.uncached.p50)} once per 500 ms per token`,
    },
  ];
}
