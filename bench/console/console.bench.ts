/**
 * `npm run bench:console [-- options]`: the web console with 100,000 machines. A real
 * `muster server` process per store (SQLite, then PostgreSQL), seeded with the fleet; the
 * Machines page's API calls timed from a separate client as a master user and a user scoped
 * to one organization (one at a time, then several clients at once); the Machines and Check-In
 * Control pages loaded in Debian's Chromium until they are interactive. Prints a table and
 * writes bench/results/console-100k.json and .md; a missed target is reported as MISS with
 * its measured reason and does not fail the run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../e2e/browser/support/chromium';
import { benchMain } from '../support/bench-main';
import { gitRevision } from '../support/git-revision';
import { machineInfo } from '../support/machine-info';
import { REPO_ROOT } from '../support/paths';
import { say } from '../support/progress';
import { measureConcurrent, measureSequential, type SequentialResult } from './api-probe';
import { type Backend, type ConsoleBenchOptions, parseConsoleArgs, USAGE } from './args';
import { type SeededServer, startSeededServer } from './backend';
import { measurePages, TIMED_PAGES } from './browser-probe';
import { type ConsoleBuild, consoleBuild } from './console-build';
import { deriveFindings } from './findings';
import { createCallers } from './people';
import { prepareCalls } from './prepare';
import { formatReport, writeResults } from './report';
import type { BackendResults, ConsoleBenchResults } from './results';
import { ServerLog } from './server-log';
import { probeStore } from './store-probe';
import { evaluateTargets } from './targets';

/** Paths under packages/ that differ from HEAD: the "+changes" of the revision, named. */
function uncommittedUnderPackages(): string[] {
  try {
    return execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
  } catch {
    return [];
  }
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function measureBackend(seeded: SeededServer, options: ConsoleBenchOptions): Promise<BackendResults> {
  const { backend, httpUrl, fleet } = seeded;
  const loadAverages: Record<string, number[]> = { start: load() };
  const log = new ServerLog(seeded.server.proc);
  const serverPid = seeded.server.proc.child.pid;
  if (serverPid === undefined) throw new Error('the server process has no pid');
  const cpu = {
    serverPid,
    database:
      'postgresUrl' in seeded.location ? new URL(seeded.location.postgresUrl).pathname.slice(1) : null,
  };
  const callers = await createCallers(httpUrl, seeded.adminToken, fleet.scopedOrganization);
  say(`${backend}: walking both users' lists`);
  const { check, calls } = await prepareCalls(httpUrl, callers, fleet);
  say(
    `${backend}: master ${check.master.items} machines in ${check.master.walkMs.toFixed(0)} ms, scoped ${check.scoped.items}; ${calls.length} calls to time`,
  );
  loadAverages.sequential = load();
  const sequential: SequentialResult[] = [];
  for (const call of calls) {
    const r = await measureSequential(httpUrl, callers, call, options.requests, log, cpu);
    sequential.push(r);
    say(
      `${backend} ${call.label}: p95 master ${ms(r.master.client.p95)} (server ${ms(r.master.server.p95)}), ` +
        `scoped ${ms(r.scoped.client.p95)} (server ${ms(r.scoped.server.p95)}), server CPU ${ms(r.serverCpuMsPerRequest)} a request${r.databaseCpuMsPerRequest === null ? '' : ` (database ${ms(r.databaseCpuMsPerRequest)})`}${r.failures > 0 ? `, ${r.failures} failed: ${r.lastFailure}` : ''}`,
    );
  }
  loadAverages.concurrent = load();
  say(`${backend}: ${options.clients} clients at once`);
  const concurrent = await measureConcurrent(
    httpUrl,
    callers,
    calls,
    options.clients,
    options.concurrentRequests,
    log,
    cpu,
  );
  say(`${backend}: concurrent p95 ${ms(concurrent.all.p95)} (server ${ms(concurrent.server.p95)})`);
  loadAverages.store = load();
  say(`${backend}: the store alone`);
  const store = await probeStore(seeded.location, fleet, calls, Math.min(options.requests, 30));
  let browser: BackendResults['browser'] = null;
  if (!options.skipBrowser) {
    loadAverages.browser = load();
    const chromium = await launchChromium();
    try {
      browser = await measurePages(chromium, httpUrl, callers, options.browserRounds, log, (m) =>
        say(`${backend} ${m}`),
      );
    } finally {
      await chromium.close();
    }
  }
  loadAverages.end = load();
  const pageTitles = Object.fromEntries(TIMED_PAGES.map((p) => [p.key, p.title]));
  const targets = evaluateTargets({
    backend,
    check,
    sequential,
    concurrent,
    pages: browser?.summaries ?? null,
    pageTitles,
  });
  return {
    backend,
    fleet,
    restartSeconds: seeded.restartSeconds,
    check,
    calls,
    sequential,
    concurrent,
    store,
    browser,
    loadAverages,
    targets,
    findings: deriveFindings({
      backend,
      loadAverage: loadAverages.sequential ?? [],
      cores: cpus().length,
      sequential,
      concurrent,
      store,
      browser,
      targets,
    }),
  };
}

async function run(options: ConsoleBenchOptions): Promise<void> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'muster-console-bench-'));
  try {
    const machine = machineInfo(workDir);
    const revision = gitRevision();
    const uncommittedPaths = uncommittedUnderPackages();
    say('building the console');
    const built: ConsoleBuild = consoleBuild(options.consoleDir, join(workDir, 'console'));
    const backends: BackendResults[] = [];
    for (const backend of options.backends as Backend[]) {
      const seeded = await startSeededServer(
        backend,
        options.machines,
        options.postgresAdminUrl,
        options.keepDataDir,
        built.dir,
      );
      try {
        backends.push(await measureBackend(seeded, options));
      } finally {
        await seeded.close();
      }
    }
    const { outDir: _outDir, ...config } = options;
    const results: ConsoleBenchResults = {
      benchmark: 'console',
      machine,
      revision,
      uncommittedPaths,
      commandLine: process.argv.slice(2).join(' '),
      config,
      console: built,
      backends,
      durationSeconds: (performance.now() - started) / 1000,
    };
    const report = formatReport(results);
    process.stdout.write(`\n${report}\n\n`);
    const written = writeResults(results, report, options.outDir, options.name);
    say(`wrote ${written.json} and ${written.md}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await benchMain('bench:console', USAGE, () => parseConsoleArgs(process.argv.slice(2)), run);
