import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { waitUntil } from '../support/wait';
import { descendants, reapedChildrenCpu, TreeSampler, waitQuiet } from './process-meter';
import { type CountingProxy, wireBetween } from './proxy-handle';
import type { PassRequest, ReplicationTool } from './replication-tool';
import type { PassResult, RsyncStats } from './results';
import { RSYNC_MODULE } from './rsync-daemon';
import { parseRsyncStats } from './rsync-stats';
import { spawnTracked } from './tracked-process';

/** What an rsync tool needs: the binary, where it writes, and its receiving daemon. */
export interface RsyncSetup {
  mode: 'ssh' | 'daemon';
  rsync: string;
  sourceDir: string;
  /** Holds `tree/` (the mirror) and `snap-w8/` (the --link-dest snapshot). */
  destRoot: string;
  proxy: CountingProxy;
  /** The process that forks every receiving session (our sshd, or the rsync daemon). */
  receiverPid: number;
  /** ssh mode: the `-e` command for a port. */
  sshCommand?: (port: number) => string;
}

const SNAPSHOT_DIR = 'snap-w8';

/**
 * rsync 3.x pushing to the local machine, over ssh (aes256-gcm) or to an rsync daemon, through
 * the counting proxy. Sender CPU is the client's (and its ssh's) as reaped by this process;
 * receiver CPU is what the daemon reaped of its sessions.
 */
export class RsyncTool implements ReplicationTool {
  readonly name: 'rsync-ssh' | 'rsync-daemon';
  readonly mirrorDir: string;

  constructor(private readonly setup: RsyncSetup) {
    this.name = setup.mode === 'ssh' ? 'rsync-ssh' : 'rsync-daemon';
    this.mirrorDir = join(setup.destRoot, 'tree');
    mkdirSync(this.mirrorDir, { recursive: true });
  }

  private arguments(request: PassRequest): string[] {
    const dir = request.snapshot ? SNAPSHOT_DIR : 'tree';
    const args = ['-a', '--stats'];
    if (request.partial) args.push('--partial');
    // Relative to the destination folder: unchanged files become hard links into the mirror.
    if (request.snapshot) args.push('--link-dest=../tree');
    const port = this.setup.proxy.ports[this.name]!;
    if (this.setup.mode === 'ssh')
      args.push(
        '-e',
        this.setup.sshCommand!(port),
        `${this.setup.sourceDir}/`,
        `root@127.0.0.1:${join(this.setup.destRoot, dir)}/`,
      );
    else args.push(`${this.setup.sourceDir}/`, `rsync://127.0.0.1:${port}/${RSYNC_MODULE}/${dir}/`);
    return args;
  }

  /** Runs one pass; see ReplicationTool. */
  async run(request: PassRequest): Promise<PassResult> {
    const { proxy, receiverPid } = this.setup;
    const receiverCpu0 = reapedChildrenCpu(receiverPid);
    const reaped0 = reapedChildrenCpu('self');
    const before = await proxy.counters(this.name);
    const cut =
      request.cutAfterBytes === undefined ? undefined : await proxy.armCut(this.name, request.cutAfterBytes);
    const receiverSampler = new TreeSampler(receiverPid, false);
    receiverSampler.start();
    const started = performance.now();
    // Its own process group, so a kill takes rsync and its ssh together, like a dying machine.
    const child = spawnTracked(this.setup.rsync, this.arguments(request), {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const senderSampler = new TreeSampler(child.pid!, true);
    senderSampler.start();
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let killedAt: number | undefined;
    void cut?.cut.then(async () => {
      if (child.exitCode !== null) return;
      if (request.kill === 'receiver') {
        // The receiving session (sshd's session process and its rsyncs, or the daemon's fork)
        // once it has dealt with what reached it; the client then sees its link die.
        await waitQuiet(() => descendants(receiverPid));
        killedAt = performance.now();
        for (const pid of descendants(receiverPid)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        return;
      }
      killedAt = performance.now();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('close', (code) => resolve(code));
    });
    const ended = performance.now();
    const senderPolled = await senderSampler.stop();
    const senderCpu = reapedChildrenCpu('self') - reaped0;
    // The receiving side finishes (and writes its partial) after the sender is gone.
    await waitUntil(
      () => descendants(receiverPid).length,
      (n) => n === 0,
      60_000,
      20,
    );
    const receiverPolled = await receiverSampler.stop();
    // Killed sessions are reaped by their daemon all the same (sshd, rsync --daemon).
    const receiverCpu = reapedChildrenCpu(receiverPid) - receiverCpu0;
    const after = await proxy.settle(this.name);
    const killed = killedAt !== undefined;
    const wallSeconds = ((killedAt ?? ended) - started) / 1000;
    const stats: RsyncStats | undefined = parseRsyncStats(stdout);
    const result: PassResult = {
      tool: this.name,
      wallSeconds,
      processWallSeconds: wallSeconds,
      flushSeconds: 0,
      wire: wireBetween(before, after),
      sender: {
        // A killed client cannot reap its ssh; the polled figure covers what it used.
        cpuSeconds: killed ? Math.max(senderCpu, senderPolled.polledCpuSeconds) : senderCpu,
        peakRssBytes: senderPolled.peakRssBytes,
        processes: senderPolled.processes,
      },
      receiver: {
        cpuSeconds: receiverCpu,
        peakRssBytes: receiverPolled.peakRssBytes,
        processes: receiverPolled.processes,
      },
      killed,
      exitCode,
    };
    if (stats) result.rsync = stats;
    if (!killed && exitCode !== 0)
      result.error = `rsync exited with ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
    return result;
  }

  /** The --link-dest snapshot folder. */
  snapshotDir(): string {
    return join(this.setup.destRoot, SNAPSHOT_DIR);
  }

  /** rsync's temporary files of `path` (`.name.XXXXXX`), full paths. */
  private temporaries(path: string): string[] {
    const target = join(this.mirrorDir, path);
    try {
      return readdirSync(dirname(target))
        .filter((name) => name.startsWith(`.${basename(target)}.`))
        .map((name) => join(dirname(target), name));
    } catch {
      return [];
    }
  }

  /**
   * A receiver killed with SIGKILL leaves its `.name.XXXXXX` behind (only a signal it can catch
   * turns it into the --partial file), and a later rsync without --delete never removes it.
   */
  removeLeftovers(path: string): string[] {
    const found = this.temporaries(path);
    for (const file of found) rmSync(file, { force: true });
    return found.map((file) => basename(file));
  }

  /**
   * What rsync kept of an interrupted file: with --partial the partial file takes the file's
   * name; without it a killed receiver may leave its temporary `.name.XXXXXX`.
   */
  keptBytes(path: string): number {
    const target = join(this.mirrorDir, path);
    let kept = 0;
    try {
      kept = statSync(target).size;
    } catch {
      // not there
    }
    for (const file of this.temporaries(path)) kept = Math.max(kept, statSync(file).size);
    return kept;
  }
}
