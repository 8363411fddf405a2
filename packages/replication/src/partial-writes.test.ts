import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gateFileHandle, until } from './file-handle-test-gate';
import { partialFiles } from './offsite-layout';
import { PartialFile } from './partial-file';

const KiB = 1024;
const MiB = 1024 * KiB;
const BLOCK = 64 * KiB;
const SIZE = 4 * MiB;

/** Offsets of a journal's records, in the order they were journaled. */
async function journalOffsets(journal: string): Promise<number[]> {
  const lines = (await readFile(journal, 'utf8')).trim().split('\n').slice(1);
  return lines.map((line) => Number(line.split(' ')[0]));
}

/**
 * Runs `body` with data written around the page cache (direct) or through it, and gives the
 * FileHandle method that path writes data with.
 */
async function withWritePath<T>(
  direct: boolean,
  body: (method: 'write' | 'writev') => Promise<T>,
): Promise<T> {
  const before = process.env.MUSTER_DIRECT_IO;
  if (!direct) process.env.MUSTER_DIRECT_IO = '0';
  try {
    return await body(direct ? 'write' : 'writev');
  } finally {
    if (before === undefined) delete process.env.MUSTER_DIRECT_IO;
    else process.env.MUSTER_DIRECT_IO = before;
  }
}

for (const [kind, direct] of [
  ['written from empty', true],
  ['written from empty', false],
  ['a clone', true],
  ['a clone', false],
] as const) {
  const path = direct ? 'direct writes' : 'through the page cache';
  test(`a partial (${kind}, ${path}) writes three batches at once; finished out of order, its journal stays in file order`, () =>
    withWritePath(direct, async (method) => {
      const dir = await mkdtemp(join(tmpdir(), 'muster-partial-writes-'));
      const identity = { path: 'm-1/image.img', size: SIZE, mtimeMs: 1_700_000_000_000 };
      const gate = await gateFileHandle(method);
      try {
        const source = join(dir, 'stored.img');
        await writeFile(source, randomBytes(SIZE));
        const clone = kind === 'a clone' ? { source, before: async () => undefined } : undefined;
        const partial = await PartialFile.open(dir, identity, BLOCK, clone);
        assert.equal(partial.cloned, kind === 'a clone');
        const data = randomBytes(SIZE);
        gate.hold();
        // Blocks handed over one at a time, as the receiver does: every 512 KiB is one batch.
        const writing = (async () => {
          for (let at = 0; at < SIZE; at += BLOCK) await partial.write(data.subarray(at, at + BLOCK));
        })();
        // One at a time before: the second batch waited for the first to be written.
        await until(() => gate.waiting === 3, 'three batches are being written');
        await sleep(50);
        assert.equal(gate.waiting, 3, 'a fourth batch waits until one of the three is written');
        // The newest finishes first.
        gate.release(2);
        gate.release(1);
        await sleep(20);
        gate.release(0);
        gate.open();
        await writing;
        await partial.sync();
        const offsets = await journalOffsets(partialFiles(dir, identity.path).journal);
        assert.deepEqual(
          offsets,
          Array.from({ length: SIZE / BLOCK }, (_, i) => i * BLOCK),
          'one record a block, in file order',
        );
        await partial.suspend();
        // A resume reads the journal back and keeps every record whose bytes check out: all.
        const resumed = await PartialFile.open(dir, identity, BLOCK);
        assert.equal(resumed.length, SIZE);
        assert.equal(resumed.hasher.digest(), partial.hasher.digest());
        assert.equal(partial.directBytes, direct ? SIZE : 0, 'every batch took the path under test');
        await resumed.discard();
      } finally {
        gate.restore();
        await rm(dir, { recursive: true, force: true });
      }
    }));
}

// Through the page cache: there data goes by writev, so every asynchronous write() is the
// journal's (the order of journal and data is decided before either path, in BatchWriter.start).
test("a batch's journal records are written before its data, without a round trip through the thread pool", () =>
  withWritePath(false, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'muster-partial-writes-'));
    const identity = { path: 'm-1/new.img', size: SIZE, mtimeMs: 1_700_000_000_000 };
    const partial = await PartialFile.open(dir, identity, BLOCK);
    // Every asynchronous write of a file handle held (the journal's went that way before), and
    // every data write.
    const writes = await gateFileHandle('write');
    const dataWrites = await gateFileHandle('writev');
    try {
      writes.hold();
      dataWrites.hold();
      const data = randomBytes(SIZE);
      const writing = (async () => {
        for (let at = 0; at < SIZE; at += BLOCK) await partial.write(data.subarray(at, at + BLOCK));
      })();
      await until(() => dataWrites.waiting === 3, 'three batches wait to be written');
      const offsets = await journalOffsets(partialFiles(dir, identity.path).journal);
      assert.deepEqual(
        offsets,
        Array.from({ length: (3 * 512 * KiB) / BLOCK }, (_, i) => i * BLOCK),
        'the records of the three batches are in the journal before any of their data',
      );
      assert.equal(writes.mostWaiting, 0, 'nothing waited on an asynchronous write');
      dataWrites.open();
      writes.open();
      await writing;
      await partial.discard();
    } finally {
      dataWrites.restore();
      writes.restore();
      await rm(dir, { recursive: true, force: true });
    }
  }));
