import type { ConcurrentResult, SequentialResult } from './api-probe';
import type { BrowserProblems, PageLoad, PageLoadSummary } from './browser-probe';
import type { TargetResult } from './results';
import type { StoreProbe } from './store-probe';

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 1 : 0)} ms` : 'n/a');

/**
 * The steps of a plan that say how rows are found and ordered, without costs: SQLite's lines
 * as they are; PostgreSQL's plan nodes (not their detail lines) with the rows each produced.
 */
export function planSummary(plan: readonly string[]): string {
  if (!plan.some((line) => line.includes('(cost='))) return plan.slice(0, 4).join('; ');
  const nodes: string[] = [];
  for (const [i, line] of plan.entries()) {
    const removed = /Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(line);
    if (removed && nodes.length > 0) {
      nodes[nodes.length - 1] += `, ${removed[1]} filtered out`;
      continue;
    }
    if (i !== 0 && !line.includes('->')) continue;
    const rows = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)/.exec(line);
    const node = line
      .replace(/\s*\((cost|actual)[^)]*\)/g, '')
      .replace(/^[\s->]+/, '')
      .trim();
    nodes.push(rows ? `${node}: ${Number(rows[1]) * Number(rows[2])} rows` : node);
  }
  return nodes
    .slice(0, 4)
    .map((n) => `(${n})`)
    .join(' < ');
}

/** What the findings read. */
export interface FindingInputs {
  backend: 'sqlite' | 'postgres';
  /** Load average when the one-at-a-time calls were timed, and the machine's cores. */
  loadAverage: number[];
  cores: number;
  sequential: SequentialResult[];
  concurrent: ConcurrentResult;
  store: StoreProbe | null;
  browser: { summaries: PageLoadSummary[]; loads: PageLoad[]; problems: BrowserProblems } | null;
  targets: TargetResult[];
}

/**
 * What a statement of the store is for: the count of the whole list, the ids of the matches
 * when they may be few (select id ... limit: the store looks the page up by them then), or the
 * page itself.
 */
export function statementKind(statement: { sql: string }): 'count' | 'ids' | 'page' {
  if (/count\(/i.test(statement.sql)) return 'count';
  if (/^\s*select\s+"?id"?\s+from/i.test(statement.sql)) return 'ids';
  return 'page';
}
const isCount = (statement: { sql: string }) => statementKind(statement) === 'count';
const isPage = (statement: { sql: string }) => statementKind(statement) === 'page';
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(sorted.length / 2)] as number);
};

/**
 * Sentences that say where the time goes: the slowest calls split into the database, the rest
 * of the server and outside the server; what the list's count costs; the scope's cost; CPU per
 * request (what the machine's load does not inflate); concurrency; a cold page load split into
 * document, scripts, start-up, the list request and rendering. A missed target gets the
 * measured reason and the next step.
 */
export function deriveFindings(i: FindingInputs): string[] {
  const out: string[] = [];
  const byKey = new Map(i.store?.calls.map((c) => [c.key, c]) ?? []);
  const worstOf = (r: SequentialResult) => Math.max(r.master.client.p95, r.scoped.client.p95);
  const sorted = [...i.sequential].sort((a, b) => worstOf(b) - worstOf(a));
  for (const r of sorted.slice(0, 3)) {
    const who = r.scoped.client.p95 >= r.master.client.p95 ? 'scoped' : 'master';
    const t = r[who];
    const store = byKey.get(r.key);
    const db = store ? store[who] : null;
    const statements = store?.scopedStatements ?? [];
    out.push(
      `${r.label} (${who}): p95 ${ms(t.client.p95)} at the client, of which the server's own p95 ${ms(t.server.p95)}` +
        (db ? `; the store alone p50 ${ms(db.p50)} / p95 ${ms(db.p95)}` : '') +
        (statements.length > 0
          ? ` (the scoped user's statements: ${statements.map((st) => `${statementKind(st)} p50 ${ms(st.ms.p50)} [${planSummary(st.plan)}]`).join('; ')})`
          : '') +
        '.',
    );
  }
  const counts = (i.store?.calls ?? []).flatMap((c) => {
    const count = c.scopedStatements.find(isCount);
    const page = c.scopedStatements.find(isPage);
    return count && page ? [{ count: count.ms.p50, page: page.ms.p50, plan: planSummary(count.plan) }] : [];
  });
  if (counts.length > 0) {
    // The plans by how many calls used them: filters with their own index are the exception.
    const tally = new Map<string, number>();
    for (const c of counts) tally.set(c.plan, (tally.get(c.plan) ?? 0) + 1);
    const plans = [...tally.entries()].sort((a, b) => b[1] - a[1]).map(([plan, n]) => `${n} calls: ${plan}`);
    out.push(
      `Every list request also counts the whole list (the "of 100,000" of the pager): for the scoped user the count took a median ${ms(median(counts.map((c) => c.count)))} ` +
        `against ${ms(median(counts.map((c) => c.page)))} for the page itself (medians over the calls). Unless a filter has an index of its own, ` +
        `the count reads an index whole and tests every row against the scope (group_id = org or like '%.org', which no index can seek): ${plans.slice(0, 2).join(' | ')}.`,
    );
  }
  const scopeCost = i.sequential.filter((r) => r.ratioP95 >= 2 && r.scoped.client.p95 > 20);
  if (scopeCost.length > 0) {
    const ratios = scopeCost.map((r) => r.ratioP95);
    const filtered = (i.store?.calls ?? [])
      .flatMap((c) => c.scopedStatements.filter(isPage).map((st) => st.plan.join(' ')))
      .flatMap((plan) => [...plan.matchAll(/Rows Removed by Filter: (\d+)/g)].map((m) => Number(m[1])));
    out.push(
      `For ${scopeCost.length} of ${i.sequential.length} calls the scoped user's p95 is ${Math.min(...ratios).toFixed(1)}-${Math.max(...ratios).toFixed(1)}x the master's ` +
        `(all under ${ms(Math.max(...scopeCost.map((r) => r.scoped.client.p95)))}): the scoped count above, and a page walks its order's index past the other organizations' rows` +
        `${filtered.length > 0 ? ` (PostgreSQL's plans: a median ${median(filtered)} rows read and dropped for a page of 50)` : ''}.`,
    );
  }
  const tempSort = (i.store?.calls ?? []).filter((c) =>
    c.scopedStatements.some(
      (st) => isPage(st) && st.plan.some((l) => /USE TEMP B-TREE FOR LAST TERM/.test(l)),
    ),
  );
  if (tempSort.length > 0)
    out.push(
      `SQLite sorts in a temporary b-tree for ${tempSort.map((c) => c.label).join(', ')} ("USE TEMP B-TREE FOR LAST TERM OF ORDER BY"): ` +
        'the order by id repeats id as its tiebreak (order by id, id), which SQLite does not see is the same column; a small cost at 50 rows (the page query is about 1 ms).',
    );
  const cpu = i.sequential.map((r) => r.serverCpuMsPerRequest).sort((a, b) => a - b);
  const worstCpu = [...i.sequential].sort((a, b) => b.serverCpuMsPerRequest - a.serverCpuMsPerRequest)[0];
  const dbValues = i.sequential.flatMap((r) =>
    r.databaseCpuMsPerRequest === null ? [] : [r.databaseCpuMsPerRequest],
  );
  const worstDb = [...i.sequential].sort(
    (a, b) => (b.databaseCpuMsPerRequest ?? 0) - (a.databaseCpuMsPerRequest ?? 0),
  )[0];
  if (worstCpu)
    out.push(
      `CPU time per request, which other work on the machine does not inflate: the server process ${ms(cpu[0] as number)}-${ms(cpu[cpu.length - 1] as number)} ` +
        `(median ${ms(median(cpu))}; most: ${worstCpu.label})` +
        (i.backend === 'postgres'
          ? `, PostgreSQL's backends ${ms(Math.min(...dbValues))}-${ms(Math.max(...dbValues))} (median ${ms(median(dbValues))}; most: ${worstDb?.label})`
          : ', the SQLite queries included') +
        `. Load average ${i.loadAverage.join(' ')} on ${i.cores} cores while timing: wall times include waiting for a core.`,
    );
  const c = i.concurrent;
  const seqAll = i.sequential.flatMap((r) => [r.master.client.p95, r.scoped.client.p95]);
  out.push(
    `With ${c.clients} clients at once the p95 of all calls is ${ms(c.all.p95)} (server's own ${ms(c.server.p95)}, the server process busy ${(c.serverCoreShare * 100).toFixed(0)}% of a core); ` +
      `one at a time the calls' p95 ranged ${ms(Math.min(...seqAll))}-${ms(Math.max(...seqAll))}. Clients, server${i.backend === 'postgres' ? ', PostgreSQL' : ''} and the machine's other work share ${i.cores} cores.`,
  );
  if (i.browser) {
    for (const s of i.browser.summaries.filter((x) => x.cache === 'cold' && x.who === 'scoped')) {
      const p = s.split;
      out.push(
        `${s.page} page, cold, scoped (medians): document at ${ms(p.documentMs)}, script and style in at ${ms(p.assetsMs)}, ` +
          `the list asked at ${ms(p.listStartMs)} (${ms(p.listStartMs - p.assetsMs)} of script start-up and GET /me, which the page awaits before it asks for the list), ` +
          `answered in ${ms(p.listMs)} (server ${ms(p.listServerMs)}), rows and pager shown ${ms(p.renderMs)} later; interactive p50 ${ms(s.interactive.p50)}. ` +
          `The renderer's main thread needed ${ms(s.renderer.cpuMs)} of CPU for it, its tasks took ${ms(s.renderer.taskMs)} of wall time.`,
      );
    }
    if (i.browser.problems.count > 0)
      out.push(
        `The browser saw ${i.browser.problems.count} problems: ${i.browser.problems.first.join('; ')}.`,
      );
  }
  for (const t of i.targets.filter((x) => !x.pass))
    out.push(`MISS "${t.name}": ${t.measured}. ${nextStep(t, i, byKey)}`);
  return out;
}

/** The measured reason of a miss and what to do next, from the numbers of the run. */
function nextStep(
  t: TargetResult,
  i: FindingInputs,
  byKey: Map<string, StoreProbe['calls'][number]>,
): string {
  if (/Chromium/.test(t.name)) {
    const cold = i.browser?.summaries.filter((s) => s.cache === 'cold') ?? [];
    const worst = [...cold].sort((a, b) => b.interactive.p95 - a.interactive.p95)[0];
    if (!worst) return '';
    const p = worst.split;
    return (
      `Where the worst case (${worst.page}, ${worst.who}) spends its median load: script start-up and GET /me ${ms(p.listStartMs - p.assetsMs)}, the list request ${ms(p.listMs)}, ` +
      `rendering ${ms(p.renderMs)}; the renderer needs ${ms(worst.renderer.cpuMs)} of CPU but its tasks take ${ms(worst.renderer.taskMs)}: ` +
      'next, a quieter machine to tell waiting from work, then the largest part (a smaller first script, or asking for the list alongside GET /me).'
    );
  }
  const worst = [...i.concurrent.byCall].sort((a, b) => b.client.p95 - a.client.p95)[0];
  const seq = i.sequential.find((r) => r.key === (/clients at once/.test(t.name) ? worst?.key : undefined));
  const slowest =
    seq ??
    [...i.sequential].sort(
      (a, b) =>
        Math.max(b.master.client.p95, b.scoped.client.p95) -
        Math.max(a.master.client.p95, a.scoped.client.p95),
    )[0];
  if (!slowest) return '';
  const store = byKey.get(slowest.key);
  const statements = store?.scopedStatements ?? [];
  return (
    `The slowest, ${slowest.label}, costs the server ${ms(slowest.serverCpuMsPerRequest)} of CPU` +
    `${slowest.databaseCpuMsPerRequest === null ? '' : ` and PostgreSQL ${ms(slowest.databaseCpuMsPerRequest)}`} a request` +
    `${statements.length > 0 ? `; in the store: ${statements.map((st) => `${statementKind(st)} ${ms(st.ms.p50)} [${planSummary(st.plan)}]`).join('; ')}` : ''}. ` +
    'Next: an index the statement can seek instead of reading every row (for a contains-search on PostgreSQL, a trigram index), or a count that is not redone for every page.'
  );
}
