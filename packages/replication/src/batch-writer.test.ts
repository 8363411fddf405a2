import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BatchWriter } from './batch-writer';

const KiB = 1024;

test('a batch whose journal lines cannot be written fails the writer: no later batch leaves a hole where it belonged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'muster-batch-writer-'));
  const data = await open(join(dir, 'data'), 'w+');
  try {
    let journalFails = true;
    const writer = new BatchWriter(data, {
      beforeWrite: () => {
        if (journalFails)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      afterWrite: async () => undefined,
    });
    await assert.rejects(writer.append(Buffer.alloc(512 * KiB, 1), ['0 524288 x\n'], 0), /ENOSPC/);
    // The disk has room again; before, the next batch was written past the lost one.
    journalFails = false;
    await assert.rejects(
      writer.append(Buffer.alloc(512 * KiB, 2), ['524288 524288 y\n'], 512 * KiB),
      /ENOSPC/,
    );
    await assert.rejects(writer.drain(), /ENOSPC/);
    assert.equal((await readFile(join(dir, 'data'))).length, 0, 'nothing was written');
  } finally {
    await data.close();
    await rm(dir, { recursive: true, force: true });
  }
});
