import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignColumns } from '../support/columns';
import type { ToolName } from './args';
import type { CommandProbeResult, PassResult, ReplicationBenchResults, WorkloadResult } from './results';
import { ratio, wireTotal } from './targets';

const MIB = 2 ** 20;
const fixed = (n: number | null | undefined, digits: number): string =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
const int = (n: number | null | undefined): string =>
  n !== null && n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
const mib = (bytes: number | null | undefined, digits = 1): string =>
  bytes === null || bytes === undefined ? 'n/a' : fixed(bytes / MIB, digits);
const x = (r: number | null): string => (r === null ? 'n/a' : `${r.toFixed(2)}x`);
const gib = (bytes: number): string => `${fixed(bytes / 2 ** 30, 2)} GiB`;

const cpuTotal = (p: PassResult): number | null =>
  p.sender.cpuSeconds === null || p.receiver.cpuSeconds === null
    ? null
    : p.sender.cpuSeconds + p.receiver.cpuSeconds;
const rssTotal = (p: PassResult): number | null =>
  p.sender.peakRssBytes === null || p.receiver.peakRssBytes === null
    ? null
    : p.sender.peakRssBytes + p.receiver.peakRssBytes;

function mainTable(workloads: readonly WorkloadResult[], tools: readonly ToolName[]): string {
  const rows: string[][] = [
    [
      'Workload',
      'Tool',
      'Wall s',
      '+flush s',
      'MiB/s',
      'Up MiB',
      'Down MiB',
      'Send CPU s',
      'Send RSS MiB',
      'Recv CPU s',
      'Recv RSS MiB',
      'Check',
    ],
  ];
  for (const w of workloads) {
    for (const [i, tool] of tools.entries()) {
      const p = w.passes[tool];
      if (!p) continue;
      const throughput = w.filesBytes > 0 ? fixed(w.filesBytes / MIB / p.wallSeconds, 0) : '-';
      rows.push([
        i === 0 ? w.id : '',
        tool,
        fixed(p.wallSeconds, 2),
        fixed(p.flushSeconds, 2),
        throughput,
        mib(p.wire.clientToServer, 2),
        mib(p.wire.serverToClient, 2),
        fixed(p.sender.cpuSeconds, 2),
        mib(p.sender.peakRssBytes, 0),
        fixed(p.receiver.cpuSeconds, 2),
        mib(p.receiver.peakRssBytes, 0),
        p.check?.ok && !p.error ? 'ok' : 'FAIL',
      ]);
    }
  }
  return alignColumns(rows);
}

function ratioTable(workloads: readonly WorkloadResult[]): string {
  const rows: string[][] = [
    [
      'Muster / rsync',
      'time/ssh',
      'time/daemon',
      'wire/ssh',
      'wire/daemon',
      'CPU/ssh',
      'CPU/daemon',
      'RSS/ssh',
      'RSS/daemon',
    ],
  ];
  for (const w of workloads) {
    const m = w.passes.muster;
    const s = w.passes['rsync-ssh'];
    const d = w.passes['rsync-daemon'];
    if (!m) continue;
    rows.push([
      w.id,
      x(ratio(m.wallSeconds, s?.wallSeconds)),
      x(ratio(m.wallSeconds, d?.wallSeconds)),
      x(s ? ratio(wireTotal(m), wireTotal(s)) : null),
      x(d ? ratio(wireTotal(m), wireTotal(d)) : null),
      x(s ? ratio(cpuTotal(m), cpuTotal(s)) : null),
      x(d ? ratio(cpuTotal(m), cpuTotal(d)) : null),
      x(s ? ratio(rssTotal(m), rssTotal(s)) : null),
      x(d ? ratio(rssTotal(m), rssTotal(d)) : null),
    ]);
  }
  return alignColumns(rows);
}

function engineTable(workloads: readonly WorkloadResult[]): string {
  const rows: string[][] = [
    [
      'Muster',
      'Files sent',
      'Literal MiB',
      'Matched MiB',
      'From memo MiB',
      'Resumed MiB',
      'Connect ms',
      'Tail ms',
      'Slowest files (s)',
    ],
  ];
  for (const w of workloads) {
    const m = w.passes.muster?.muster;
    if (!m) continue;
    const s = m.summary;
    const slow = m.phases.slowestFiles
      .slice(0, 3)
      .map((f) => `${f.path.split('/').pop()} ${fixed(f.ms / 1000, 1)}`)
      .join(', ');
    const others =
      m.phases.otherFiles > 0
        ? `; ${m.phases.otherFiles} others ${fixed(m.phases.otherFilesMs / 1000, 1)}`
        : '';
    rows.push([
      w.id,
      int(s.filesSent),
      mib(s.literalBytes, 1),
      mib(s.matchedBytes, 1),
      mib(s.rememberedBytes, 1),
      mib(s.resumedBytes, 1),
      int(m.phases.connectMs),
      int(m.phases.tailMs),
      `${slow}${others}`,
    ]);
  }
  return alignColumns(rows);
}

function rsyncTable(workloads: readonly WorkloadResult[], tool: ToolName): string {
  // rsync's "File list size" is 0 with incremental recursion (the default): it is not shown.
  const rows: string[][] = [
    [tool, 'Files sent', 'Literal MiB', 'Matched MiB', 'Bytes sent', 'Bytes received'],
  ];
  for (const w of workloads) {
    const r = w.passes[tool]?.rsync;
    if (!r) continue;
    rows.push([
      w.id,
      int(r.filesTransferred),
      mib(r.literalBytes, 1),
      mib(r.matchedBytes, 1),
      int(r.totalBytesSent),
      int(r.totalBytesReceived),
    ]);
  }
  return alignColumns(rows);
}

function resumeLines(w: WorkloadResult | undefined): string[] {
  if (!w?.resume) return [];
  const killed = Object.values(w.resume)[0]?.killed ?? 'sender';
  const lines = [
    killed === 'sender'
      ? `${w.id} resume (sender killed with SIGKILL once about half the file had gone through the proxy):`
      : `${w.id} resume (the proxy cut the link once about half the file had gone through, the receiving side ` +
        'was killed with SIGKILL as soon as it had gone quiet, having dealt with what reached it):',
  ];
  for (const [tool, r] of Object.entries(w.resume)) {
    const [a, b] = r.attempts;
    lines.push(
      `  ${tool}: cut at ${mib(r.cutAtBytes, 2)} MiB up, killed ${fixed(a.wallSeconds, 2)} s after the start; receiver kept ` +
        `${mib(r.keptBytes, 2)} MiB (about ${mib(r.crossedBytes, 2)} MiB of file data had crossed); the rerun sent ` +
        `${mib(r.secondAttemptDataBytes, 2)} MiB of file data in ${fixed(b.wallSeconds, 2)} s: re-sent beyond the ` +
        `remainder ${fixed(r.resentBytes / 1024, 1)} KiB (estimate), of what the receiver kept ` +
        `${fixed(r.resentOfKeptBytes / 1024, 1)} KiB` +
        (tool === 'muster' ? ` (block ${r.blockBytes / 1024} KiB)` : '') +
        (r.leftovers?.length
          ? `; left ${r.leftovers.join(', ')} in the mirror (removed before the check)`
          : ''),
    );
  }
  return lines;
}

function probeTable(workloads: readonly WorkloadResult[]): string {
  const rows: string[][] = [
    [
      'Command answer',
      'Sender pings',
      'RTT p50/p99/max ms',
      'Loop delay p99/max ms',
      'Offsite pings',
      'RTT p50/p99/max ms',
      'Loop delay p99/max ms',
      'Unanswered',
    ],
  ];
  const rtt = (p: CommandProbeResult | undefined): string =>
    p
      ? `${fixed(p.roundTrip.p50Ms, 1)}/${fixed(p.roundTrip.p99Ms, 1)}/${fixed(p.roundTrip.maxMs, 1)}`
      : 'n/a';
  for (const w of workloads) {
    const m = w.passes.muster;
    if (!m?.probe && !m?.offsiteProbe) continue;
    const delay = (p: CommandProbeResult | undefined): string =>
      p?.eventLoopDelay?.count
        ? `${fixed(p.eventLoopDelay.p99Ms, 1)}/${fixed(p.eventLoopDelay.maxMs, 1)}`
        : 'n/a';
    rows.push([
      w.id,
      int(m.probe?.roundTrip.count),
      rtt(m.probe),
      delay(m.probe),
      int(m.offsiteProbe?.roundTrip.count),
      rtt(m.offsiteProbe),
      delay(m.offsiteProbe),
      `${int(m.probe?.unanswered)}/${int(m.offsiteProbe?.unanswered)}`,
    ]);
  }
  return alignColumns(rows);
}

function snapshotLines(w8: WorkloadResult | undefined): string[] {
  if (!w8) return [];
  const lines = ['W8 snapshot:'];
  for (const p of Object.values(w8.passes)) {
    const how =
      p.tool === 'muster'
        ? `synthetic full built on the offsite ${fixed(p.muster?.snapshot?.secondsAfterPass, 2)} s after a no-change pass`
        : 'rsync -a --link-dest=../tree into a new folder';
    lines.push(
      `  ${p.tool}: ${how}; ${fixed(p.wallSeconds, 2)} s in all, ${int(wireTotal(p))} bytes on the wire, ` +
        `${int(p.check?.filesLinked)} of ${int(p.check?.filesCompared)} files hard-linked`,
    );
  }
  return lines;
}

function runtimeText(runtime: unknown): string {
  return runtime === 'tsx'
    ? 'the TypeScript sources under tsx, loader included'
    : "plain node running the compiled packages/replication/dist (the bench's child script bundled by esbuild around it), no tsx";
}

/** The human-readable report. */
export function formatReport(r: ReplicationBenchResults, toolOrder: readonly ToolName[]): string {
  const lines: string[] = [];
  const w1 = r.workloads.find((w) => w.id === 'W1');
  lines.push(
    `Muster replication benchmark: ${r.config['imageLabel']} image, ${int(Number(r.config['smallFiles']))} small files ` +
      `(${w1 ? gib(w1.filesBytes) : '?'} seeded), one run over loopback, every connection through a counting TCP proxy`,
  );
  if (r.scaling) lines.push(`Scaled: ${r.scaling}`);
  const mc = r.machine;
  lines.push(
    `Machine: ${mc.cpuModel}, ${mc.cores} cores, ${fixed(mc.totalMemoryBytes / 2 ** 30, 1)} GiB, Node ${mc.nodeVersion}, ` +
      `${mc.os}, work dir on ${mc.dataDirFilesystem}, ${mc.date}`,
  );
  lines.push(
    `Machine load (shared machine): load average ${r.environment.atStart.loadAverage.join(' ')} at start, ` +
      `${r.environment.atEnd.loadAverage.join(' ')} at end; ${gib(r.environment.freeDiskBytesAtStart)} free at start.`,
  );
  lines.push(
    `Tools: ${r.tools.rsyncVersion}; ${r.tools.sshVersion}, cipher ${r.tools.sshCipher}; Muster TLS 1.3 ` +
      `(AES-256-GCM). rsync runs \`rsync -a --stats\` (W6 and W6b add --partial, W8 --link-dest).` +
      (r.tools.installed.length > 0 ? ` Installed for this run: ${r.tools.installed.join(', ')}.` : ''),
  );
  lines.push('');
  lines.push(mainTable(r.workloads, toolOrder));
  lines.push('');
  for (const w of r.workloads) lines.push(`${w.id}: ${w.title}`);
  lines.push('');
  lines.push(ratioTable(r.workloads));
  lines.push('');
  lines.push(...resumeLines(r.workloads.find((w) => w.id === 'W6')));
  lines.push(...resumeLines(r.workloads.find((w) => w.id === 'W6b')));
  lines.push(...snapshotLines(r.workloads.find((w) => w.id === 'W8')));
  lines.push('');
  const resent = r.workloads.flatMap((w) =>
    Object.values(w.passes)
      .filter((p) => p.unexpectedFiles)
      .map((p) => `${w.id} ${p.tool}: ${p.unexpectedFiles!.join(', ')}`),
  );
  if (resent.length > 0)
    lines.push(`Sent although the workload did not change them: ${resent.join('; ')}.`, '');
  lines.push(engineTable(r.workloads));
  lines.push('');
  lines.push(probeTable(r.workloads));
  for (const tool of toolOrder.filter((t) => t !== 'muster')) {
    lines.push('');
    lines.push(rsyncTable(r.workloads, tool));
  }
  lines.push('');
  lines.push(
    'How it was measured: each pass starts after `sync -f` with the changed source files and the ' +
      "tool's copies of them read into the page cache. Wall: rsync's client process; Muster's replicate() " +
      'in its already running sender process (node start-up is not counted; see processWallSeconds in the JSON; ' +
      'after replicate() resolves the process may finish pending work, as a running agent would: exitAfterPassMs). ' +
      '+flush: `sync -f` right after the pass (Muster fsyncs what it writes; rsync does not). Up/Down: TCP ' +
      'payload bytes through the proxy, client to server and back (TLS and ssh overhead included). CPU: ' +
      "user+system of each side's processes (rsync over ssh: rsync and ssh; sshd's session and rsync on the " +
      "receiving side). RSS: sum of the peak resident sets of the side's processes (Muster: one node process " +
      `each, ${runtimeText(r.config['musterRuntime'])}, with the installed agent's environment: MALLOC_ARENA_MAX=1). The proxy used ${fixed(r.proxyCpuSeconds, 1)} CPU-s over the run, shared by all tools. ` +
      'Failed checks are listed in the JSON (check.problems). ' +
      'From memo: matched bytes the sender confirmed from its block memo of the previous pass (an xxHash64 ' +
      'per block beside its SHA-256) instead of SHA-256ing them again. ' +
      'Command answer: from the moment replicate() starts until it resolves (the offsite: until its session has ended), ' +
      'the benchmark sends each Muster process a ping over its IPC channel (a pipe) every 50 ms and times the pong, ' +
      'which the process answers from its event loop as an agent answers a command: RTT is that round trip as the ' +
      "benchmark saw it; the loop delay is the process's own perf_hooks monitorEventLoopDelay over the pass (the offsite's: its session) " +
      '(10 ms timer, lateness beyond it); unanswered: sender/offsite pings with no pong when the pass ended. Each target is on the worst ' +
      'p99 over W1-W6b (the passes that move or hash data at full speed): a delay the engine causes again and again ' +
      'shows there, while a single maximum on a shared two-core machine may be the scheduler; the highest maximum is ' +
      'printed beside it. W6b: rsync is killed alike ' +
      "(the receiving session's processes, SIGKILL): its temporary file stays behind and is not resumed from " +
      '(--partial keeps it only on a signal rsync can catch), so the rerun sends the whole file.',
  );
  lines.push('');
  lines.push(
    alignColumns([
      ['', 'Target', 'Goal', 'Measured', 'Note'],
      ...r.targets.map((t) => [t.pass ? 'PASS' : 'MISS', t.name, t.target, t.measured, t.note]),
    ]),
  );
  return lines.join('\n');
}

/** Writes `<name>.json` and `<name>.md`; returns their paths. */
export function writeResults(
  r: ReplicationBenchResults,
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
      `# Replication benchmark, ${r.config['imageLabel']} image`,
      '',
      `Produced by \`npm run bench:replication${r.commandLine ? ` -- ${r.commandLine}` : ''}\`; ` +
        'raw numbers in the JSON file next to this one.',
      '',
      '```',
      report,
      '```',
      '',
    ].join('\n'),
  );
  return { json, md };
}
