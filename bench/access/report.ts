import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignColumns } from '../support/columns';
import type { PairedResult } from './interleaved';
import type { AccessBenchResults } from './results';
import type { Timing } from './stats';

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ms` : 'n/a');
const us = (n: number) => (Number.isFinite(n) ? `${(n * 1000).toFixed(1)} µs` : 'n/a');
const dist = (t: Timing, f: (n: number) => string = ms) =>
  `p50 ${f(t.p50)}, p95 ${f(t.p95)}, max ${f(t.max)}`;
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function pairedRows(list: PairedResult[]): string[][] {
  return [
    ['Request (interleaved, one at a time)', 'Master user', 'Scoped user', 'Ratio p50 / p95'],
    ...list.map((p) => [
      p.master.count === p.scoped.count
        ? `${p.label} (${p.scoped.count} each)`
        : `${p.label} (${p.master.count} / ${p.scoped.count})`,
      `${dist(p.master)}, ${kib(p.masterBytes)}`,
      `${dist(p.scoped)}, ${kib(p.scopedBytes)}`,
      `${p.ratioP50.toFixed(3)} / ${p.ratioP95.toFixed(3)}${p.failures > 0 ? ` (${p.failures} failed: ${p.lastFailure})` : ''}`,
    ]),
  ];
}

/** The human-readable report: machine, fleet, measurements, targets, findings. */
export function formatReport(r: AccessBenchResults): string {
  const mc = r.machine;
  const f = r.fleet;
  const v = r.visibility;
  const s = r.store;
  const m = r.micro;
  const lines = [
    `Muster access benchmark (${new Date(mc.date).toISOString()}, code at ${r.revision})`,
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${(mc.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${mc.nodeVersion}, ` +
      `${mc.os}, data on ${mc.dataDirFilesystem}, load average at start ${mc.loadAverageAtStart.join(' ')}.`,
    `Load average at each measurement: ${Object.entries(r.loadAverages)
      .map(([k, l]) => `${k} ${l.join(' ')}`)
      .join('; ')}.`,
    'Server (SQLite) runs in this process; requests over loopback HTTP, kept-alive.',
    '',
    `Fleet: ${f.machines.toLocaleString('en-US')} machines in ${f.organizations.length} organizations, seeded in ${f.seconds.toFixed(1)} s; ` +
      `scoped user: role with machines.view, scope = organization ${f.scopedOrganization} (${f.scopedMachines.toLocaleString('en-US')} machines).`,
    `Visibility check (each list walked once through its pages, limit=1000, before timing): master ${v.masterItems.toLocaleString('en-US')} ` +
      `machines (${v.master.walkRequests} pages, ${v.master.walkMs.toFixed(0)} ms), scoped ${v.scopedItems.toLocaleString('en-US')} ` +
      `(${v.scoped.walkRequests} pages, ${v.scoped.walkMs.toFixed(0)} ms, ${v.scopedItemsOutside} outside its organization); ` +
      `another organization's machine answers ${v.otherOrganizationStatus} to the scoped user; paging ${v.listPaging ? 'available' : 'NOT available'}.`,
    `Deep page: after=${v.master.deepAfter} for the master (item ${v.master.deepIndex.toLocaleString('en-US')}), ` +
      `after=${v.scoped.deepAfter} for the scoped user (item ${v.scoped.deepIndex.toLocaleString('en-US')}); ` +
      `answers the walked ids: master ${v.master.deepPageMatches ? 'yes' : 'NO'}, scoped ${v.scoped.deepPageMatches ? 'yes' : 'NO'}.`,
    '',
    alignColumns(pairedRows([...r.lists, ...r.cheap])),
    '',
    alignColumns([
      ['Store alone (listMachines with the page, no HTTP/JSON)', 'Master user', 'Scoped user'],
      ...s.pages.map((p) => [
        `${p.label} (${p.scopedMs.count} each)`,
        `${p.masterRows} rows, ${dist(p.masterMs)}`,
        `${p.scopedRows} rows, ${dist(p.scopedMs)}`,
      ]),
      ['Query plan (deep page)', s.masterPlan.join(' / '), s.scopedPlan.join(' / ')],
    ]),
    '',
    alignColumns([
      ['Permission path in-process', 'Master user', 'Scoped user'],
      [
        `Bearer to Principal + require, server caches (${m.iterations})`,
        `mean ${us(m.master.cached.mean)}, ${dist(m.master.cached, us)}`,
        `mean ${us(m.scoped.cached.mean)}, ${dist(m.scoped.cached, us)}`,
      ],
      [
        `Same with empty caches (${m.uncachedIterations})`,
        dist(m.master.uncached, us),
        dist(m.scoped.uncached, us),
      ],
      [
        'require(permission) alone, mean',
        `${m.master.requireMicroseconds.toFixed(2)} µs`,
        `${m.scoped.requireMicroseconds.toFixed(2)} µs`,
      ],
    ]),
    '',
    alignColumns([
      ['', 'Target', 'Goal', 'Measured', 'Note'],
      ...r.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.name, t.target, t.measured, t.note]),
    ]),
  ];
  if (r.findings.length > 0) lines.push('', 'Findings:', ...r.findings.map((x) => `- ${x}`));
  return lines.join('\n');
}

const METHOD = `How it is measured:
- Seed: machine accounts are written straight into a fresh SQLite store (migrated by the
  server's code) in multi-row inserts before the server starts; machine number i belongs to
  organization i mod 10, so each organization's machines are spread evenly through the id
  order every list is sorted by. The real server then starts in this process (startServer).
- People: through the real API with the first admin token: a role with machines.view, a scope
  holding one organization, a master user (built-in master role and scope) and the scoped user,
  each with an API token from POST /tokens. Every timed request goes through the whole
  authentication hook (token verification, the user's pairs, a Principal) and the route's
  permission hook, and the store query carries the caller's scope.
- Pages: before timing, each caller's own list is walked once through GET /machines?limit=1000
  and its \`next\` cursors (checking that the scoped list holds only its organization). The
  first page is GET /machines?limit=50; the deep page is GET /machines?limit=50&after=<id>,
  where <id> is the item just before the one 90% of the way through that caller's own list
  (item 90,000 of 100,000 for the master, 9,000 of 10,000 for the scoped user), checked to
  answer exactly the walked ids at that position.
- Ratios: for every request the two callers take turns, one request at a time, and swap who
  goes first each round; warm-up rounds are not counted. A slow moment of the shared machine
  falls on both, so the ratio scoped/master is the number to read.
- "The permission check adds at most 5%" is read two ways. (1) The same cheap request that
  needs a permission (GET /machines/{id} of a machine deep in the scoped organization) for both
  callers: the master's check resolves to "everything" and its query has no scope condition,
  the scoped caller's check compiles its scope and its query carries the condition, so the
  ratio is what a scoped check and its query condition cost over the cheapest ones. GET /server
  (any signed-in caller, no store query) is the same comparison without the query: the ratio of
  authentication and the permission hooks alone. (2) In-process, with the server's
  own classes on the same store: PrincipalResolver.fromBearer + Principal.require timed alone
  (with the server's 500 ms caches, and with empty caches), as a share of that request's p50:
  the part of every request the permission path is, which (1) cannot see because the master
  pays it too.
- Store alone: the store's listMachines with the same pages on a second connection, and
  SQLite's EXPLAIN QUERY PLAN of the deep-page statement, to split a page request into the
  database and the rest.`;

/** Writes `<name>.json` and `<name>.md`; returns their paths. */
export function writeResults(
  r: AccessBenchResults,
  report: string,
  dir: string,
  name: string,
): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(
    md,
    [
      `# Access benchmark, ${r.fleet.machines.toLocaleString('en-US')} machines in ${r.fleet.organizations.length} organizations`,
      '',
      `Produced by \`npm run bench:access${r.commandLine ? ` -- ${r.commandLine}` : ''}\`; ` +
        'raw numbers in the JSON file next to this one.',
      '',
      '```',
      report,
      '```',
      '',
      METHOD,
      '',
    ].join('\n'),
  );
  return { json, md };
}
