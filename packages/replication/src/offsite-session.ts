import { rm, rmdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { FileReceiver } from './file-receiver';
import { fileStamp } from './file-stamp';
import type { FrameChannel } from './frame-channel';
import { type Frame, FrameType, type FrameTypeCode } from './frame-codec';
import type { HashPool } from './hash-pool';
import { deleteManifest, loadManifest, writeManifest } from './manifest-store';
import type { OffsiteEvent, OffsiteStats } from './offsite-events';
import { partialFiles } from './offsite-layout';
import { isReplicationError, ReplicationError } from './replication-error';
import { writeStalePaths } from './store-state';
import {
  parseDeleteFile,
  parseFileBegin,
  parseFileEnd,
  parsePassEnd,
  type ResultHeader,
} from './wire-messages';
import { resolveInside, validateWirePath } from './wire-path';

/** Free space of the file system holding `path` (fs.promises.statfs fits; tests inject their own). */
export type StatfsFunction = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

/** What one authenticated session needs from its server. */
export interface SessionContext {
  guid: string;
  guidDir: string;
  channel: FrameChannel;
  stale: Set<string>;
  statfs: StatfsFunction;
  reserveBytes: number;
  stats: OffsiteStats;
  emit: (event: OffsiteEvent) => void;
  onPassComplete: () => Promise<void>;
  /** Worker threads hashing received blocks (the server's; none: hashed on the event loop). */
  hashPool?: HashPool;
}

/** Silence on the connection after which batched bytes are written. */
const IDLE_FLUSH_MS = 10;

/**
 * Files committing at once; the disk, not the CPU, sets the pace. Each commit waits for two
 * fsyncs (the file, then its folder, shared with the commits beside it), so more at once means
 * more files per folder fsync: 10,000 small files on a journaled ext4 took 5.85-5.91 s with 32
 * against 6.53-6.76 s with 8 (alternating runs). A commit holds its file open and little else:
 * its data is written before its first fsync.
 */
export const MAX_CONCURRENT_COMMITS = 32;

/** Errors that mean the peer broke the protocol: the session ends, not just the file. */
const FATAL = new Set(['frame-malformed', 'frame-too-large', 'protocol-violation', 'connection-lost']);

/**
 * The offsite side of one local server's session after the hello: a handler per frame type.
 * A bad path or a failed file is answered with an error result and the session carries on; a
 * protocol violation ends it.
 */
export class OffsiteSession {
  private current: FileReceiver | undefined;
  /** An inline file that failed at its file-begin: its data frames are skipped up to its file-end. */
  private skipping: { path: string; failure: ReplicationError } | undefined;
  private readonly verifiedDirectories = new Set<string>();
  private readonly committing = new Map<string, Promise<ResultHeader>>();
  /** Commits not finished yet (one finished but waiting to send its result in order is not). */
  private running = 0;
  /** Wakes the frame loop waiting for a commit to finish (there is one loop, so one waiter). */
  private commitFinished: (() => void) | undefined;
  private results: Promise<void> = Promise.resolve();
  private space = { free: 0, at: -Infinity };
  private readonly handlers: Partial<Record<FrameTypeCode, (frame: Frame) => Promise<void>>> = {
    [FrameType.fileBegin]: (f) => this.onFileBegin(f),
    [FrameType.literal]: (f) => this.onData(f, (r) => r.literal(f.payload)),
    [FrameType.copy]: (f) => this.onData(f, (r) => r.copy(f.payload)),
    [FrameType.fileEnd]: (f) => this.onFileEnd(f),
    [FrameType.deleteFile]: (f) => this.onDelete(f),
    [FrameType.passEnd]: (f) => this.onPassEnd(f),
    [FrameType.error]: async (f) => {
      this.ctx.emit({
        type: 'error',
        guid: this.ctx.guid,
        code: 'protocol-violation',
        message: String(f.header['message']),
      });
    },
  };

  constructor(private readonly ctx: SessionContext) {}

  /** Serves frames until the sender ends the connection; throws on a fatal error. */
  async run(): Promise<void> {
    try {
      for (;;) {
        const next = this.ctx.channel.receive();
        const receiver = this.current;
        // Bytes batched for writing are written once the connection has been quiet a moment,
        // so a process killed while it waits has lost nothing it was sent (and a busy one
        // still writes in large batches).
        if (receiver && this.ctx.channel.queuedFrames === 0 && (await quietFor(next, IDLE_FLUSH_MS)))
          await receiver.flush().catch((error: unknown) => {
            receiver.failure ??= asReplicationError(error);
          });
        const frame = await next;
        if (!frame) return;
        const handler = this.handlers[frame.type];
        if (!handler) throw new ReplicationError('protocol-violation', `unexpected frame type ${frame.type}`);
        await handler(frame);
      }
    } finally {
      await this.current?.abandon(true);
      this.current = undefined;
      await this.settle().catch(() => undefined);
    }
  }

  private async onFileBegin(frame: Frame): Promise<void> {
    if (this.current || this.skipping)
      throw new ReplicationError('protocol-violation', 'file-begin inside a file');
    const begin = parseFileBegin(frame.header);
    if (this.committing.has(begin.path)) await this.settle();
    // An inline file's data is already on its way: a refusal waits for its file-end, and goes
    // out in order with the results of the files before it.
    const inline = begin.inline === true;
    const target = await this.resolve(begin.path, FrameType.fileResult, !inline);
    if (typeof target !== 'string') {
      if (inline) this.skipping = { path: begin.path, failure: target };
      return;
    }
    try {
      const basis = inline ? undefined : await loadManifest(this.ctx.guidDir, begin.path, target);
      this.current = await FileReceiver.start({
        guidDir: this.ctx.guidDir,
        begin,
        target,
        basis,
        channel: this.ctx.channel,
        checkSpace: (needed) => this.checkSpace(needed),
        ...(this.ctx.hashPool ? { hashPool: this.ctx.hashPool } : {}),
      });
    } catch (error) {
      if (isFatal(error)) throw error;
      if (inline) this.skipping = { path: begin.path, failure: this.recordFailure(begin.path, error) };
      else await this.fileFailed(begin.path, error);
    }
  }

  private async onData(frame: Frame, apply: (receiver: FileReceiver) => Promise<void>): Promise<void> {
    if (this.skipping) return;
    const receiver = this.current;
    if (!receiver)
      throw new ReplicationError('protocol-violation', `data frame ${frame.type} outside a file`);
    try {
      await apply(receiver);
    } catch (error) {
      if (isFatal(error)) throw error;
      receiver.failure = asReplicationError(error);
    }
  }

  private async onFileEnd(frame: Frame): Promise<void> {
    const end = parseFileEnd(frame.header);
    const skipped = this.skipping;
    if (skipped) {
      this.skipping = undefined;
      await this.queueResult(skipped.path, Promise.resolve(result(skipped.path, skipped.failure)));
      return;
    }
    const receiver = this.current;
    if (!receiver) throw new ReplicationError('protocol-violation', 'file-end outside a file');
    this.current = undefined;
    // Committing (fsync, manifest, rename, directory fsync) is mostly waiting on the disk, so
    // several files commit at once while the next ones arrive; results still go out in order.
    await this.queueResult(receiver.begin.path, this.commit(receiver, end.digest, end.abort === true));
  }

  /** Sends a file's result after those of the files ended before it; waits while too many commit at once. */
  private async queueResult(path: string, work: Promise<ResultHeader>): Promise<void> {
    this.committing.set(path, work);
    const previous = this.results;
    this.results = (async () => {
      const result = await work;
      await previous;
      if (this.committing.get(path) === work) this.committing.delete(path);
      await this.ctx.channel.send(FrameType.fileResult, result);
    })();
    this.results.catch(() => undefined);
    // Counted, not raced: Promise.race over the commits still in the map added a reaction to
    // each of them on every call, and a commit slow to fsync collected one per later file
    // (285,000 promises, 27 MiB, in a 10,000-file seeding on XFS). It also let through a new
    // commit whenever one in the map had finished but waited to send its result, so commits
    // (each with its open file) were not bounded at all behind a slow one.
    this.running += 1;
    const finished = (): void => {
      this.running -= 1;
      const wake = this.commitFinished;
      this.commitFinished = undefined;
      wake?.();
    };
    work.then(finished, finished);
    while (this.running >= MAX_CONCURRENT_COMMITS)
      await new Promise<void>((resolve) => {
        this.commitFinished = resolve;
      });
  }

  private async commit(receiver: FileReceiver, digest: string, abort: boolean): Promise<ResultHeader> {
    const path = receiver.begin.path;
    try {
      if (abort)
        throw new ReplicationError('source-changed', 'the sender saw the file change while reading it');
      const manifest = await receiver.finish(digest);
      const committed = await receiver.partial.commit(receiver.target);
      // The manifest is written after the rename, with the stamp the file has now: its hashes
      // were verified a moment ago. A crash before this write leaves the old manifest, whose
      // inode no longer matches, so the file is hashed again on next use.
      const stamp = committed ?? (await fileStamp(receiver.target));
      if (stamp?.startsWith(`${manifest.ino}:`)) manifest.stamp = stamp;
      await writeManifest(this.ctx.guidDir, manifest);
      await this.clearStale(path);
      const { literalBytes, matchedBytes } = receiver;
      this.ctx.stats.filesCommitted += 1;
      this.ctx.stats.literalBytes += literalBytes;
      this.ctx.stats.matchedBytes += matchedBytes;
      this.ctx.emit({
        type: 'file-committed',
        guid: this.ctx.guid,
        path,
        size: manifest.size,
        literalBytes,
        matchedBytes,
      });
      return { path, ok: true };
    } catch (error) {
      // A verified prefix is still good after a bad basis block or literal: keep it to resume.
      const keep = isReplicationError(error, 'basis-corrupt') || isReplicationError(error, 'block-corrupt');
      await receiver.abandon(keep).catch(() => undefined);
      const failure = asReplicationError(error);
      this.ctx.stats.filesFailed += 1;
      this.ctx.emit({
        type: 'file-failed',
        guid: this.ctx.guid,
        path,
        code: failure.code,
        message: failure.message,
      });
      return result(path, failure);
    }
  }

  /** Waits until every file ended so far is committed and its result sent. */
  private async settle(): Promise<void> {
    await this.results;
  }

  private async onDelete(frame: Frame): Promise<void> {
    const { path } = parseDeleteFile(frame.header);
    if (this.committing.has(path)) await this.settle();
    const target = await this.resolve(path, FrameType.deleteResult);
    if (typeof target !== 'string') return;
    try {
      await rm(target, { force: true });
      this.verifiedDirectories.clear();
      await deleteManifest(this.ctx.guidDir, path);
      const partial = partialFiles(this.ctx.guidDir, path);
      await rm(partial.data, { force: true });
      await rm(partial.journal, { force: true });
      await this.clearStale(path);
      await this.removeEmptyParents(target);
      this.ctx.emit({ type: 'deleted', guid: this.ctx.guid, path });
      await this.ctx.channel.send(FrameType.deleteResult, { path, ok: true } satisfies ResultHeader);
    } catch (error) {
      const failure = asReplicationError(error);
      await this.ctx.channel.send(FrameType.deleteResult, result(path, failure));
    }
  }

  private async onPassEnd(frame: Frame): Promise<void> {
    const { complete } = parsePassEnd(frame.header);
    if (this.current || this.skipping)
      throw new ReplicationError('protocol-violation', 'pass-end inside a file');
    await this.settle();
    await this.ctx.channel.send(FrameType.passDone, {});
    if (complete) await this.ctx.onPassComplete();
  }

  /**
   * Confines a wire path to the GUID folder; a refusal is reported to the sender (now, unless
   * `reply` is false), not fatal, and returned.
   */
  private async resolve(
    path: string,
    replyType: FrameTypeCode,
    reply = true,
  ): Promise<string | ReplicationError> {
    const check = validateWirePath(path);
    let reason = check.ok ? '' : check.reason;
    if (check.ok) {
      try {
        return await resolveInside(this.ctx.guidDir, check.parts, this.verifiedDirectories);
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    this.ctx.stats.pathsRefused += 1;
    this.ctx.emit({ type: 'path-refused', guid: this.ctx.guid, path, reason });
    const refusal = new ReplicationError('path-refused', `path refused: ${reason}`);
    if (reply) await this.ctx.channel.send(replyType, result(path, refusal));
    return refusal;
  }

  private async checkSpace(needed: number): Promise<void> {
    // statfs at most once a second; in between, count down what was accepted.
    if (performance.now() - this.space.at > 1000) {
      const info = await this.ctx.statfs(this.ctx.guidDir);
      this.space = { free: Number(info.bavail) * Number(info.bsize), at: performance.now() };
    }
    const free = this.space.free;
    if (free < needed + this.ctx.reserveBytes)
      throw new ReplicationError(
        'insufficient-space',
        `offsite has ${free} bytes free; this file needs ${needed} more (+${this.ctx.reserveBytes} reserve)`,
      );
    this.space.free -= needed;
  }

  private async fileFailed(path: string, error: unknown): Promise<void> {
    await this.ctx.channel.send(FrameType.fileResult, result(path, this.recordFailure(path, error)));
  }

  /** Counts and reports a file that failed; returns the failure as the sender will see it. */
  private recordFailure(path: string, error: unknown): ReplicationError {
    const failure = asReplicationError(error);
    this.ctx.stats.filesFailed += 1;
    this.ctx.emit({
      type: 'file-failed',
      guid: this.ctx.guid,
      path,
      code: failure.code,
      message: failure.message,
    });
    return failure;
  }

  private async clearStale(path: string): Promise<void> {
    if (this.ctx.stale.delete(path)) await writeStalePaths(this.ctx.guidDir, this.ctx.stale);
  }

  private async removeEmptyParents(file: string): Promise<void> {
    for (let dir = dirname(file); relative(this.ctx.guidDir, dir) !== ''; dir = dirname(dir)) {
      if (relative(this.ctx.guidDir, dir).startsWith('..')) return;
      try {
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }
}

/** True when `next` has not settled within `ms` (it is awaited again by the caller either way). */
async function quietFor(next: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([
      next.then(
        () => false,
        () => false,
      ),
      quiet,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function result(path: string, error: ReplicationError): ResultHeader {
  return { path, ok: false, code: error.code, message: error.message };
}

function asReplicationError(error: unknown): ReplicationError {
  if (error instanceof ReplicationError) return error;
  return new ReplicationError('io-error', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

function isFatal(error: unknown): boolean {
  return error instanceof ReplicationError && FATAL.has(error.code);
}
