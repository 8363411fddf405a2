import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256 } from './block-hasher';
import { gateFileHandle } from './file-handle-test-gate';
import { partialFiles } from './offsite-layout';
import { PartialFile } from './partial-file';
import { weakChecksum } from './rolling-checksum';

const BLOCK = 1024;
/** The partial's threshold of held records before a clone syncs (CLONE_RECORDS_PER_SYNC). */
const RECORDS_PER_SYNC = 4096;
const SIZE = 2 * RECORDS_PER_SYNC * BLOCK;

/** A stored file and a clone-and-patch partial of it (no block changed). */
async function clonedPartial(): Promise<{
  dir: string;
  stored: Buffer;
  partial: PartialFile;
  journal: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'muster-partial-sync-'));
  const stored = randomBytes(SIZE);
  const source = join(dir, 'stored.img');
  await writeFile(source, stored);
  const identity = { path: 'm-1/image.img', size: SIZE, mtimeMs: 1_700_000_000_000 };
  const partial = await PartialFile.open(dir, identity, BLOCK, { source, before: async () => undefined });
  assert.equal(partial.cloned, true, 'the partial starts as a clone of the stored file');
  return { dir, stored, partial, journal: partialFiles(dir, identity.path).journal };
}

/** Accepts blocks [first, first + count) as kept in place, each with its known hashes. */
async function keep(partial: PartialFile, stored: Buffer, first: number, count: number): Promise<void> {
  for (let block = first; block < first + count; block++) {
    const bytes = stored.subarray(block * BLOCK, (block + 1) * BLOCK);
    await partial.keepInPlace([{ length: BLOCK, weak: weakChecksum(bytes), strong: sha256(bytes) }]);
  }
}

test("a clone's checkpoint does not wait for its fsync, and journals the records only after it", async () => {
  const { dir, stored, partial, journal } = await clonedPartial();
  const gate = await gateFileHandle('sync');
  try {
    await keep(partial, stored, 0, RECORDS_PER_SYNC);
    gate.hold();
    // Before the change the checkpoint awaited the fsync: with the fsync held it never returned.
    const returned = await Promise.race([
      partial.checkpoint().then(() => true),
      sleep(5_000).then(() => false),
    ]);
    assert.equal(returned, true, 'checkpoint returned while its fsync was held');
    assert.equal(gate.waiting, 1, 'the fsync was started in the background');
    // The patching goes on meanwhile.
    await keep(partial, stored, RECORDS_PER_SYNC, 10);
    assert.equal(existsSync(journal), false, 'no record is journaled before the fsync of its data');
    gate.open();
    await partial.sync();
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 1 + RECORDS_PER_SYNC + 10, 'the head, then every record held, in order');
    assert.equal(lines[1], `0 ${BLOCK} ${sha256(stored.subarray(0, BLOCK)).toString('hex')}`);
    assert.match(lines.at(-1)!, new RegExp(`^${(RECORDS_PER_SYNC + 9) * BLOCK} ${BLOCK} `));
    await partial.discard();
  } finally {
    gate.open();
    gate.restore();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a clone's failed background fsync fails the file: it is never verified or published", async () => {
  const { dir, stored, partial, journal } = await clonedPartial();
  const gate = await gateFileHandle('sync');
  try {
    await keep(partial, stored, 0, RECORDS_PER_SYNC);
    await partial.sync();
    const firstSync = (await readFile(journal, 'utf8')).trim().split('\n').length;
    await keep(partial, stored, RECORDS_PER_SYNC, RECORDS_PER_SYNC);
    gate.failNext(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await partial.checkpoint();
    // Every block is in place and the digest is right: only the failed fsync stops the file.
    await assert.rejects(partial.finish(partial.hasher.digest()), /EIO/, 'finish reports the failed fsync');
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    assert.equal(lines.length, firstSync, 'the records of the failed fsync never reached the journal');
    await partial.discard();
  } finally {
    gate.restore();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a partial written from empty: a failed background fsync fails the file too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'muster-partial-sync-'));
  // One fsync in the background every 16 MiB written.
  const size = 20 * 1024 * 1024;
  const identity = { path: 'm-1/new.img', size, mtimeMs: 1_700_000_000_000 };
  const partial = await PartialFile.open(dir, identity, 64 * 1024);
  const gate = await gateFileHandle('sync');
  try {
    const data = randomBytes(size);
    const block = 64 * 1024;
    let at = 0;
    for (; at < 16 * 1024 * 1024; at += block) await partial.write(data.subarray(at, at + block));
    gate.failNext(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    // Before, the background fsync's error was dropped and the file verified and published.
    await partial.checkpoint();
    await assert.rejects(
      (async () => {
        for (; at < size; at += block) await partial.write(data.subarray(at, at + block));
        await partial.finish(partial.hasher.digest());
      })(),
      /EIO/,
      'the failed fsync is reported before the file may become visible',
    );
    await partial.discard();
  } finally {
    gate.restore();
    await rm(dir, { recursive: true, force: true });
  }
});
