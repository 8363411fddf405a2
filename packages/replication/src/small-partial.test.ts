import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { partialFiles } from './offsite-layout';
import { makeWorld, OffsiteChildren } from './test-support';

const PATH = 'm-1/settings.json';

test('a small file arrives inline, is written once whole with its time, and clears a stale journal', async () => {
  const world = await makeWorld();
  try {
    const data = randomBytes(20_000);
    await world.write(PATH, data);
    const mtime = new Date('2026-11-30T08:15:00Z');
    await utimes(join(world.localDir, PATH), mtime, mtime);
    // A journal left by an interrupted transfer of a larger version of the same path.
    const stale = partialFiles(world.guidDir, PATH).journal;
    await mkdir(dirname(stale), { recursive: true });
    await writeFile(stale, '{"path":"m-1/settings.json","size":999999,"mtimeMs":1,"blockSize":1024}\n');
    const summary = await world.pass();
    assert.equal(summary.filesSent, 1);
    const stored = join(world.guidDir, PATH);
    assert.deepEqual(await readFile(stored), data);
    assert.equal((await stat(stored)).mtimeMs, mtime.getTime());
    assert.equal((await stat(stored)).mode & 0o777, 0o600);
    await assert.rejects(stat(stale), { code: 'ENOENT' });
    await assert.rejects(stat(partialFiles(world.guidDir, PATH).data), { code: 'ENOENT' });
  } finally {
    await world.cleanup();
  }
});

test('kill -9 of the offsite at every step of committing a small file leaves the old file or the new one', async () => {
  const world = await makeWorld();
  await world.server.close();
  const offsites = new OffsiteChildren(world);
  const stored = join(world.guidDir, PATH);
  // Forgetting what was sent makes the sender send the file inline again, over the stored one.
  const forget = async () => {
    await rm(world.stateDir, { recursive: true, force: true });
    await mkdir(world.stateDir, { recursive: true });
  };
  try {
    let current = randomBytes(30_000);
    await world.write(PATH, current);
    assert.equal((await offsites.pass()).filesSent, 1);
    for (const killAt of ['before-fsync', 'before-rename', 'renamed']) {
      const next = randomBytes(30_000);
      await world.write(PATH, next);
      await forget();
      await offsites.passKilledAt(killAt);
      const expected = killAt === 'renamed' ? next : current;
      assert.deepEqual(await readFile(stored), expected, `killed at ${killAt}`);

      await forget();
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
