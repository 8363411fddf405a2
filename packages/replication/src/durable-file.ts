import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Fsyncs a directory so a rename or create inside it survives a crash; some systems cannot. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some network file systems refuse to open or fsync a directory.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

const directorySyncs = new Map<string, { running?: Promise<void>; waiting?: Promise<void> }>();

/**
 * Fsyncs a directory after every rename made in it so far, sharing the work: callers that come
 * while an fsync of that directory runs all wait for the one fsync that starts after it (their
 * renames may have missed the running one). Files committed at the same time in one folder
 * then cost one directory fsync, not one each.
 */
export function fsyncDirectoryShared(dir: string): Promise<void> {
  let state = directorySyncs.get(dir);
  if (!state) {
    state = {};
    directorySyncs.set(dir, state);
  }
  const current = state;
  if (!current.running) return startDirectorySync(dir, current);
  current.waiting ??= current.running.then(() => {
    current.waiting = undefined;
    return startDirectorySync(dir, current);
  });
  return current.waiting;
}

function startDirectorySync(
  dir: string,
  state: { running?: Promise<void>; waiting?: Promise<void> },
): Promise<void> {
  const run: Promise<void> = fsyncDirectory(dir).finally(() => {
    if (state.running !== run) return;
    state.running = undefined;
    if (!state.waiting) directorySyncs.delete(dir);
  });
  state.running = run;
  return run;
}

/**
 * Replaces a file so that a crash leaves the old or the new content, never a torn one: write a
 * temporary sibling, fsync it, rename it over, fsync the directory. With `durable` false the
 * fsyncs are skipped: still never torn on a clean process kill, but a power loss may undo it
 * (for files that are checked on load and rebuilt when wrong).
 */
export async function writeFileDurable(path: string, data: Buffer | string, durable = true): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  if (durable) await fsyncDirectory(dirname(path));
}

const knownDirectories = new Set<string>();

/** Creates `dir` (and its parents) unless it was seen before or `again` says it is gone. */
function ensureDirectory(dir: string, again = false): void {
  if (again) knownDirectories.delete(dir);
  if (knownDirectories.has(dir)) return;
  // Synchronous: once per directory, and cheaper than a thread-pool round trip per level.
  mkdirSync(dir, { recursive: true });
  knownDirectories.add(dir);
}

/** True when `operation` failed with ENOENT in a directory that existed once: it was removed since. */
function directoryGone(error: unknown, created: boolean): boolean {
  return !created && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Runs `operation`, which creates something in `dir`, creating the directory first unless it
 * was seen before (creating directories costs a system call per level, which adds up over
 * thousands of small files). A directory removed since is recreated on ENOENT.
 */
export async function inDirectory<T>(dir: string, operation: () => Promise<T>): Promise<T> {
  const created = !knownDirectories.has(dir);
  ensureDirectory(dir);
  try {
    return await operation();
  } catch (error) {
    if (!directoryGone(error, created)) throw error;
    ensureDirectory(dir, true);
    return operation();
  }
}

/** inDirectory for a synchronous `operation` (small files' calls; see small-partial.ts). */
export function inDirectorySync<T>(dir: string, operation: () => T): T {
  const created = !knownDirectories.has(dir);
  ensureDirectory(dir);
  try {
    return operation();
  } catch (error) {
    if (!directoryGone(error, created)) throw error;
    ensureDirectory(dir, true);
    return operation();
  }
}

/** How often flushWhile flushes. */
const FLUSH_WHILE_MS = 100;

/**
 * Flushes `handle`'s data every FLUSH_WHILE_MS until `work` (which writes the same file, say a
 * kernel copy into it) settles; settles as `work` does. The writes reach the disk as they
 * happen instead of piling up as dirty pages for the fsync after.
 */
export async function flushWhile(handle: Pick<FileHandle, 'datasync'>, work: Promise<void>): Promise<void> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  while (!done) {
    await Promise.race([settled, delay(FLUSH_WHILE_MS)]);
    if (!done) await handle.datasync();
  }
  await settled;
}
