import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  deleteManifest,
  hashStoredFile,
  listManifests,
  type Manifest,
  readManifest,
  writeManifest,
} from './manifest-store';
import { manifestPackFile, OFFSITE_DIRS } from './offsite-layout';
import { verifyOffsite } from './offsite-verify';

const GUID = 'ls-packs';

/** An offsite root with one local server folder (tests only). */
async function store(): Promise<{ root: string; guidDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'muster-packs-'));
  const guidDir = join(root, GUID);
  await mkdir(guidDir, { recursive: true });
  return { root, guidDir };
}

/** Stores a file in the mirror and returns its manifest (not yet written). */
async function stored(guidDir: string, path: string, data: Buffer, blockSize?: number): Promise<Manifest> {
  const file = join(guidDir, ...path.split('/'));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  return hashStoredFile(file, path, blockSize);
}

/** Every manifest file below the manifest folder, by kind. */
async function manifestFiles(guidDir: string): Promise<{ single: number; packs: number }> {
  const names = await readdir(join(guidDir, OFFSITE_DIRS.manifest), { recursive: true });
  return {
    single: names.filter((n) => n.endsWith('.mf')).length,
    packs: names.filter((n) => n.endsWith('.mfp')).length,
  };
}

async function listedPaths(guidDir: string): Promise<string[]> {
  const paths: string[] = [];
  for await (const manifest of listManifests(guidDir)) paths.push(manifest.path);
  return paths.sort();
}

test("small files' manifests go to one pack per folder, read back whole, and verification checks them", async () => {
  const { root, guidDir } = await store();
  try {
    const paths = Array.from({ length: 30 }, (_, i) => `m-1/${i < 20 ? 'a' : 'b'}/f${i}.bin`);
    const written = new Map<string, Manifest>();
    for (const path of paths) {
      const manifest = await stored(guidDir, path, randomBytes(1000 + paths.indexOf(path)));
      await writeManifest(guidDir, manifest);
      written.set(path, manifest);
    }
    assert.deepEqual(await manifestFiles(guidDir), { single: 0, packs: 2 }, 'no file per manifest');
    for (const path of paths) {
      const read = await readManifest(guidDir, path);
      const expected = written.get(path)!;
      assert.deepEqual(
        [read?.digest, read?.ino, read?.stamp, read?.weaks, read?.strongs.get(0)],
        [expected.digest, expected.ino, expected.stamp, expected.weaks, expected.strongs.get(0)],
      );
    }
    assert.deepEqual(await listedPaths(guidDir), [...paths].sort());

    // A stored small file damaged behind the offsite's back is found from its packed manifest.
    const damaged = join(guidDir, 'm-1', 'b', 'f25.bin');
    const handle = await open(damaged, 'r+');
    await handle.write(Buffer.from([0xff, 0x00, 0xff]), 0, 3, 10);
    await handle.close();
    const report = await verifyOffsite(root, GUID);
    assert.equal(report.filesChecked, 30);
    assert.deepEqual(
      report.corrupted.map((c) => c.path),
      ['m-1/b/f25.bin'],
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a path has one manifest as it moves between its pack and a file of its own, and none once deleted', async () => {
  const { root, guidDir } = await store();
  try {
    const path = 'm-1/grows.bin';
    await writeManifest(guidDir, await stored(guidDir, path, randomBytes(3000)));
    await writeManifest(guidDir, await stored(guidDir, 'm-1/neighbour.bin', randomBytes(2000)));
    // 2,048 blocks of 512 bytes: 73 KiB of manifest, a file of its own.
    const large = await stored(guidDir, path, randomBytes(1024 * 1024), 512);
    await writeManifest(guidDir, large);
    assert.equal((await readManifest(guidDir, path))?.digest, large.digest);
    assert.deepEqual(await manifestFiles(guidDir), { single: 1, packs: 1 });
    assert.deepEqual(await listedPaths(guidDir), ['m-1/grows.bin', 'm-1/neighbour.bin']);

    const small = await stored(guidDir, path, randomBytes(500));
    await writeManifest(guidDir, small);
    assert.equal((await readManifest(guidDir, path))?.digest, small.digest);
    assert.deepEqual(await manifestFiles(guidDir), { single: 0, packs: 1 });
    assert.deepEqual(await listedPaths(guidDir), ['m-1/grows.bin', 'm-1/neighbour.bin']);

    await deleteManifest(guidDir, path);
    assert.equal(await readManifest(guidDir, path), undefined);
    assert.deepEqual(await listedPaths(guidDir), ['m-1/neighbour.bin']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("a torn record at a pack's end is cut off at the next write; the records before it are kept", async () => {
  const { root, guidDir } = await store();
  try {
    const paths = ['m-1/a.bin', 'm-1/b.bin', 'm-1/c.bin'];
    for (const path of paths) await writeManifest(guidDir, await stored(guidDir, path, randomBytes(4000)));
    // A crash in the middle of an append: a length that promises more than follows.
    const pack = manifestPackFile(guidDir, 'm-1/a.bin');
    await appendFile(pack, Buffer.from([0, 0, 1, 0, 1, 0x7b]));
    assert.deepEqual(await listedPaths(guidDir), paths, 'read up to the torn record');
    await writeManifest(guidDir, await stored(guidDir, 'm-1/d.bin', randomBytes(4000)));
    // Read from the disk again: the new record would be lost behind the torn one.
    assert.deepEqual(await listedPaths(guidDir), [...paths, 'm-1/d.bin']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a pack of mostly superseded records is rewritten with only the newest', async () => {
  const { root, guidDir } = await store();
  try {
    let last: Manifest | undefined;
    for (let i = 0; i < 60; i++) {
      last = await stored(guidDir, 'm-1/often.bin', randomBytes(1000));
      await writeManifest(guidDir, last);
    }
    await writeManifest(guidDir, await stored(guidDir, 'm-1/once.bin', randomBytes(1000)));
    const size = (await stat(manifestPackFile(guidDir, 'm-1/often.bin'))).size;
    // About 300 bytes a record: 61 records would be 18 KB; at most 19 are kept between rewrites.
    assert.ok(size < 19 * 400, `pack of ${size} bytes`);
    assert.equal((await readManifest(guidDir, 'm-1/often.bin'))?.digest, last?.digest);
    assert.deepEqual(await listedPaths(guidDir), ['m-1/often.bin', 'm-1/once.bin']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
