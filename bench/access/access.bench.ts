/**
 * `npm run bench:access [-- --machines N]`: what users, roles and scopes cost. With 100,000
 * machines in 10 organizations on a real server, a master user and a user scoped to one
 * organization (both made through the API, each with an API token) take turns asking for the
 * first page of the machine list, a page 90% of the way through their own list, and cheap requests; the permission path is also timed in-process. Prints a table and
 * writes bench/results/access-100k.json and .md; a missed target is reported as MISS and does
 * not fail the run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig, sqliteFileOf } from '../../packages/server/src/config';
import { startServer } from '../../packages/server/src/main';
import { benchMain } from '../support/bench-main';
import { gitRevision } from '../support/git-revision';
import { machineInfo } from '../support/machine-info';
import { say } from '../support/progress';
import { type AccessBenchOptions, parseAccessArgs, USAGE } from './args';
import { deriveFindings } from './findings';
import { measurePaired, type PairedResult } from './interleaved';
import { createCallers } from './people';
import { formatReport, writeResults } from './report';
import { measureResolve } from './resolve-micro';
import type { AccessBenchResults } from './results';
import { seedFleet } from './seed';
import { probeStore } from './store-probe';
import { evaluateTargets } from './targets';
import { checkVisibility, PAGE_LIMIT } from './visibility';

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function run(options: AccessBenchOptions): Promise<void> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'muster-access-bench-'));
  try {
    const machine = machineInfo(workDir);
    const revision = gitRevision();
    const config = loadServerConfig(
      {
        dataDir: workDir,
        httpPort: 0,
        agentPorts: [0],
        agentHost: '127.0.0.1',
        devicePort: 0,
        deviceHost: '127.0.0.1',
        logLevel: options.logLevel,
      },
      {},
    );
    const sqliteFile = sqliteFileOf(config);
    say(`seeding ${options.machines} machines in ${options.organizations} organizations`);
    const fleet = await seedFleet(
      sqliteFile,
      options.machines,
      options.organizations,
      options.groupsPerOrganization,
    );
    say(`seeded in ${fleet.seconds.toFixed(1)} s; starting the server`);
    const server = await startServer(config);
    try {
      const adminToken = server.createdAdminToken ?? readFileSync(server.adminTokenFile, 'utf8').trim();
      const callers = await createCallers(server.httpUrl, adminToken, fleet.scopedOrganization);
      const visibility = await checkVisibility(server.httpUrl, callers, fleet);
      say(
        `visibility: master ${visibility.masterItems}, scoped ${visibility.scopedItems}, paging ${visibility.listPaging}; ` +
          `deep pages after ${visibility.master.deepAfter} / ${visibility.scoped.deepAfter}`,
      );
      const loadAverages: Record<string, number[]> = {};
      const paired = async (label: string, master: string, scoped: string, rounds: number) => {
        loadAverages[label] = load();
        say(`measuring ${label} (${rounds} rounds, load ${loadAverages[label]?.join(' ')})`);
        const result = await measurePaired(server.httpUrl, callers, label, master, scoped, rounds, 5);
        say(`  master p50 ${result.master.p50.toFixed(2)} ms, scoped p50 ${result.scoped.p50.toFixed(2)} ms`);
        return result;
      };
      const first = `/machines?limit=${PAGE_LIMIT}`;
      const deepPage = (after: string) => `/machines?limit=${PAGE_LIMIT}&after=${encodeURIComponent(after)}`;
      const lists: PairedResult[] = [
        await paired(`GET ${first} (first page)`, first, first, options.listRequests),
        await paired(
          `GET /machines?limit=${PAGE_LIMIT}&after=… (page at 90% of own list)`,
          deepPage(visibility.master.deepAfter),
          deepPage(visibility.scoped.deepAfter),
          options.listRequests,
        ),
        await paired(
          `GET /machines?filter=${fleet.scopedGroup}`,
          `/machines?filter=${fleet.scopedGroup}`,
          `/machines?filter=${fleet.scopedGroup}`,
          options.filterRequests,
        ),
      ];
      const deep = `/machines/${fleet.deepScopedMachine}`;
      const cheap: PairedResult[] = [
        await paired('GET /machines/{id}', deep, deep, options.cheapRequests),
        await paired('GET /server', '/server', '/server', options.cheapRequests),
      ];
      loadAverages.store = load();
      say('timing the store query alone');
      const store = await probeStore(
        sqliteFile,
        fleet.scopedOrganization,
        PAGE_LIMIT,
        { master: visibility.master.deepAfter, scoped: visibility.scoped.deepAfter },
        Math.min(options.listRequests, 500),
      );
      loadAverages.micro = load();
      say('timing the permission path in-process');
      const micro = await measureResolve(sqliteFile, callers, options.microIterations);
      loadAverages.end = load();
      const [firstPage, deepPageResult] = lists;
      const [getById, getServer] = cheap;
      if (!firstPage || !deepPageResult || !getById || !getServer)
        throw new Error('a measurement is missing');
      const results: AccessBenchResults = {
        benchmark: 'access',
        machine,
        revision,
        commandLine: process.argv.slice(2).join(' '),
        config: { ...options, outDir: undefined },
        fleet,
        visibility,
        loadAverages,
        lists,
        cheap,
        store,
        micro,
        targets: evaluateTargets({
          visibility,
          firstPage,
          deepPage: deepPageResult,
          getById,
          getServer,
          micro,
        }),
        findings: deriveFindings({ visibility, firstPage, deepPage: deepPageResult, getById, store }),
        durationSeconds: (performance.now() - started) / 1000,
      };
      const report = formatReport(results);
      process.stdout.write(`\n${report}\n\n`);
      const written = writeResults(results, report, options.outDir, options.name);
      say(`wrote ${written.json} and ${written.md}`);
    } finally {
      await server.close();
    }
  } finally {
    if (options.keepDataDir) say(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

await benchMain('bench:access', USAGE, () => parseAccessArgs(process.argv.slice(2)), run);
