import type { ConcurrentResult, SequentialResult } from './api-probe';
import type { Backend } from './args';
import type { PageLoadSummary } from './browser-probe';
import type { ListCheck } from './prepare';
import type { TargetResult } from './results';

/** The issue's targets. */
export const TARGETS = { apiP95Ms: 300, interactiveP95Ms: 1500 } as const;

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ms` : 'n/a');

/** The pieces the targets read. */
export interface TargetInputs {
  backend: Backend;
  check: ListCheck;
  sequential: SequentialResult[];
  concurrent: ConcurrentResult;
  pages: PageLoadSummary[] | null;
  pageTitles: Record<string, string>;
}

/**
 * PASS/MISS of every target on one store. The API target reads every call's p95 for both
 * callers (the worst one decides); the page targets read the p95 of cold loads (a fresh
 * browser context, the console's scripts fetched too) for both callers, the worst deciding.
 * A leaking scoped list or a failed request is a MISS whatever the times.
 */
export function evaluateTargets(i: TargetInputs): TargetResult[] {
  const out: TargetResult[] = [];
  const leakFree = i.check.otherOrganizationStatus === 404;
  const worstSeq = i.sequential
    .flatMap((r) => [
      { r, who: 'master' as const, t: r.master },
      { r, who: 'scoped' as const, t: r.scoped },
    ])
    .sort((a, b) => b.t.client.p95 - a.t.client.p95)[0];
  const failures = i.sequential.reduce((s, r) => s + r.failures, 0);
  if (worstSeq) {
    out.push({
      backend: i.backend,
      name: `Machines page API calls (${i.sequential.length} calls x 2 users), one client at a time: every p95`,
      goal: `≤ ${TARGETS.apiP95Ms} ms`,
      measured: ms(worstSeq.t.client.p95),
      pass: worstSeq.t.client.p95 <= TARGETS.apiP95Ms && failures === 0 && leakFree,
      note:
        `worst: ${worstSeq.r.label}, ${worstSeq.who} (server's own p95 ${ms(worstSeq.t.server.p95)}, p50 ${ms(worstSeq.t.client.p50)}, ${worstSeq.t.client.count} requests; ` +
        `server CPU ${ms(worstSeq.r.serverCpuMsPerRequest)} a request${worstSeq.r.databaseCpuMsPerRequest === null ? '' : `, PostgreSQL ${ms(worstSeq.r.databaseCpuMsPerRequest)}`})` +
        `${failures > 0 ? `; ${failures} requests failed` : ''}${leakFree ? '' : '; the scoped user reached another organization'}`,
    });
  }
  const worstConc = [...i.concurrent.byCall].sort((a, b) => b.client.p95 - a.client.p95)[0];
  if (worstConc) {
    out.push({
      backend: i.backend,
      name: `Extra (not the issue's target): same calls, ${i.concurrent.clients} clients at once, every call's p95`,
      goal: `≤ ${TARGETS.apiP95Ms} ms`,
      measured: ms(worstConc.client.p95),
      pass: worstConc.client.p95 <= TARGETS.apiP95Ms && i.concurrent.failures === 0,
      note:
        `worst: ${worstConc.label}; all calls p95 ${ms(i.concurrent.all.p95)} (server's own ${ms(i.concurrent.server.p95)}), ` +
        `${i.concurrent.requestsPerSecond.toFixed(0)} requests/s${i.concurrent.failures > 0 ? `; ${i.concurrent.failures} failed` : ''}`,
    });
  }
  if (i.pages) {
    for (const [key, title] of Object.entries(i.pageTitles)) {
      const cold = i.pages.filter((s) => s.page === key && s.cache === 'cold');
      const warm = i.pages.filter((s) => s.page === key && s.cache === 'warm');
      const worst = [...cold].sort((a, b) => b.interactive.p95 - a.interactive.p95)[0];
      if (!worst) continue;
      const warmWorst = Math.max(...warm.map((s) => s.interactive.p95));
      const nextWorst = Math.max(...cold.map((s) => s.next.p95));
      out.push({
        backend: i.backend,
        name: `${title} page interactive in Chromium (fresh context, cold cache), p95`,
        goal: `≤ ${TARGETS.interactiveP95Ms} ms`,
        measured: ms(worst.interactive.p95),
        pass: worst.interactive.p95 <= TARGETS.interactiveP95Ms,
        note:
          `worst: ${worst.who} (${worst.loads} loads, p50 ${ms(worst.interactive.p50)}); warm cache p95 ${ms(warmWorst)}; ` +
          `a click on Next to page 2 shown p95 ${ms(nextWorst)}`,
      });
    }
  }
  return out;
}
