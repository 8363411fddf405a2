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
 * Sentences that say where the time goes: the slowest call split into the database, the rest
 * of the server and outside the server; the scope's cost where it is large; concurrency; and a
 * cold page load split into document, scripts, start-up, the list request and rendering. A
 * missed target gets the measured reason and the next step.
 */
export function deriveFindings(i: FindingInputs): string[] {
  const out: string[] = [];
  const byKey = new Map(i.store?.calls.map((c) => [c.key, c]) ?? []);
  const sorted = [...i.sequential].sort(
    (a, b) =>
      Math.max(b.master.client.p95, b.scoped.client.p95) - Math.max(a.master.client.p95, a.scoped.client.p95),
  );
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
          ? ` (scoped statements: ${statements.map((s) => `${s.sql.trimStart().slice(0, 6)} p50 ${ms(s.ms.p50)} [${planSummary(s.plan)}]`).join('; ')})`
          : '') +
        '.',
    );
  }
  for (const r of i.sequential) {
    if (r.ratioP95 >= 2 && r.scoped.client.p95 > 20)
      out.push(
        `${r.label}: the scoped user's p95 is ${r.ratioP95.toFixed(1)}x the master's (${ms(r.scoped.client.p95)} vs ${ms(r.master.client.p95)}): the scope condition makes the database read more rows for the same page.`,
      );
  }
  const cpu = i.sequential.map((r) => r.serverCpuMsPerRequest).sort((a, b) => a - b);
  const worstCpu = [...i.sequential].sort((a, b) => b.serverCpuMsPerRequest - a.serverCpuMsPerRequest)[0];
  const dbValues = i.sequential.flatMap((r) =>
    r.databaseCpuMsPerRequest === null ? [] : [r.databaseCpuMsPerRequest],
  );
  const dbCpu = dbValues.length > 0 ? `${ms(Math.min(...dbValues))}-${ms(Math.max(...dbValues))}` : 'n/a';
  if (worstCpu)
    out.push(
      `The server process's CPU time per request, which other work on the machine does not inflate, is ${ms(cpu[0] as number)}-${ms(cpu[cpu.length - 1] as number)} ` +
        `(median ${ms(cpu[Math.floor(cpu.length / 2)] as number)}; most: ${worstCpu.label})${i.backend === 'postgres' ? `; PostgreSQL's backends add ${dbCpu}` : ', the SQLite queries included'}; ` +
        `load average ${i.loadAverage.join(' ')} on ${i.cores} cores while timing, so wall times include waiting for a core.`,
    );
  const c = i.concurrent;
  const seqAll = i.sequential.flatMap((r) => [r.master.client.p95, r.scoped.client.p95]);
  out.push(
    `With ${c.clients} clients at once the p95 of all calls is ${ms(c.all.p95)} (server's own ${ms(c.server.p95)}); ` +
      `one at a time the calls' p95 ranged ${ms(Math.min(...seqAll))}-${ms(Math.max(...seqAll))}. The server answers one request at a time on one event loop, and client, server and browser share the cores.`,
  );
  if (i.browser) {
    for (const s of i.browser.summaries.filter((x) => x.cache === 'cold' && x.who === 'scoped')) {
      const p = s.split;
      out.push(
        `${s.page} page, cold, scoped (medians): document at ${ms(p.documentMs)}, script and style in at ${ms(p.assetsMs)}, ` +
          `the list asked at ${ms(p.listStartMs)} (${ms(p.listStartMs - p.assetsMs)} of script start-up and the session check), ` +
          `answered in ${ms(p.listMs)} (server ${ms(p.listServerMs)}), rows and pager shown ${ms(p.renderMs)} later; interactive p50 ${ms(s.interactive.p50)}. ` +
          `The renderer's main thread needed ${ms(s.renderer.cpuMs)} of CPU for it, its tasks took ${ms(s.renderer.taskMs)} of wall time.`,
      );
    }
    if (i.browser.problems.count > 0)
      out.push(
        `The browser saw ${i.browser.problems.count} problems: ${i.browser.problems.first.join('; ')}.`,
      );
  }
  for (const t of i.targets.filter((x) => !x.pass)) {
    out.push(`MISS "${t.name}": ${t.measured} (${t.note}). Next step: see the split above; ${nextStep(t)}`);
  }
  return out;
}

function nextStep(t: TargetResult): string {
  if (/Chromium/.test(t.name))
    return 'where the cold load spends its time (script start-up vs the list request vs rendering) says whether to split the script bundle, start the list request before the session check, or render fewer rows.';
  return 'when the store alone is most of it, the query plan names the index to add or the count to avoid; when the server time is small next to the client time, the time is lost to the shared machine (queueing), not to the server.';
}
