import { rmSync, writeFileSync } from 'node:fs';
import { open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BlockHasher } from './block-hasher';
import { idealBlockSize } from './block-size';
import { inDirectory, inDirectorySync } from './durable-file';
import { type FileStamp, fileStamp, handleStamp } from './file-stamp';
import { HashList } from './hash-list';
import { ManifestPacks, PACKED_MANIFEST_MAX } from './manifest-packs';
import { MANIFEST_PACKS, manifestFile, OFFSITE_DIRS } from './offsite-layout';

/**
 * What the offsite knows about one stored file: per-block weak checksum and full SHA-256, the
 * whole-file digest, and which blocks verification found damaged. Tied to the file's inode so
 * that a manifest left behind by a crash between writing it and renaming the file is noticed.
 */
export interface Manifest {
  path: string;
  size: number;
  blockSize: number;
  ino: number;
  digest: string;
  damaged: number[];
  weaks: number[];
  strongs: HashList;
  /**
   * The file's stamp when these hashes were last known to describe its bytes (taken right
   * after the file was committed or hashed). Only while the file still has this stamp may its
   * blocks be used without reading them (clone-and-patch); absent in manifests of old versions.
   */
  stamp?: FileStamp;
}

const ENTRY = 4 + 32;
const READ_CHUNK = 1024 * 1024;

/** Serializes a manifest: u32 header length, JSON header, then 36 bytes per block. */
export function encodeManifest(m: Manifest): Buffer {
  const { weaks, strongs, ...rest } = m;
  const json = Buffer.from(JSON.stringify({ v: 1, ...rest }));
  const out = Buffer.alloc(4 + json.length + weaks.length * ENTRY);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  let at = 4 + json.length;
  for (let i = 0; i < weaks.length; i++) {
    out.writeUInt32BE(weaks[i]!, at);
    strongs.get(i).copy(out, at + 4);
    at += ENTRY;
  }
  return out;
}

/** Parses a manifest; undefined when it is torn or not one (it is then rebuilt from the file). */
export function decodeManifest(bytes: Buffer): Manifest | undefined {
  try {
    const length = bytes.readUInt32BE(0);
    const head = JSON.parse(bytes.toString('utf8', 4, 4 + length)) as Omit<Manifest, 'weaks' | 'strongs'>;
    const blocks = (bytes.length - 4 - length) / ENTRY;
    if (!Number.isInteger(blocks) || blocks !== Math.ceil(head.size / head.blockSize)) return undefined;
    const weaks: number[] = [];
    const strongs = new HashList();
    for (let i = 0, at = 4 + length; i < blocks; i++, at += ENTRY) {
      weaks.push(bytes.readUInt32BE(at));
      strongs.push(bytes.subarray(at + 4, at + ENTRY));
    }
    return { ...head, damaged: head.damaged ?? [], weaks, strongs };
  } catch {
    return undefined;
  }
}

/** Largest manifest written with synchronous calls (see writeManifest). */
const SYNC_WRITE_MAX = 16 * 1024;

/** The small files' manifests, in one pack per folder (manifest-packs.ts). */
const packs = new ManifestPacks({ encode: encodeManifest, decode: decodeManifest });

/**
 * Reads the manifest of a relative path, if there is a readable one: its own file, else its
 * folder's pack. Writing one of them always removes the other, so at most one describes it.
 */
export async function readManifest(guidDir: string, relativePath: string): Promise<Manifest | undefined> {
  try {
    return decodeManifest(await readFile(manifestFile(guidDir, relativePath)));
  } catch {
    return packs.get(guidDir, relativePath);
  }
}

/**
 * Writes a manifest in place, without fsync: a small one into its folder's pack, a larger one
 * to its own file. A manifest that a crash leaves torn fails to decode, and one left stale no
 * longer matches its file's inode and size: either way it is rebuilt from the file on load,
 * so it needs none of the cost of a durable replace.
 */
export async function writeManifest(guidDir: string, manifest: Manifest): Promise<void> {
  const file = manifestFile(guidDir, manifest.path);
  const bytes = encodeManifest(manifest);
  if (bytes.length <= PACKED_MANIFEST_MAX) {
    // A small file's manifest goes to its folder's pack: no file to create per file. The
    // other kind is removed first: a crash in between leaves none (the file is hashed again
    // when next used), never an old one that verification would take for the file's.
    rmSync(file, { force: true });
    packs.put(guidDir, manifest);
    return;
  }
  packs.drop(guidDir, manifest.path);
  // Mid-sized ones (up to a few hundred blocks) are written with synchronous calls: three
  // thread-pool round trips (open, write, close) cost more than the calls themselves. A large
  // file's (36 bytes a block) stays off the event loop.
  if (bytes.length <= SYNC_WRITE_MAX)
    inDirectorySync(dirname(file), () => writeFileSync(file, bytes, { mode: 0o600 }));
  else await inDirectory(dirname(file), () => writeFile(file, bytes, { mode: 0o600 }));
}

/** Removes the manifest of a relative path. */
export async function deleteManifest(guidDir: string, relativePath: string): Promise<void> {
  await rm(manifestFile(guidDir, relativePath), { force: true });
  packs.drop(guidDir, relativePath);
}

/** Hashes a stored file block by block (in chunks, yielding between reads) into a manifest. */
export async function hashStoredFile(
  file: string,
  relativePath: string,
  blockSize?: number,
  onBlock?: (index: number, strong: Buffer) => void,
): Promise<Manifest> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    const before = await handleStamp(handle);
    const hasher = new BlockHasher(blockSize ?? idealBlockSize(info.size), true);
    let reported = 0;
    // One buffer for the whole file: the hasher copies any piece of a block it keeps.
    const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, info.size)));
    for (let position = 0; position < info.size; ) {
      const chunk = buffer.subarray(0, Math.min(READ_CHUNK, info.size - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      hasher.update(chunk.subarray(0, bytesRead));
      position += bytesRead;
      for (; onBlock && reported < hasher.strongs.length; reported++)
        onBlock(reported, hasher.strongs.get(reported));
    }
    hasher.finish();
    for (; onBlock && reported < hasher.strongs.length; reported++)
      onBlock(reported, hasher.strongs.get(reported));
    // A file written to while it was read has no stamp: its hashes describe no single state.
    const after = await handleStamp(handle);
    return {
      ...(before === after ? { stamp: after } : {}),
      path: relativePath,
      size: hasher.length,
      blockSize: hasher.blockSize,
      ino: info.ino,
      digest: hasher.digest(),
      damaged: [],
      weaks: hasher.weaks,
      strongs: hasher.strongs,
    };
  } finally {
    await handle.close();
  }
}

/**
 * The manifest of a stored file, rebuilt by hashing the file when it is missing, belongs to
 * another inode or size (a crash between manifest write and rename, or a file put there by
 * hand), or the file no longer has the stamp it had when hashed. Undefined when the file does
 * not exist.
 */
export async function loadManifest(
  guidDir: string,
  relativePath: string,
  file: string,
): Promise<Manifest | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    return undefined;
  }
  const manifest = await readManifest(guidDir, relativePath);
  // Only a manifest whose stamp the file still has describes its bytes: a file written behind
  // our back (even with its size and mtime put back) is hashed again, which also gives it a
  // stamp, so the delta against it can be applied by clone-and-patch.
  if (manifest && manifest.ino === info.ino && manifest.size === info.size && manifest.stamp !== undefined)
    if (manifest.stamp === (await fileStamp(file))) return manifest;
  const rebuilt = await hashStoredFile(file, relativePath);
  await writeManifest(guidDir, rebuilt);
  return rebuilt;
}

/** Every manifest held for a local server (for verification). */
export async function* listManifests(guidDir: string): AsyncGenerator<Manifest> {
  const base = join(guidDir, OFFSITE_DIRS.manifest);
  let shards: string[];
  try {
    shards = await readdir(base);
  } catch {
    return;
  }
  for (const shard of shards.sort()) {
    if (shard === MANIFEST_PACKS.dir) continue;
    for (const name of (await readdir(join(base, shard)).catch(() => [] as string[])).sort()) {
      if (!name.endsWith('.mf')) continue;
      const manifest = decodeManifest(await readFile(join(base, shard, name)).catch(() => Buffer.alloc(0)));
      if (manifest) yield manifest;
    }
  }
  yield* packs.all(guidDir);
}
