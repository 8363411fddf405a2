import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_SERVICE_ENVIRONMENT } from '@muster/protocol';
import { OFFSITE_DIRS, type ReplicationIdentity } from '@muster/replication';
import { spawnNode, stopChild } from '../support/children';
import { REPO_ROOT } from '../support/paths';
import type { ChildScripts } from './child-scripts';
import { CommandProbe } from './command-probe';
import { JsonLines } from './json-lines';
import {
  epochMs,
  MUSTER_CHILD_ENV,
  type OffsiteChildConfig,
  type OffsiteLine,
  type SenderChildConfig,
  type SenderLine,
} from './muster-protocol';
import { ownCpuSeconds, peakRssBytes, reapedChildrenCpu, TreeSampler, waitQuiet } from './process-meter';
import { type CountingProxy, wireBetween } from './proxy-handle';
import type { PassRequest, ReplicationTool } from './replication-tool';
import type { PassResult } from './results';

const SERVICE = 'muster';
/** Longest wait for the offsite to finish a session (commits, snapshot) after the sender is done. */
const SETTLE_MS = 10 * 60_000;
/** Longest wait for the sender to notice its offsite was killed and end the pass. */
const SENDER_AFTER_KILL_MS = 120_000;
/** Longest wait for the pongs still due once the sender is done. */
const PROBE_GRACE_MS = 2000;

/** What the Muster tool needs from the benchmark. */
export interface MusterSetup {
  workDir: string;
  sourceDir: string;
  proxy: CountingProxy;
  /** The offsite's fixed loopback port (the proxy forwards to it). */
  offsitePort: number;
  guid: string;
  local: ReplicationIdentity;
  offsite: ReplicationIdentity;
  /** Extra node options for both processes (profiling). */
  nodeArgs: string[];
  /** How the two processes start (compiled or under tsx). */
  scripts: ChildScripts;
  /** The offsite's hash worker threads (0: hashed on its event loop). */
  hashThreads: number;
}

interface OffsiteProcess {
  child: ChildProcess;
  lines: JsonLines<OffsiteLine>;
}

/**
 * Muster under test: each pass starts a fresh offsite process (so its peak RSS is the pass's)
 * and a sender process running one replicate() to it through the counting proxy, pinged over
 * IPC while it runs (CommandProbe).
 */
export class MusterTool implements ReplicationTool {
  readonly name = 'muster' as const;
  readonly root: string;
  readonly stateDir: string;
  readonly mirrorDir: string;

  constructor(private readonly setup: MusterSetup) {
    this.root = join(setup.workDir, 'dst-muster');
    this.stateDir = join(setup.workDir, 'muster-state');
    this.mirrorDir = join(this.root, setup.guid);
    mkdirSync(this.stateDir, { recursive: true });
  }

  private async startOffsite(syntheticFull: boolean): Promise<OffsiteProcess> {
    const config: OffsiteChildConfig = {
      root: this.root,
      port: this.setup.offsitePort,
      identity: this.setup.offsite,
      allow: [{ guid: this.setup.guid, keyFingerprint: this.setup.local.fingerprint }],
      syntheticFull,
      hashThreads: this.setup.hashThreads,
    };
    const child = spawnNode([...this.setup.nodeArgs, ...this.setup.scripts.offsite], {
      cwd: REPO_ROOT,
      // Run as the installed agent runs (its service unit's environment).
      env: { ...process.env, ...AGENT_SERVICE_ENVIRONMENT, [MUSTER_CHILD_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const lines = new JsonLines<OffsiteLine>(child.stdout!);
    const listening = await lines.waitFor((line) => line.type === 'listening', 60_000);
    if (!listening) {
      await stopChild(child, 1000);
      throw new Error(`the offsite process did not start: ${lines.text.join(' | ')}`);
    }
    return { child, lines };
  }

  /** Runs one pass; see ReplicationTool. */
  async run(request: PassRequest): Promise<PassResult> {
    const snapshot = request.snapshot === true;
    const offsite = await this.startOffsite(snapshot);
    const offsitePid = offsite.child.pid!;
    try {
      const offsiteCpu0 = ownCpuSeconds(offsitePid);
      const before = await this.setup.proxy.counters(SERVICE);
      const cut =
        request.cutAfterBytes === undefined
          ? undefined
          : await this.setup.proxy.armCut(SERVICE, request.cutAfterBytes);
      const config: SenderChildConfig = {
        localDir: this.setup.sourceDir,
        stateDir: this.stateDir,
        guid: this.setup.guid,
        port: this.setup.proxy.ports[SERVICE]!,
        keyFingerprint: this.setup.offsite.fingerprint,
        identity: this.setup.local,
      };
      const reaped0 = reapedChildrenCpu('self');
      const spawned = performance.now();
      const sender = spawnNode([...this.setup.nodeArgs, ...this.setup.scripts.sender], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...AGENT_SERVICE_ENVIRONMENT, [MUSTER_CHILD_ENV]: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      const lines = new JsonLines<SenderLine>(sender.stdout!);
      const sampler = new TreeSampler(sender.pid!, true);
      sampler.start();
      // Pings from replicate()'s start to its end: a command reaching a busy agent.
      const probe = new CommandProbe(sender);
      // The offsite from the same moment to the end of its session (its commits, W8's snapshot).
      const offsiteProbe = new CommandProbe(offsite.child);
      void lines
        .waitFor((line) => line.type === 'started', SETTLE_MS)
        .then((line) => {
          if (!line) return;
          if (sender.exitCode === null && sender.signalCode === null) probe.start();
          if (offsite.child.exitCode === null && offsite.child.signalCode === null) offsiteProbe.start();
        });
      const probed = lines
        .waitFor((line) => line.type !== 'started', SETTLE_MS)
        .then(async (line) => {
          const result = await probe.stop(PROBE_GRACE_MS, line?.type === 'done' ? line.eventLoopDelay : null);
          // The sender holds its IPC channel open until every pong is in: let it go now.
          if (sender.connected) sender.disconnect();
          return result;
        });
      const stdoutClosed = new Promise<void>((resolve) => sender.stdout!.once('close', resolve));
      let killedAt: number | undefined;
      // What the offsite used up to its kill (W6b): it is gone when the pass is accounted.
      let offsiteAtKill: { cpuSeconds: number; peakRssBytes: number } | undefined;
      const killSide = request.kill ?? 'sender';
      void cut?.cut.then(async () => {
        if (sender.exitCode !== null) return;
        if (killSide === 'sender') {
          killedAt = epochMs();
          sender.kill('SIGKILL');
          return;
        }
        // The link is cut: let the offsite deal with what reached it, then kill it.
        await waitQuiet(() => [offsitePid]);
        offsiteAtKill = { cpuSeconds: ownCpuSeconds(offsitePid), peakRssBytes: peakRssBytes(offsitePid) };
        killedAt = epochMs();
        offsite.child.kill('SIGKILL');
        // The sender should see its link die and end the pass; it must not hang the run.
        setTimeout(() => sender.kill('SIGKILL'), SENDER_AFTER_KILL_MS).unref();
      });
      const exitCode = await new Promise<number | null>((resolve) => {
        if (sender.exitCode !== null || sender.signalCode !== null) resolve(sender.exitCode);
        else sender.once('exit', (code) => resolve(code));
      });
      const exitedAt = epochMs();
      const processWallSeconds = (performance.now() - spawned) / 1000;
      await stdoutClosed;
      const polled = await sampler.stop();
      const reapedCpu = reapedChildrenCpu('self') - reaped0;
      const started = lines.lines.find((line) => line.type === 'started');
      const done = lines.lines.find((line) => line.type === 'done');
      const failed = lines.lines.find((line) => line.type === 'failed');
      // A killed sender printed neither 'done' nor 'failed': its probe ends with it.
      const probeResult = done || failed ? await probed : await probe.stop(0, null);

      // The offsite ends its session once the connection closes; W8 waits for the snapshot.
      const end = offsiteAtKill
        ? undefined
        : await offsite.lines.waitFor(
            (line) => line.type === (snapshot && done ? 'snapshot' : 'session-end'),
            SETTLE_MS,
          );
      const endAt = end?.at;
      const delayLine =
        endAt === undefined
          ? undefined
          : await offsite.lines.waitFor((line) => line.type === 'loop-delay' && line.at >= endAt, 5000);
      const offsiteProbeResult = await offsiteProbe.stop(
        end ? PROBE_GRACE_MS : 0,
        delayLine?.type === 'loop-delay' ? delayLine.delay : null,
      );
      const after = await this.setup.proxy.settle(SERVICE);
      const receiverCpu = (offsiteAtKill?.cpuSeconds ?? ownCpuSeconds(offsitePid)) - offsiteCpu0;
      const receiverPeak = offsiteAtKill?.peakRssBytes ?? peakRssBytes(offsitePid);

      const startedAt = started?.at ?? epochMs();
      let wallSeconds = processWallSeconds;
      if (killedAt !== undefined) wallSeconds = (killedAt - startedAt) / 1000;
      else if (done?.type === 'done') wallSeconds = done.wallMs / 1000;
      const result: PassResult = {
        tool: this.name,
        wallSeconds,
        processWallSeconds,
        flushSeconds: 0,
        wire: wireBetween(before, after),
        sender:
          done?.type === 'done'
            ? {
                cpuSeconds: done.cpuSeconds,
                // The work left after replicate() resolved (its index write) counts as well.
                peakRssBytes: Math.max(done.maxRssBytes, polled.peakRssBytes),
                processes: 1,
              }
            : {
                cpuSeconds: Math.max(reapedCpu, polled.polledCpuSeconds),
                peakRssBytes: polled.peakRssBytes,
                processes: 1,
              },
        receiver: { cpuSeconds: receiverCpu, peakRssBytes: receiverPeak, processes: 1 },
        killed: killedAt !== undefined,
        exitCode,
        probe: probeResult,
        offsiteProbe: offsiteProbeResult,
      };
      if (done?.type === 'done') {
        result.muster = { summary: done.summary, phases: done.phases, exitAfterPassMs: exitedAt - done.at };
        if (end?.type === 'snapshot') {
          result.muster.snapshot = { path: end.path, secondsAfterPass: (end.at - done.at) / 1000 };
          wallSeconds = (end.at - startedAt) / 1000;
          result.wallSeconds = wallSeconds;
        }
        if (!done.summary.complete)
          result.error = `pass incomplete: ${done.summary.errors
            .slice(0, 3)
            .map((e) => `${e.path}: ${e.code}`)
            .join('; ')}`;
      } else if (killedAt === undefined) {
        result.error = failed?.type === 'failed' ? failed.message : `sender exited with ${exitCode}`;
      }
      if (snapshot && done && end?.type !== 'snapshot') result.error = 'no snapshot event from the offsite';
      return result;
    } finally {
      await stopChild(offsite.child, 10_000);
    }
  }

  /** The snapshot folder the offsite reported. */
  snapshotDir(pass: PassResult): string | undefined {
    return pass.muster?.snapshot?.path;
  }

  /** Nothing: Muster's partials live in its own state folder and the next pass resumes from them. */
  removeLeftovers(): string[] {
    return [];
  }

  /** Size of the offsite's partial file for `path` (named by the SHA-256 of the path). */
  keptBytes(path: string): number {
    const key = createHash('sha256').update(path).digest('hex');
    try {
      return statSync(join(this.mirrorDir, OFFSITE_DIRS.partial, `${key}.part`)).size;
    } catch {
      return 0;
    }
  }
}
