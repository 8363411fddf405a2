import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { sha256 } from './block-hasher';
import { partialFiles } from './offsite-layout';
import { PartialFile } from './partial-file';

const MiB = 1024 * 1024;

/** A partial left by a crash: its data file and a journal with one record per given piece. */
async function leftPartial(
  guidDir: string,
  identity: { path: string; size: number; mtimeMs: number },
  data: Buffer,
  pieces: number[],
): Promise<void> {
  const files = partialFiles(guidDir, identity.path);
  await mkdir(dirname(files.data), { recursive: true });
  await writeFile(files.data, data);
  let offset = 0;
  const lines = [`${JSON.stringify({ ...identity, blockSize: 64 * 1024 })}\n`];
  for (const length of pieces) {
    lines.push(`${offset} ${length} ${sha256(data.subarray(offset, offset + length)).toString('hex')}\n`);
    offset += length;
  }
  await writeFile(files.journal, lines.join(''));
}

test('a resume keeps every verified record of a journal, read back through one buffer', async () => {
  const guidDir = await mkdtemp(join(tmpdir(), 'muster-journal-'));
  try {
    const identity = { path: 'a/image.bin', size: 8 * MiB, mtimeMs: 1_700_000_000_000 };
    const data = randomBytes(3 * MiB);
    await leftPartial(guidDir, identity, data, [64 * 1024, 64 * 1024, 128 * 1024, 1024 * 1024, 64 * 1024]);
    const partial = await PartialFile.open(guidDir, identity, 64 * 1024);
    assert.equal(partial.length, 1344 * 1024);
    await partial.discard();
  } finally {
    await rm(guidDir, { recursive: true, force: true });
  }
});

test('a journal record longer than any piece the offsite writes ends the resume there', async () => {
  // Reading it back would take that much memory at once; the offsite never writes one.
  const guidDir = await mkdtemp(join(tmpdir(), 'muster-journal-'));
  try {
    const identity = { path: 'a/image.bin', size: 16 * MiB, mtimeMs: 1_700_000_000_000 };
    const data = randomBytes(6 * MiB);
    await leftPartial(guidDir, identity, data, [64 * 1024, 5 * MiB]);
    const partial = await PartialFile.open(guidDir, identity, 64 * 1024);
    assert.equal(partial.length, 64 * 1024);
    await partial.discard();
  } finally {
    await rm(guidDir, { recursive: true, force: true });
  }
});
