import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, open, readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { partialFiles } from './offsite-layout';
import { type PatchStep, setPatchStepHook } from './patch-steps';
import { makeWorld, OffsiteChildren, treeDigest } from './test-support';

const SIZE = 4 * 1024 * 1024;
const PATH = 'm-1/image.tib';
const digest = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A copy of `data` with `count` regions of `length` random bytes overwritten at spread offsets. */
function overwrite(data: Buffer, count: number, length = 3000): Buffer {
  const next = Buffer.from(data);
  for (let i = 0; i < count; i++)
    randomBytes(length).copy(next, Math.floor(((i + 0.5) * next.length) / count));
  return next;
}

/** Records every step of the offsite's clone-and-patch (in this process) while `run` goes. */
async function withSteps<T>(
  run: () => Promise<T>,
  onStep?: (step: PatchStep, path: string) => void | Promise<void>,
): Promise<{ result: T; steps: PatchStep[] }> {
  const steps: PatchStep[] = [];
  setPatchStepHook(async (step, path) => {
    steps.push(step);
    await onStep?.(step, path);
  });
  try {
    return { result: await run(), steps };
  } finally {
    setPatchStepHook(undefined);
  }
}

test('clone-and-patch writes only the changed blocks of a stored file, then verifies and commits it', async () => {
  const world = await makeWorld();
  try {
    const old = randomBytes(SIZE);
    await world.write(PATH, old);
    await world.pass();
    const next = overwrite(old, 3);
    await world.write(PATH, next);
    // The stored file is readable by all; the clone the offsite patches is its own alone.
    await chmod(join(world.guidDir, PATH), 0o644);
    let cloneMode = 0;
    const { result, steps } = await withSteps(
      () => world.pass(),
      async (step) => {
        if (step === 'cloned') cloneMode = (await stat(partialFiles(world.guidDir, PATH).data)).mode & 0o777;
      },
    );
    assert.ok(result.complete);
    assert.equal(steps[0], 'cloned');
    assert.equal(cloneMode, 0o600);
    // Three changed regions of 3000 bytes: a literal frame each, nothing else written.
    const writes = steps.filter((step) => step === 'patched').length;
    assert.ok(writes >= 3 && writes <= 6, `${writes} writes`);
    assert.ok(!steps.includes('verifying'), 'hashes of untouched blocks are reused while the stamp holds');
    assert.ok(result.literalBytes < 32 * 1024, `sent ${result.literalBytes}`);
    assert.deepEqual(await readFile(join(world.guidDir, PATH)), next);

    // An insertion moves every later block: those are written at their new offsets.
    const inserted = Buffer.concat([
      next.subarray(0, SIZE / 2),
      randomBytes(64 * 1024),
      next.subarray(SIZE / 2),
    ]);
    await world.write(PATH, inserted);
    const moved = await withSteps(() => world.pass());
    assert.equal(moved.steps[0], 'cloned');
    assert.ok(moved.result.literalBytes <= 64 * 1024 + 8 * 1024, `sent ${moved.result.literalBytes}`);
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
    // And the committed file is a sound basis again: nothing changed, nothing sent.
    assert.equal((await world.pass()).filesChanged, 0);
  } finally {
    await world.cleanup();
  }
});

test('a stored file changed behind the offsite is not trusted: it is hashed again before the delta', async () => {
  const world = await makeWorld();
  try {
    const old = randomBytes(SIZE);
    await world.write(PATH, old);
    await world.pass();
    // Same size, same mtime: only its change time tells (as after `rsync --inplace -t`).
    const stored = join(world.guidDir, PATH);
    const handle = await open(stored, 'r+');
    const { mtime } = await handle.stat();
    await handle.write(randomBytes(5000), 0, 5000, 1_000_000);
    await handle.close();
    await utimes(stored, mtime, mtime);
    const next = overwrite(old, 2);
    await world.write(PATH, next);
    const { result } = await withSteps(() => world.pass());
    assert.ok(result.complete, JSON.stringify(result.errors));
    // The 5000 bytes changed offsite come back along with the two regions changed locally.
    assert.ok(result.literalBytes >= 5000 && result.literalBytes < 32 * 1024, `sent ${result.literalBytes}`);
    assert.deepEqual(await readFile(stored), next);
  } finally {
    await world.cleanup();
  }
});

test('a stored file changed during the clone-and-patch makes the offsite read the whole partial back', async () => {
  const world = await makeWorld();
  try {
    const old = randomBytes(SIZE);
    await world.write(PATH, old);
    await world.pass();
    const next = overwrite(old, 2);
    await world.write(PATH, next);
    const stored = join(world.guidDir, PATH);
    const { result, steps } = await withSteps(
      () => world.pass(),
      async (step) => {
        // After the clone: the stored file changes (content of an untouched block).
        if (step === 'cloned') {
          const handle = await open(stored, 'r+');
          await handle.write(randomBytes(100), 0, 100, 2_000_000);
          await handle.close();
        }
      },
    );
    assert.ok(steps.includes('verifying'), 'the partial was read back');
    assert.ok(result.complete, JSON.stringify(result.errors));
    assert.deepEqual(await readFile(stored), next);
  } finally {
    await world.cleanup();
  }
});

test('a block that changes during verification is caught: the file is not published, the retry is right', async () => {
  const world = await makeWorld();
  try {
    const old = randomBytes(SIZE);
    await world.write(PATH, old);
    await world.pass();
    const next = overwrite(old, 2);
    await world.write(PATH, next);
    const stored = join(world.guidDir, PATH);
    const partial = partialFiles(world.guidDir, PATH).data;
    let verifying = 0;
    const published: string[] = [];
    const { result } = await withSteps(
      () => world.pass(),
      async (step) => {
        // Touching the stored file makes the reused hashes untrusted, so the partial is read back.
        if (step === 'cloned') await utimes(stored, new Date(), new Date());
        // Once the first megabyte is verified, a block in it changes on disk.
        if (step === 'verifying' && ++verifying === 1) {
          const handle = await open(partial, 'r+');
          await handle.write(randomBytes(512), 0, 512, 4096);
          await handle.close();
        }
        if (step === 'renamed') published.push(digest(await readFile(stored)));
      },
    );
    assert.equal(verifying > 1, true, 'verification went on past the change');
    const failed = world.events.filter((e) => e.type === 'file-failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.type === 'file-failed' && failed[0].code, 'digest-mismatch');
    assert.ok(result.complete, 'the sender retried the file');
    assert.deepEqual(published, [digest(next)], 'only the right file was ever renamed into place');
    assert.deepEqual(await readFile(stored), next);
  } finally {
    await world.cleanup();
  }
});

test('kill -9 of the offsite at every step of a clone-and-patch leaves the old file or the new one, never a mix', async () => {
  const world = await makeWorld();
  await world.server.close();
  const offsites = new OffsiteChildren(world);
  const stored = join(world.guidDir, PATH);
  const steps = ['cloned', 'patched:1', 'patched:3', 'before-fsync', 'before-rename', 'renamed'];
  try {
    let current: Buffer = randomBytes(SIZE);
    await world.write(PATH, current);
    await offsites.pass();
    for (const killAt of steps) {
      const next = overwrite(current, 4);
      await world.write(PATH, next);
      await offsites.passKilledAt(killAt);
      const seen = digest(await readFile(stored));
      const expected = killAt === 'renamed' ? next : current;
      assert.equal(
        seen,
        digest(expected),
        `killed at ${killAt}: the final name holds the ${killAt === 'renamed' ? 'new' : 'old'} file`,
      );

      const recovered = await offsites.pass();
      assert.ok(recovered.complete, `after ${killAt}: ${JSON.stringify(recovered.errors)}`);
      assert.deepEqual(await readFile(stored), next, `after ${killAt}, the next pass commits the new file`);
      current = next;
    }
  } finally {
    offsites.killAll();
    await world.cleanup();
  }
});
