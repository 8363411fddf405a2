import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timing } from '../access/stats';
import { alignColumns } from '../support/columns';
import type { CallerTiming } from './api-probe';
import { planSummary, statementKind } from './findings';
import type { BackendResults, ConsoleBenchResults } from './results';

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 1 : 0)}` : 'n/a');
const dist = (t: Timing) => `${ms(t.p50)} / ${ms(t.p95)} / ${ms(t.max)}`;
const int = (n: number) => n.toLocaleString('en-US');
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const caller = (t: CallerTiming) => `${dist(t.client)} (${ms(t.server.p95)})`;

function apiTable(b: BackendResults): string {
  return alignColumns([
    [
      'API call, one at a time (ms)',
      'master p50 / p95 / max (server p95)',
      'scoped p50 / p95 / max (server p95)',
      'CPU/request: server (database)',
      'items, total, size',
      'p95 scoped/master',
    ],
    ...b.sequential.map((r) => [
      r.label,
      caller(r.master),
      caller(r.scoped),
      `${ms(r.serverCpuMsPerRequest)}${r.databaseCpuMsPerRequest === null ? '' : ` (${ms(r.databaseCpuMsPerRequest)})`}`,
      `${r.master.items}/${r.scoped.items}, ${r.master.total ?? '-'}/${r.scoped.total ?? '-'}, ${kib(r.master.bytes)}`,
      `${r.ratioP95.toFixed(2)}${r.failures > 0 ? ` (${r.failures} failed: ${r.lastFailure})` : ''}`,
    ]),
  ]);
}

function concurrentTable(b: BackendResults): string {
  const c = b.concurrent;
  return [
    `${c.clients} clients at once, ${int(c.requests)} requests in ${c.seconds.toFixed(1)} s (${c.requestsPerSecond.toFixed(0)}/s): ` +
      `client p50 / p95 / max ${dist(c.all)} ms, server's own ${dist(c.server)} ms; server CPU ${ms(c.serverCpuMsPerRequest)} ms a request${c.databaseCpuMsPerRequest === null ? '' : ` (PostgreSQL ${ms(c.databaseCpuMsPerRequest)} ms)`}, ${(c.serverCoreShare * 100).toFixed(0)}% of a core${c.failures > 0 ? `, ${c.failures} failed (${c.lastFailure})` : ''}.`,
    alignColumns([
      ['Same calls, concurrent (ms)', 'p50 / p95 / max'],
      ...c.byCall.map((x) => [x.label, `${dist(x.client)} (${x.client.count})`]),
    ]),
  ].join('\n');
}

function storeTable(b: BackendResults): string {
  const s = b.store;
  if (!s) return 'Store alone: not measured.';
  return alignColumns([
    [
      'Store alone: listMachinePage in-process (ms)',
      'master p50 / p95',
      'scoped p50 / p95',
      "scoped user's statements: p50 [plan]",
    ],
    ...s.calls.map((c) => [
      c.label,
      `${ms(c.master.p50)} / ${ms(c.master.p95)}`,
      `${ms(c.scoped.p50)} / ${ms(c.scoped.p95)}`,
      c.scopedStatements
        .map((st) => `${statementKind(st)} ${ms(st.ms.p50)} [${planSummary(st.plan)}]`)
        .join('; '),
    ]),
  ]);
}

function browserTable(b: BackendResults): string {
  const br = b.browser;
  if (!br) return 'Chromium: not measured (--no-browser).';
  return [
    alignColumns([
      [
        'Page in Chromium (ms from navigation start)',
        'interactive p50 / p95 / max',
        'Next p50 / p95',
        'medians: document, scripts, list asked at, +list answer (server), +render',
        'renderer CPU (task time)',
      ],
      ...br.summaries.map((s) => [
        `${s.page}, ${s.who}, ${s.cache} (${s.loads})`,
        dist(s.interactive),
        `${ms(s.next.p50)} / ${ms(s.next.p95)}`,
        `${ms(s.split.documentMs)}, ${ms(s.split.assetsMs)}, ${ms(s.split.listStartMs)}, ` +
          `+${ms(s.split.listMs)} (${ms(s.split.listServerMs)}), +${ms(s.split.renderMs)}`,
        `${ms(s.renderer.cpuMs)} (${ms(s.renderer.taskMs)})`,
      ]),
    ]),
    `Browser problems (console errors, uncaught exceptions, 5xx): ${br.problems.count}${br.problems.first.length > 0 ? `: ${br.problems.first.join('; ')}` : ''}.`,
  ].join('\n');
}

function backendSection(b: BackendResults): string {
  const f = b.fleet;
  const c = b.check;
  return [
    `== ${b.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ==`,
    `Fleet: ${int(f.machines)} machines in ${f.organizations.length} organizations (${f.organizations
      .map((o) => `${o.name} ${int(o.machines)}`)
      .join(', ')}), ${f.groupsPerOrganization} groups each; seeded in ${f.seconds.toFixed(1)} s; ` +
      `statuses ${Object.entries(f.statuses)
        .map(([k, v]) => `${k} ${int(v)}`)
        .join(
          ', ',
        )}; temporary ${int(f.temporary)}, bound ${int(f.bound)}, settings not confirmed ${int(f.pendingSettings)}. ` +
      `Server on the seeded store answered ${b.restartSeconds.toFixed(1)} s after its start.`,
    `Scoped user: organization ${f.scopedOrganization} (${int(f.scopedMachines)} machines). Lists walked before timing (limit ${c.shape.maxLimit}): ` +
      `master ${int(c.master.items)} (${int(c.master.distinct)} distinct, ${c.master.walkRequests} pages, ${c.master.walkMs.toFixed(0)} ms), ` +
      `scoped ${int(c.scoped.items)} (${int(c.scoped.distinct)} distinct, only ${Object.keys(c.scoped.organizations).join(', ')}); ` +
      `another organization's machine answers ${c.otherOrganizationStatus} to the scoped user; deep pages start at item ` +
      `${int(c.master.deep.index)} / ${int(c.scoped.deep.index)} and answer the walked ids: ${c.master.deep.matches && c.scoped.deep.matches ? 'yes' : 'NO'}.`,
    ...(c.sorted
      ? [
          `Also walked ${c.sorted.query}: master ${int(c.sorted.master.items)} (${int(c.sorted.master.distinct)} distinct, in order: ${c.sorted.master.inOrder ? 'yes' : 'NO'}, ${c.sorted.master.walkMs.toFixed(0)} ms), ` +
            `scoped ${int(c.sorted.scoped.items)} (${int(c.sorted.scoped.distinct)} distinct, in order: ${c.sorted.scoped.inOrder ? 'yes' : 'NO'}); ` +
            `its deep pages answer the walked ids: ${c.sorted.master.deep.matches && c.sorted.scoped.deep.matches ? 'yes' : 'NO'}.`,
        ]
      : []),
    `List API query parameters: ${c.shape.parameters.join(', ')}${
      Object.keys(c.shape.enums).length > 0
        ? ` (${Object.entries(c.shape.enums)
            .map(([k, v]) => `${k}: ${v.join('|')}`)
            .join('; ')})`
        : ''
    }.`,
    `Load average at each phase: ${Object.entries(b.loadAverages)
      .map(([k, l]) => `${k} ${l.join(' ')}`)
      .join('; ')}.`,
    '',
    apiTable(b),
    '',
    concurrentTable(b),
    '',
    storeTable(b),
    '',
    browserTable(b),
  ].join('\n');
}

/** The human-readable report: machine, per store the measurements, then targets and findings. */
export function formatReport(r: ConsoleBenchResults): string {
  const mc = r.machine;
  const targets = r.backends.flatMap((b) => b.targets);
  return [
    `Muster console benchmark (${mc.date}, code at ${r.revision})`,
    ...(r.uncommittedPaths.length > 0
      ? [`Measured with uncommitted changes to: ${r.uncommittedPaths.join(', ')}.`]
      : []),
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${(mc.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${mc.nodeVersion}, ` +
      `${mc.os}, data on ${mc.dataDirFilesystem}, load average at start ${mc.loadAverageAtStart.join(' ')}.`,
    `Server: a real \`muster server\` process (the compiled build, as \`npm start\` runs it), default log level (info, one line per request); ` +
      `client: this process over loopback HTTP, session cookies; browser: Debian's Chromium ${r.console.builtByBench ? '(console built from source by the bench' : `(console from ${r.console.dir}`}, ` +
      `${kib(r.console.assetBytes)} of script and style). All three share the machine's ${mc.cores} cores.`,
    '',
    ...r.backends.flatMap((b) => [backendSection(b), '']),
    alignColumns([
      ['', 'Store', 'Target', 'Goal', 'Measured', 'Note'],
      ...targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.backend, t.name, t.goal, t.measured, t.note]),
    ]),
    '',
    'Findings:',
    ...r.backends.flatMap((b) => b.findings.map((f) => `- ${b.backend}: ${f}`)),
  ].join('\n');
}

const HOW = `How it is measured:
- Server: \`muster server\` (packages/cli/bin/muster.mjs, as \`npm start\` runs it) is started
  once on an empty store so that it makes and migrates it, stopped, and started again after the
  fleet was written into that store in multi-row inserts (the columns the server's own
  \`seedMachines\` test helper writes, plus what an agent that checked in leaves: first and last
  check-in, an inventory, the OS column, agent version, last logged-on user). On PostgreSQL the
  store is a database made for the run (and dropped after it), vacuumed and analyzed after the
  load as autovacuum would. No agent is connected: nobody is online (100,000 real agents are
  issue 12's work), so the status sort sees three statuses and the logged-on-user sort none.
- Fleet: 12 organizations of unequal size (30% down to 1%), 8 groups each (two of them
  subgroups); machine names do not follow the insertion order. The scoped user holds one
  organization (7%) through a role and a scope made through the API, like the master user;
  both sign in with a password (POST /session) and send the session cookie, as the console does.
- Before timing, each user's whole list is walked through its pages (checking that no machine
  repeats or is missed and that the scoped list holds only its organization), which also gives
  the cursor of a page 90% of the way through each user's own list.
- API calls: GET /me (every page awaits it) and each list request the Machines and Check-In
  Control pages make (first page, next page by its cursor, a page 90% deep by id and by newest
  check-in, a group filter, wildcard filters, every sort column both ways, a status filter, a
  search) are asked 100 times per user (--requests), one request at a time, the two users taking
  turns (after 3 warm-up rounds). Client time is from sending the request to the last byte of
  the answer; the server's own time of the same request comes from its request log (Fastify's
  elapsed time, receipt to answer sent); the difference is loopback, queueing on the shared
  cores and the client. CPU per request is the server process's CPU time (and on PostgreSQL
  that of the run database's backends, from /proc) over all of a call's requests: what a
  request costs whatever else the machine does. Then the same calls from 4 clients at once.
  "Store alone" runs the store's own listMachinePage in this process on the same database and
  explains each statement it runs (the page, the count of the whole list, the ids of few
  matches when the store asks for them first).
- Pages: each round opens a fresh Chromium context (no cache, signed in through POST /session)
  and navigates to the page (cold: the console's script and style are fetched), clicks Next,
  then navigates to the page again in the same tab (warm: script from the cache) and clicks Next.
  "Interactive" is the first frame (requestAnimationFrame, then a task) in which the list's
  table body holds rows and the pager's Next button is enabled: the pager enables Next only
  when a page has arrived and nothing is loading, and React renders rows and pager in one
  commit, so a click then works; every load then clicks Next (through Playwright's role
  locator) and waits for page 2 (first row changed, Previous enabled): "Next" is that click to
  the frame showing page 2. Times are the page's own performance.now() from navigation start;
  the split comes from the page's Resource Timing (document, scripts, the API request that
  brought the rows) and the server's log; the renderer's main-thread CPU time to interactive
  from Chromium's Performance metrics. With 20 rounds, p95 is the second slowest.
- Targets: "API p95 ≤ 300 ms" reads every call's one-at-a-time p95 for both users (the worst
  decides); "interactive within 1.5 s" reads the cold loads' p95 for each user (the worst
  decides). The 4-client run is reported as an extra, not the issue's target.
- Ratios, CPU times and load averages are reported because the machine is shared: other work
  on it shows in every wall time.`;

/** Writes <name>.json and <name>.md into `outDir`. */
export function writeResults(
  r: ConsoleBenchResults,
  report: string,
  outDir: string,
  name: string,
): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, `${name}.json`);
  const md = join(outDir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(
    md,
    `# Console benchmark, ${r.backends[0]?.fleet.machines.toLocaleString('en-US') ?? '?'} machines\n\n` +
      'Produced by `npm run bench:console`; raw numbers in the JSON file next to this one.\n\n' +
      `\`\`\`\n${report}\n\`\`\`\n\n${HOW}\n`,
  );
  return { json, md };
}
