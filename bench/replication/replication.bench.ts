/**
 * `npm run bench:replication [-- --image-gib 4 --small-files 10000 --quick --keep --build]`: Muster's
 * offsite replication against rsync 3.x over ssh (aes256-gcm) and against an rsync daemon, in
 * one run over loopback, on deterministic incompressible data: seeding, new files, a growing
 * file, overwrites, an insertion, a transfer resumed after its sender (W6) or its receiver
 * (W6b) was killed, a no-change rescan and a synthetic full. Muster's processes run the compiled
 * packages/replication/dist on plain node (--muster-runtime tsx: the sources) and are pinged
 * while they replicate (the command answer target). Prints a table and writes
 * bench/results/replication-<size>.json and .md. Targets (issue 13) are reported as PASS/MISS;
 * a miss does not fail the run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReplicationIdentity } from '@muster/replication';
import { benchMain } from '../support/bench-main';
import { machineInfo } from '../support/machine-info';
import { freePort } from '../support/ports';
import { say } from '../support/progress';
import { parseReplicationArgs, type ReplicationBenchOptions, TOOL_NAMES, USAGE } from './args';
import { prepareChildScripts } from './child-scripts';
import { createSeedTree, sizeLabel } from './dataset';
import { fitToDisk, freeBytes } from './disk-space';
import { MusterTool } from './muster-tool';
import { flushFileSystem } from './page-cache';
import { CountingProxy } from './proxy-handle';
import type { ReplicationTool } from './replication-tool';
import { formatReport, writeResults } from './report';
import type { EnvironmentSample, ReplicationBenchResults, WorkloadResult } from './results';
import { finalizeResume } from './resume-estimate';
import { type RsyncDaemon, startRsyncDaemon } from './rsync-daemon';
import { RsyncTool } from './rsync-tool';
import { runWorkload } from './run-workload';
import { SSH_CIPHER, type SshServer, startSshServer } from './ssh-server';
import { evaluateTargets } from './targets';
import { ensureExternalTools } from './tool-install';
import { SourceDigests } from './tree-check';
import { workloadSpecs } from './workloads';

const GUID = 'bench-local-server-1';

function sample(): EnvironmentSample {
  return { loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), at: new Date().toISOString() };
}

async function run(options: ReplicationBenchOptions): Promise<void> {
  const started = performance.now();
  const runtimeNote =
    options.musterRuntime === 'dist'
      ? options.build
        ? 'building packages/replication/dist'
        : 'checking packages/replication/dist is current'
      : 'Muster runs its sources under tsx';
  say(runtimeNote);
  // Before any data is written: a stale build must fail the run in seconds, not after an hour.
  const scriptsDir = mkdtempSync(join(tmpdir(), 'muster-replication-children-'));
  process.once('exit', () => rmSync(scriptsDir, { recursive: true, force: true }));
  const scripts = await prepareChildScripts(options.musterRuntime, scriptsDir, options.build);
  const external = ensureExternalTools(say);
  say(`${external.rsyncVersion}; ${external.sshVersion}`);
  mkdirSync(options.workParent, { recursive: true });
  const free = freeBytes(options.workParent);
  const { sizes, note } = fitToDisk(options.imageGib, options.smallFiles, options.tools.length, free);
  if (note) say(`warning: ${note}`);
  const imageLabel = sizeLabel(sizes.imageBytes);
  const name = options.name ?? `replication-${imageLabel.replace(' ', '').toLowerCase()}`;
  const workDir = mkdtempSync(join(options.workParent, 'muster-replication-bench-'));
  // The work dir holds tens of GiB: an abort (watchdog, Ctrl-C) must not leave it behind.
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  if (!options.keep) process.once('exit', removeWorkDir);
  let proxy: CountingProxy | undefined;
  let ssh: SshServer | undefined;
  let daemon: RsyncDaemon | undefined;
  try {
    const machine = machineInfo(workDir);
    const atStart = sample();
    say(`load average ${atStart.loadAverage.join(' ')}, ${sizeLabel(free)} free, work dir ${workDir}`);
    const sourceDir = join(workDir, 'src');
    const seeding = performance.now();
    await createSeedTree(sourceDir, sizes);
    flushFileSystem(sourceDir);
    say(`source tree written in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const wants = (tool: string) => (options.tools as string[]).includes(tool);
    if (wants('rsync-ssh')) ssh = await startSshServer(join(workDir, 'sshd'), external);
    const daemonRoot = join(workDir, 'dst-rsync-daemon');
    if (wants('rsync-daemon'))
      daemon = await startRsyncDaemon(external.rsync, join(workDir, 'rsyncd'), daemonRoot);
    const offsitePort = await freePort();
    const targets: Record<string, number> = { muster: offsitePort };
    if (ssh) targets['rsync-ssh'] = ssh.port;
    if (daemon) targets['rsync-daemon'] = daemon.port;
    proxy = await CountingProxy.start(targets);
    const proxyCpu0 = proxy.cpuSeconds();

    const [local, offsite] = await Promise.all([createReplicationIdentity(), createReplicationIdentity()]);
    const tools: ReplicationTool[] = [
      new MusterTool({
        workDir,
        sourceDir,
        proxy,
        offsitePort,
        guid: GUID,
        local,
        offsite,
        nodeArgs: options.musterNodeArgs,
        scripts,
        hashThreads: options.offsiteHashThreads,
      }),
    ];
    if (ssh)
      tools.push(
        new RsyncTool({
          mode: 'ssh',
          rsync: external.rsync,
          sourceDir,
          destRoot: join(workDir, 'dst-rsync-ssh'),
          proxy,
          receiverPid: ssh.pid,
          sshCommand: ssh.sshCommand,
        }),
      );
    if (daemon)
      tools.push(
        new RsyncTool({
          mode: 'daemon',
          rsync: external.rsync,
          sourceDir,
          destRoot: daemonRoot,
          proxy,
          receiverPid: daemon.pid,
        }),
      );

    const digests = new SourceDigests(sourceDir);
    const workloads: WorkloadResult[] = [];
    for (const spec of workloadSpecs(sizes))
      workloads.push(
        await runWorkload(spec, { sourceDir, tools, digests, resumeFileBytes: sizes.resumeBytes }),
      );
    finalizeResume(workloads);

    const toolOrder = TOOL_NAMES.filter((tool) => wants(tool));
    const results: ReplicationBenchResults = {
      benchmark: 'replication',
      machine,
      environment: { atStart, atEnd: sample(), freeDiskBytesAtStart: free },
      commandLine: process.argv.slice(2).join(' '),
      config: {
        imageLabel,
        imageBytes: sizes.imageBytes,
        growBytes: sizes.growBytes,
        growByBytes: sizes.growByBytes,
        incrementBytes: sizes.incrementBytes,
        resumeBytes: sizes.resumeBytes,
        smallFiles: sizes.smallFiles,
        overwriteCount: sizes.overwriteCount,
        overwriteBytes: sizes.overwriteBytes,
        insertBytes: sizes.insertBytes,
        tools: toolOrder.join(','),
        musterDeleteDelaySeconds: 0,
        musterRuntime: options.musterRuntime,
        quick: options.quick,
      },
      tools: {
        rsyncVersion: external.rsyncVersion,
        sshVersion: external.sshVersion,
        sshCipher: SSH_CIPHER,
        installed: external.installed,
      },
      scaling: note,
      workloads,
      proxyCpuSeconds: proxy.cpuSeconds() - proxyCpu0,
      targets: evaluateTargets(workloads),
      durationSeconds: (performance.now() - started) / 1000,
    };
    const report = formatReport(results, toolOrder);
    process.stdout.write(`\n${report}\n\n`);
    const written = writeResults(results, report, options.outDir, name);
    say(`wrote ${written.json} and ${written.md}`);
  } finally {
    await proxy?.stop();
    await ssh?.stop();
    await daemon?.stop();
    if (options.keep) say(`kept ${workDir}`);
    else removeWorkDir();
  }
}

await benchMain('bench:replication', USAGE, () => parseReplicationArgs(process.argv.slice(2), tmpdir()), run);
