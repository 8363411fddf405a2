import type { TLSSocket } from 'node:tls';
import { memoDirectory, pruneBlockMemos } from './block-memo';
import { type SendCounters, sendFile } from './file-sender';
import type { ByteThrottle } from './frame-channel';
import { FrameChannel } from './frame-channel';
import { FrameType } from './frame-codec';
import { type LocalIndex, loadLocalIndex, saveLocalIndex } from './local-index';
import { planPass, type ScannedFile, scanLocalDirectory } from './local-scan';
import { connectOffsite, type OffsiteAddress } from './offsite-connect';
import { PassLink } from './pass-link';
import { ReplicationError, type ReplicationErrorCode } from './replication-error';
import {
  FEATURE_INLINE,
  FEATURE_INLINE_BLOCK,
  PROTOCOL_VERSION,
  parseError,
  parseWelcome,
} from './wire-messages';
import { keepYoungGenerationSmall } from './young-generation';

/** Progress of a pass, reported as files go out. */
export interface ReplicationProgress {
  phase: 'connecting' | 'connected' | 'transferring' | 'deleting' | 'done';
  path?: string;
  filesRemaining: number;
  /** Upper bound of what is left: bytes of changed files not yet handled. */
  bytesRemaining: number;
  /** Frame bytes written to the offsite so far. */
  bytesSent: number;
  /** Files the offsite has confirmed committed so far in this pass (the summary's filesSent). */
  filesCommitted: number;
}

/** One pass of a local server to its offsite. */
export interface ReplicateOptions {
  localDir: string;
  localServerGuid: string;
  /** Where the index of what the offsite holds is kept. */
  stateDir: string;
  offsite: OffsiteAddress;
  identity: { key: string; cert: string };
  throttle?: ByteThrottle;
  /** A file missing locally is deleted offsite only after this long (ransomware guard). */
  deleteDelaySeconds: number;
  signal?: AbortSignal;
  onProgress?: (progress: ReplicationProgress) => void;
  /** Silence from the offsite this long ends the pass (default 5 min). */
  idleTimeoutMs?: number;
  /** Clock for the delete delay (default Date.now). */
  now?: () => number;
}

/** What a pass did. */
export interface ReplicationSummary {
  filesScanned: number;
  filesChanged: number;
  filesSent: number;
  filesFailed: number;
  /** Frame bytes written to the offsite (everything on the wire before TLS). */
  bytesSent: number;
  bytesReceived: number;
  literalBytes: number;
  matchedBytes: number;
  /** Bytes the offsite already held in partial files, not sent again. */
  resumedBytes: number;
  /** Of matchedBytes, those confirmed from the sender's block memo without SHA-256 (block-memo.ts). */
  rememberedBytes: number;
  deleted: number;
  deletePending: number;
  durationMs: number;
  /** True when every changed file and due deletion went through. */
  complete: boolean;
  errors: { path: string; code: ReplicationErrorCode; message: string }[];
}

const RETRYABLE = new Set<string>(['basis-corrupt', 'block-corrupt', 'digest-mismatch']);
const SAVE_EVERY_MS = 2000;

/**
 * Mirrors a local server directory to its offsite, sending only changes. Unchanged files cost
 * one stat and nothing on the wire; changed files go as rsync-style deltas against what the
 * offsite holds; broken transfers resume from the offsite's partial. Throws a ReplicationError
 * when the pass cannot run or the connection fails (the caller retries; nothing is lost).
 */
export async function replicate(options: ReplicateOptions): Promise<ReplicationSummary> {
  keepYoungGenerationSmall();
  const started = performance.now();
  const now = options.now ?? Date.now;
  const guid = options.localServerGuid;
  const progress = options.onProgress ?? (() => undefined);
  progress({ phase: 'connecting', filesRemaining: 0, bytesRemaining: 0, bytesSent: 0, filesCommitted: 0 });
  const [indexResult, scanResult, socketResult] = await Promise.allSettled([
    loadLocalIndex(options.stateDir, guid),
    scanLocalDirectory(options.localDir),
    connectOffsite(options.offsite, options.identity),
  ]);
  if (socketResult.status === 'rejected') throw socketResult.reason;
  const socket: TLSSocket = socketResult.value;
  if (indexResult.status === 'rejected' || scanResult.status === 'rejected') {
    socket.destroy();
    throw new ReplicationError('io-error', `cannot read ${options.localDir}`, {
      cause: scanResult.status === 'rejected' ? scanResult.reason : undefined,
    });
  }
  let index: LocalIndex = indexResult.value;
  const files: ScannedFile[] = scanResult.value;
  const channel = new FrameChannel(socket, options.throttle);
  socket.setTimeout(options.idleTimeoutMs ?? 5 * 60_000, () => socket.destroy());
  const onAbort = (): void => {
    socket.destroy();
  };
  options.signal?.addEventListener('abort', onAbort);

  const summary: ReplicationSummary = {
    filesScanned: files.length,
    filesChanged: 0,
    filesSent: 0,
    filesFailed: 0,
    bytesSent: 0,
    bytesReceived: 0,
    literalBytes: 0,
    matchedBytes: 0,
    resumedBytes: 0,
    rememberedBytes: 0,
    deleted: 0,
    deletePending: 0,
    durationMs: 0,
    complete: false,
    errors: [],
  };
  const counters: SendCounters = {
    literalBytes: 0,
    matchedBytes: 0,
    resumedBytes: 0,
    currentFileBytes: 0,
    rememberedBytes: 0,
  };
  const memoDir = memoDirectory(options.stateDir, guid);
  let lastSave = performance.now();
  let dirty = false;
  // Saves run one after another (an older copy never lands after a newer one), and the final
  // forced save waits for any save in flight, so the index is on disk when the pass returns.
  let saving: Promise<void> = Promise.resolve();
  const save = (force: boolean): Promise<void> => {
    if (!force && (!dirty || performance.now() - lastSave < SAVE_EVERY_MS)) return saving;
    saving = saving
      .catch(() => undefined)
      .then(async () => {
        if (!dirty) return;
        lastSave = performance.now();
        dirty = false;
        try {
          await saveLocalIndex(options.stateDir, guid, index);
        } catch (error) {
          dirty = true;
          throw error;
        }
      });
    return saving;
  };
  let indexUsable = false;
  let ticker: ReturnType<typeof setInterval> | undefined;

  try {
    await channel.send(FrameType.hello, { v: PROTOCOL_VERSION, guid });
    const first = await channel.receive();
    if (!first) throw new ReplicationError('connection-lost', 'the offsite closed the connection');
    if (first.type === FrameType.error) {
      const error = parseError(first.header);
      throw new ReplicationError(error.code, `offsite refused the session: ${error.message}`);
    }
    if (first.type !== FrameType.welcome)
      throw new ReplicationError('protocol-violation', 'expected welcome');
    const welcome = parseWelcome(first.header);
    const canInline = welcome.features?.includes(FEATURE_INLINE) === true;
    const inlineBlocks = welcome.features?.includes(FEATURE_INLINE_BLOCK) === true;
    if (index.storeId !== welcome.storeId || index.offsiteFingerprint !== options.offsite.keyFingerprint)
      index = {
        version: 1,
        offsiteFingerprint: options.offsite.keyFingerprint,
        storeId: welcome.storeId,
        files: {},
      };
    indexUsable = true;
    progress({
      phase: 'connected',
      filesRemaining: 0,
      bytesRemaining: 0,
      bytesSent: channel.bytesWritten,
      filesCommitted: 0,
    });
    const plan = planPass(files, index, new Set(welcome.stale), options.deleteDelaySeconds * 1000, now());
    // A new store id or a changed missing-since time must reach the disk even if nothing is sent.
    dirty = plan.indexChanged || index !== indexResult.value;
    summary.filesChanged = plan.changed.length;
    summary.deletePending = plan.deletePending;
    const sizes = new Map(plan.changed.map((file) => [file.path, file.size]));
    const queue = plan.changed.map((file) => ({ path: file.path, attempts: 0 }));
    let bytesRemaining = plan.changed.reduce((sum, file) => sum + file.size, 0);
    const fail = (path: string, code: ReplicationErrorCode, message: string): void => {
      summary.filesFailed += 1;
      summary.errors.push({ path, code, message });
    };

    const link = new PassLink(
      channel,
      (file, result) => {
        if (result.ok) {
          index.files[file.path] = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino };
          dirty = true;
          summary.filesSent += 1;
          // A failed periodic save is retried by the next one, and by the final one.
          save(false).catch(() => undefined);
        } else if (RETRYABLE.has(result.code ?? '') && file.attempts < 2) {
          queue.push({ path: file.path, attempts: file.attempts + 1 });
        } else fail(file.path, result.code ?? 'io-error', result.message ?? 'failed');
      },
      (path, result) => {
        if (result.ok) {
          delete index.files[path];
          dirty = true;
          summary.deleted += 1;
        } else
          summary.errors.push({ path, code: result.code ?? 'io-error', message: result.message ?? 'failed' });
      },
    );

    let currentPath = '';
    let filesRemaining = queue.length;
    // Large files take a while: report progress on a timer too, not only between files.
    ticker = setInterval(() => {
      progress({
        phase: 'transferring',
        path: currentPath,
        filesRemaining,
        bytesRemaining: Math.max(0, bytesRemaining - counters.currentFileBytes),
        bytesSent: channel.bytesWritten,
        filesCommitted: summary.filesSent,
      });
    }, 500);
    for (let next = 0; ; ) {
      while (next < queue.length) {
        options.signal?.throwIfAborted();
        const item = queue[next++]!;
        const size = sizes.get(item.path) ?? 0;
        currentPath = item.path;
        filesRemaining = queue.length - next + 1;
        progress({
          phase: 'transferring',
          path: item.path,
          filesRemaining: queue.length - next + 1,
          bytesRemaining,
          bytesSent: channel.bytesWritten,
          filesCommitted: summary.filesSent,
        });
        counters.currentFileBytes = 0;
        // A first attempt at a file the offsite has never committed needs no basis: small
        // ones go inline when the offsite can take them.
        const inline = canInline && item.attempts === 0 && index.files[item.path] === undefined;
        const outcome = await sendFile(link, {
          localDir: options.localDir,
          path: item.path,
          attempts: item.attempts,
          counters,
          signal: options.signal,
          inline,
          inlineBlocks,
          memoDir,
        });
        if (item.attempts === 0) bytesRemaining = Math.max(0, bytesRemaining - size);
        if (outcome.kind === 'refused')
          fail(item.path, outcome.result.code ?? 'io-error', outcome.result.message ?? 'refused');
        await link.takeArrived();
      }
      if (link.outstandingFiles.length === 0) break;
      // A late result may queue a retry, so wait for results one at a time.
      await link.pump();
    }

    progress({
      phase: 'deleting',
      filesRemaining: 0,
      bytesRemaining: 0,
      bytesSent: channel.bytesWritten,
      filesCommitted: summary.filesSent,
    });
    for (const path of plan.deletions) {
      await channel.send(FrameType.deleteFile, { path });
      link.outstandingDeletes.push(path);
      await link.takeArrived();
    }
    await link.drain();
    summary.complete = summary.errors.length === 0;
    // Memos of files no longer here go; a memo is only a cache, so a failure here is no error.
    await pruneBlockMemos(memoDir, files).catch(() => undefined);
    await channel.send(FrameType.passEnd, { complete: summary.complete });
    const done = await link.next();
    if (done.type !== FrameType.passDone)
      throw new ReplicationError('protocol-violation', 'expected pass-done');
    await channel.close();
  } catch (error) {
    socket.destroy();
    if (options.signal?.aborted)
      throw new ReplicationError('aborted', 'the pass was aborted', { cause: error });
    throw error;
  } finally {
    clearInterval(ticker);
    options.signal?.removeEventListener('abort', onAbort);
    if (indexUsable) await save(true);
    summary.literalBytes = counters.literalBytes;
    summary.matchedBytes = counters.matchedBytes;
    summary.resumedBytes = counters.resumedBytes;
    summary.rememberedBytes = counters.rememberedBytes;
    summary.bytesSent = channel.bytesWritten;
    summary.bytesReceived = channel.bytesRead;
    summary.durationMs = performance.now() - started;
  }
  progress({
    phase: 'done',
    filesRemaining: 0,
    bytesRemaining: 0,
    bytesSent: summary.bytesSent,
    filesCommitted: summary.filesSent,
  });
  return summary;
}
