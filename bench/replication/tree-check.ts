import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from './results';

/** A regular file as the check sees it. */
export interface TreeEntry {
  size: number;
  mtimeMs: number;
  ino: number;
}

const MAX_PROBLEMS = 10;
/** Muster keeps mtimes to the millisecond, rsync to the nanosecond. */
const MTIME_TOLERANCE_MS = 1.001;

/** Every regular file under `dir` by '/'-separated relative path; top-level `.muster-*` skipped. */
export function listTree(dir: string): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const walk = (current: string, prefix: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (prefix === '' && entry.name.startsWith('.muster-')) continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full, path);
      else if (entry.isFile()) {
        const info = lstatSync(full);
        out.set(path, { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino });
      }
    }
  };
  walk(dir, '');
  return out;
}

/** Files up to this size are read at once: a stream's 4 MiB buffer per small file costs more than the hash. */
const READ_WHOLE = 4 * 1024 * 1024;

/** SHA-256 hex of a file, streamed when it is large. */
export async function sha256File(path: string): Promise<string> {
  if ((await stat(path)).size <= READ_WHOLE)
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** SHA-256 of source files, computed once per version (path, size, mtime) for all three tools. */
export class SourceDigests {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly sourceDir: string) {}

  /** The digest of `path` as it is now. */
  get(path: string, entry: TreeEntry): Promise<string> {
    const key = `${path}\0${entry.size}\0${entry.mtimeMs}\0${entry.ino}`;
    let digest = this.cache.get(key);
    if (!digest) {
      digest = sha256File(join(this.sourceDir, path));
      this.cache.set(key, digest);
    }
    return digest;
  }
}

/**
 * Compares a destination with the source: the same set of files, the same sizes and mtimes,
 * and the same SHA-256 for the files in `hash` ('all' for every file). With `linkedTo`, a file
 * that shares its inode with that already verified tree counts as verified without hashing
 * (a snapshot made of hard links).
 */
export async function checkTree(
  source: Map<string, TreeEntry>,
  digests: SourceDigests,
  destDir: string,
  hash: 'all' | readonly string[],
  linkedTo?: Map<string, TreeEntry>,
): Promise<CheckResult> {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  let dest: Map<string, TreeEntry>;
  try {
    dest = listTree(destDir);
  } catch (error) {
    return {
      ok: false,
      filesCompared: 0,
      filesHashed: 0,
      filesLinked: 0,
      problems: [`cannot list ${destDir}: ${(error as Error).message}`],
    };
  }
  let bad = 0;
  for (const path of dest.keys())
    if (!source.has(path)) {
      bad += 1;
      problem(`extra file ${path}`);
    }
  const toHash = new Set(hash === 'all' ? source.keys() : hash);
  let filesHashed = 0;
  let filesLinked = 0;
  for (const [path, want] of source) {
    const got = dest.get(path);
    if (!got) {
      bad += 1;
      problem(`missing ${path}`);
      continue;
    }
    if (got.size !== want.size) {
      bad += 1;
      problem(`${path}: size ${got.size}, source ${want.size}`);
      continue;
    }
    if (Math.abs(got.mtimeMs - want.mtimeMs) > MTIME_TOLERANCE_MS) {
      bad += 1;
      problem(`${path}: mtime ${got.mtimeMs}, source ${want.mtimeMs}`);
    }
    if (linkedTo && linkedTo.get(path)?.ino === got.ino) {
      filesLinked += 1;
      continue;
    }
    if (!toHash.has(path) && !linkedTo) continue;
    filesHashed += 1;
    const [a, b] = await Promise.all([digests.get(path, want), sha256File(join(destDir, path))]);
    if (a !== b) {
      bad += 1;
      problem(`${path}: content differs`);
    }
  }
  return { ok: bad === 0, filesCompared: source.size, filesHashed, filesLinked, problems };
}
