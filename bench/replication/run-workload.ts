import { join } from 'node:path';
import { idealBlockSize } from '@muster/replication';
import { say } from '../support/progress';
import { flushFileSystem, warmFiles } from './page-cache';
import type { ReplicationTool } from './replication-tool';
import type { KilledSide, PassResult, ResumeDetail, WorkloadResult } from './results';
import { checkTree, listTree, type SourceDigests } from './tree-check';
import type { WorkloadSpec } from './workloads';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** W6 and W6b for one tool: a pass cut at half the file (one side killed), then a pass that finishes it. */
async function runResume(
  tool: ReplicationTool,
  fileBytes: number,
  resume: { path: string; kill: KilledSide },
): Promise<{ pass: PassResult; detail: ResumeDetail }> {
  const first = await tool.run({
    cutAfterBytes: Math.floor(fileBytes / 2),
    partial: true,
    kill: resume.kill,
  });
  const keptBytes = tool.keptBytes(resume.path);
  say(
    `  ${tool.name} attempt 1: ${resume.kill} killed=${first.killed} after ${mib(first.wire.clientToServer)}, kept ${mib(keptBytes)}`,
  );
  const second = await tool.run({ partial: true });
  const leftovers = tool.removeLeftovers(resume.path);
  const secondData = second.muster?.summary.literalBytes ?? second.rsync?.literalBytes ?? Number.NaN;
  const sum = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : a + b;
  const max = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : Math.max(a, b);
  const pass: PassResult = {
    tool: tool.name,
    wallSeconds: first.wallSeconds + second.wallSeconds,
    processWallSeconds: first.processWallSeconds + second.processWallSeconds,
    flushSeconds: 0,
    wire: {
      clientToServer: first.wire.clientToServer + second.wire.clientToServer,
      serverToClient: first.wire.serverToClient + second.wire.serverToClient,
    },
    sender: {
      cpuSeconds: sum(first.sender.cpuSeconds, second.sender.cpuSeconds),
      peakRssBytes: max(first.sender.peakRssBytes, second.sender.peakRssBytes),
      processes: Math.max(first.sender.processes, second.sender.processes),
    },
    receiver: {
      cpuSeconds: sum(first.receiver.cpuSeconds, second.receiver.cpuSeconds),
      peakRssBytes: max(first.receiver.peakRssBytes, second.receiver.peakRssBytes),
      processes: Math.max(first.receiver.processes, second.receiver.processes),
    },
    killed: false,
    exitCode: second.exitCode,
  };
  if (second.muster) pass.muster = second.muster;
  if (second.rsync) pass.rsync = second.rsync;
  if (second.probe) pass.probe = second.probe;
  if (second.offsiteProbe) pass.offsiteProbe = second.offsiteProbe;
  if (!first.killed) pass.error = 'the first attempt finished before the cut';
  else if (second.error) pass.error = second.error;
  const detail: ResumeDetail = {
    killed: resume.kill,
    fileBytes,
    cutAtBytes: first.wire.clientToServer,
    keptBytes,
    secondAttemptDataBytes: secondData,
    // Filled in once W2 and W7 have given each tool's framing ratio and fixed overhead.
    crossedBytes: Number.NaN,
    resentBytes: Number.NaN,
    resentOfKeptBytes: secondData - (fileBytes - keptBytes),
    blockBytes: idealBlockSize(fileBytes),
    leftovers,
    attempts: [first, second],
  };
  return { pass, detail };
}

/** Files a pass sent beyond those the workload changed (see PassResult.unexpectedFiles). */
function unexpectedFiles(pass: PassResult, changed: ReadonlySet<string>): string[] {
  const sent = pass.muster?.summary.filesSent ?? pass.rsync?.filesTransferred ?? 0;
  const extra = sent - changed.size;
  if (extra <= 0) return [];
  const named = (pass.muster?.phases.slowestFiles ?? [])
    .map((f) => f.path)
    .filter((path) => !changed.has(path));
  return named.length >= extra ? named.slice(0, extra) : [...named, `${extra - named.length} more`];
}

/** What running a workload needs. */
export interface WorkloadContext {
  sourceDir: string;
  tools: ReplicationTool[];
  digests: SourceDigests;
  resumeFileBytes: number;
}

/**
 * Runs one workload: changes the source, then for each tool: flush, warm the changed files and
 * the tool's copies of them, run the pass (timed), flush again (timed), check the destination.
 */
export async function runWorkload(spec: WorkloadSpec, ctx: WorkloadContext): Promise<WorkloadResult> {
  say(`${spec.id}: ${spec.title}`);
  const prepared = await spec.prepare(ctx.sourceDir);
  const source = listTree(ctx.sourceDir);
  const filesBytes = prepared.paths.reduce((sum, path) => sum + (source.get(path)?.size ?? 0), 0);
  const result: WorkloadResult = {
    id: spec.id,
    title: spec.title,
    changedBytes: prepared.changedBytes,
    filesBytes,
    changedPaths: spec.checkAll ? prepared.paths.length : prepared.paths,
    passes: {},
  };
  for (const tool of ctx.tools) {
    flushFileSystem(ctx.sourceDir);
    warmFiles([
      ...prepared.paths.map((path) => join(ctx.sourceDir, path)),
      ...prepared.paths.map((path) => join(tool.mirrorDir, path)),
    ]);
    let pass: PassResult;
    if (spec.kind === 'resume') {
      if (!spec.resume) throw new Error(`${spec.id} is a resume workload without its file and side`);
      const resume = await runResume(tool, ctx.resumeFileBytes, spec.resume);
      pass = resume.pass;
      result.resume ??= {};
      result.resume[tool.name] = resume.detail;
    } else pass = await tool.run({ snapshot: spec.kind === 'snapshot' });
    pass.flushSeconds = flushFileSystem(tool.mirrorDir);
    if (spec.kind === 'snapshot') {
      const dir = tool.snapshotDir(pass);
      pass.check = dir
        ? await checkTree(source, ctx.digests, dir, [], listTree(tool.mirrorDir))
        : { ok: false, filesCompared: 0, filesHashed: 0, filesLinked: 0, problems: ['no snapshot'] };
    } else {
      pass.check = await checkTree(
        source,
        ctx.digests,
        tool.mirrorDir,
        spec.checkAll ? 'all' : prepared.paths,
      );
    }
    const unexpected = unexpectedFiles(pass, new Set(prepared.paths));
    if (unexpected.length > 0) pass.unexpectedFiles = unexpected;
    result.passes[tool.name] = pass;
    say(
      `  ${tool.name}: ${pass.wallSeconds.toFixed(2)} s (+${pass.flushSeconds.toFixed(2)} s flush), ` +
        `up ${mib(pass.wire.clientToServer)}, down ${mib(pass.wire.serverToClient)}, ` +
        `check ${pass.check.ok ? 'ok' : `FAILED: ${pass.check.problems.slice(0, 3).join('; ')}`}` +
        (pass.unexpectedFiles ? `, also sent unchanged ${pass.unexpectedFiles.join(', ')}` : '') +
        (pass.error ? `, error: ${pass.error}` : ''),
    );
  }
  return result;
}
