import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inDirectorySync } from './durable-file';
import type { Manifest } from './manifest-store';
import { MANIFEST_PACKS, manifestPackFile, OFFSITE_DIRS } from './offsite-layout';

/**
 * Manifests that encode to at most this many bytes (files of a block or a few) are kept in
 * their folder's pack instead of a file each: creating a file per manifest cost a seeding of
 * 10,000 small files half its time on the offsite (ext4: 6.7-6.9 s without them, 11.3-12.3 s
 * with, alternating runs), as much as creating the files themselves.
 */
export const PACKED_MANIFEST_MAX = 1024;

/** Record kinds of a pack. */
const KIND_GONE = 0;
const KIND_MANIFEST = 1;

/**
 * Packs whose records are kept, most recently used last. A pack is kept as its encoded
 * records (about 250 bytes a one-block file), not as decoded manifests (about 700).
 */
const CACHED_PACKS = 4;

/** What one pack holds: the encoded manifest of each path whose newest record is one. */
interface PackState {
  /** Bytes of whole records (a crash may leave a torn one after them). */
  validLength: number;
  /** Bytes of the file when it was read or last appended to by this process. */
  size: number;
  records: number;
  live: Map<string, Buffer>;
}

/** How the pack codec is given manifests to store and read (manifest-store's codec). */
export interface PackCodec {
  encode(manifest: Manifest): Buffer;
  decode(bytes: Buffer): Manifest | undefined;
}

/**
 * The manifests of the small files of one folder of the stored tree, appended to one file:
 * records of `u32 length | u8 kind | body`, a manifest (its usual encoding) or a path that no
 * longer has one. The newest record of a path wins. Like single manifests they are written
 * without fsync: a record lost or torn by a crash leaves its file without a manifest, and such
 * a file is hashed again when it is next used. A torn tail is cut off before the next append,
 * and a pack holding more superseded records than live ones is rewritten (to a temporary
 * sibling, then renamed) when this process first appends to it.
 */
export class ManifestPacks {
  private readonly cache = new Map<string, PackState>();

  constructor(private readonly codec: PackCodec) {}

  /** Stores `manifest` in its folder's pack (synchronous: a few hundred bytes appended). */
  put(guidDir: string, manifest: Manifest): void {
    const body = this.codec.encode(manifest);
    this.append(manifestPackFile(guidDir, manifest.path), KIND_MANIFEST, body, (state) =>
      state.live.set(manifest.path, body),
    );
  }

  /** Records that `path` has no packed manifest any more (only where its folder has a pack). */
  drop(guidDir: string, path: string): void {
    const file = manifestPackFile(guidDir, path);
    const state = this.load(file);
    if (!state?.live.has(path)) return;
    this.append(file, KIND_GONE, Buffer.from(path), (s) => s.live.delete(path));
  }

  /** The packed manifest of `path`, if its folder's pack has one. */
  get(guidDir: string, path: string): Manifest | undefined {
    const body = this.load(manifestPackFile(guidDir, path))?.live.get(path);
    return body && this.codec.decode(body);
  }

  /** Every packed manifest of a local server. */
  async *all(guidDir: string): AsyncGenerator<Manifest> {
    const dir = join(guidDir, OFFSITE_DIRS.manifest, MANIFEST_PACKS.dir);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (!name.endsWith(MANIFEST_PACKS.suffix)) continue;
      const bytes = await readFile(join(dir, name)).catch(() => Buffer.alloc(0));
      for (const body of parsePack(bytes, this.codec).live.values()) {
        const manifest = this.codec.decode(body);
        if (manifest) yield manifest;
      }
    }
  }

  private append(file: string, kind: number, body: Buffer, apply: (state: PackState) => void): void {
    let state = this.load(file);
    if (state && (state.validLength < state.size || state.records > 2 * state.live.size + 16)) {
      // A torn tail would hide every record appended after it; superseded records only cost
      // reading them. Either way the pack is written anew from what it holds.
      state = this.rewrite(file, state);
    }
    const record = packRecord(kind, body);
    inDirectorySync(dirname(file), () => appendFileSync(file, record, { mode: 0o600 }));
    state ??= { validLength: 0, size: 0, records: 0, live: new Map() };
    state.validLength += record.length;
    state.size = state.validLength;
    state.records += 1;
    apply(state);
    this.remember(file, state);
  }

  private rewrite(file: string, state: PackState): PackState {
    const records = [...state.live.values()].map((body) => packRecord(KIND_MANIFEST, body));
    const bytes = Buffer.concat(records);
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, bytes, { mode: 0o600 });
    renameSync(temporary, file);
    return { validLength: bytes.length, size: bytes.length, records: records.length, live: state.live };
  }

  /** The pack's state: from the cache while the file still has the size this process left it with. */
  private load(file: string): PackState | undefined {
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) {
      this.cache.delete(file);
      return undefined;
    }
    const cached = this.cache.get(file);
    if (cached && cached.size === size) {
      this.remember(file, cached);
      return cached;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    const state = parsePack(bytes, this.codec);
    this.remember(file, state);
    return state;
  }

  private remember(file: string, state: PackState): void {
    this.cache.delete(file);
    this.cache.set(file, state);
    if (this.cache.size > CACHED_PACKS) this.cache.delete(this.cache.keys().next().value as string);
  }
}

/** One record of a pack: `u32 length | u8 kind | body`, the length counting kind and body. */
function packRecord(kind: number, body: Buffer): Buffer {
  const record = Buffer.allocUnsafe(5 + body.length);
  record.writeUInt32BE(1 + body.length, 0);
  record.writeUInt8(kind, 4);
  body.copy(record, 5);
  return record;
}

/** Reads a pack's whole records; stops at the first torn or unreadable one. */
function parsePack(bytes: Buffer, codec: PackCodec): PackState {
  const live = new Map<string, Buffer>();
  let at = 0;
  let records = 0;
  while (at + 5 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    if (length < 1 || at + 4 + length > bytes.length) break;
    const kind = bytes.readUInt8(at + 4);
    const body = bytes.subarray(at + 5, at + 4 + length);
    if (kind === KIND_MANIFEST) {
      const manifest = codec.decode(body);
      if (!manifest) break;
      live.set(manifest.path, body);
    } else if (kind === KIND_GONE) live.delete(body.toString('utf8'));
    else break;
    at += 4 + length;
    records += 1;
  }
  return { validLength: at, size: bytes.length, records, live };
}
