import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

const bytes = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));

/** Conformance tests of the file store. */
export function fileStoreTests(store: StoreRef): void {
  it('appends in order only, reads any range back, and completes with size and hash', async () => {
    const files = store().files;
    const created = await files.createFile({
      id: 'f1',
      name: 'setup.msi',
      machineId: null,
      groupId: 'acme',
      commandId: null,
      createdAt: T0,
    });
    assert.equal(created.status, 'receiving');
    assert.equal(created.received, 0);
    const a = bytes(700_000, 1);
    const b = bytes(500_000, 2);
    assert.deepEqual(await files.appendChunk('f1', 0, a), { written: true, received: 700_000 });
    assert.deepEqual(await files.appendChunk('f1', 0, a), { written: false, received: 700_000 }, 'a repeat');
    assert.deepEqual(
      await files.appendChunk('f1', 900_000, b),
      { written: false, received: 700_000 },
      'a gap',
    );
    assert.deepEqual(await files.appendChunk('f1', 700_000, b), { written: true, received: 1_200_000 });
    const whole = Buffer.concat([a, b]);
    assert.deepEqual(await files.readRange('f1', 0, 2_000_000), whole);
    assert.deepEqual(
      await files.readRange('f1', 699_990, 20),
      whole.subarray(699_990, 700_010),
      'across pieces',
    );
    assert.deepEqual(await files.readRange('f1', 1_199_999, 10), whole.subarray(1_199_999));
    assert.equal((await files.readRange('f1', 1_200_000, 10)).length, 0, 'past the end');
    const sha = createHash('sha256').update(whole).digest('hex');
    assert.equal(await files.completeFile('f1', 1_199_999, sha, T0 + 1), false, 'a size that differs');
    assert.equal(await files.completeFile('f1', 1_200_000, sha, T0 + 1), true);
    const done = await files.getFile('f1');
    assert.deepEqual(
      [done?.status, done?.size, done?.sha256, done?.completedAt],
      ['complete', 1_200_000, sha, T0 + 1],
    );
    assert.deepEqual(
      await files.appendChunk('f1', 1_200_000, a),
      { written: false, received: 1_200_000 },
      'complete is final',
    );
    await files.resetFile('f1');
    assert.equal((await files.getFile('f1'))?.received, 1_200_000, 'a complete file is never reset');
  });

  it('gives a command one upload, resets it, lists and deletes files', async () => {
    const files = store().files;
    const first = await files.createFile({
      id: 'u1',
      name: 'log.txt',
      machineId: 'm.g.acme',
      groupId: 'g.acme',
      commandId: 'c1',
      createdAt: T0,
    });
    const again = await files.createFile({
      id: 'u2',
      name: 'log.txt',
      machineId: 'm.g.acme',
      groupId: 'g.acme',
      commandId: 'c1',
      createdAt: T0 + 5,
    });
    assert.equal(again.id, first.id, 'a retry of the command resumes the same upload');
    assert.equal((await files.findByCommand('c1'))?.id, 'u1');
    assert.equal(await files.findByCommand('nope'), null);
    await files.appendChunk('u1', 0, bytes(1000, 3));
    await files.resetFile('u1');
    assert.equal((await files.getFile('u1'))?.received, 0);
    assert.equal((await files.readRange('u1', 0, 10)).length, 0);
    await files.createFile({
      id: 'u3',
      name: 'b',
      machineId: null,
      groupId: 'acme',
      commandId: null,
      createdAt: T0 + 9,
    });
    const listed = (await files.listFiles(10)).map((f) => f.id);
    assert.equal(listed[0], 'u3', 'newest first');
    assert.ok(listed.includes('u1'));
    assert.equal(await files.deleteFile('u1'), true);
    assert.equal(await files.deleteFile('u1'), false);
    assert.equal(await files.getFile('u1'), null);
    assert.deepEqual(await files.appendChunk('u1', 0, bytes(10, 1)), { written: false, received: 0 }, 'gone');
  });
}
