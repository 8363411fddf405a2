import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { idealBlockSize } from './block-size';
import { OFFSITE_DIRS } from './offsite-layout';
import { isReplicationError } from './replication-error';
import { makeWorld, type TestWorld, treeDigest } from './test-support';

const SIZE = 6 * 1024 * 1024;
const BLOCK = idealBlockSize(SIZE);
const fixture = fileURLToPath(new URL('./resume-child.fixture.ts', import.meta.url));

/**
 * Bytes the offsite holds of new versions in partial files for this local server: a partial
 * written from empty holds its length; one cloned from the stored file (clone-and-patch) holds
 * the prefix its journal records, the rest being the old file's bytes.
 */
async function partialBytes(world: TestWorld): Promise<number> {
  const dir = join(world.guidDir, OFFSITE_DIRS.partial);
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.part')) continue;
    const journal = await readFile(join(dir, name.replace(/\.part$/, '.journal')), 'utf8').catch(() => '');
    const [head, ...records] = journal.split('\n');
    if (head && (JSON.parse(head) as { clone?: boolean }).clone)
      for (const record of records) total += Number(record.split(' ')[1] ?? 0);
    else total += (await stat(join(dir, name))).size;
  }
  return total;
}

function child(role: string, config: object): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fixture, role], {
    env: { ...process.env, MUSTER_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('an aborted sender resumes where the offsite stopped; nothing partial is ever visible', async () => {
  const world = await makeWorld();
  try {
    const old = randomBytes(SIZE);
    await world.write('m-1/image.tib', old);
    await world.pass();
    const next = randomBytes(SIZE);
    await world.write('m-1/image.tib', next);
    const controller = new AbortController();
    let taken = 0;
    const throttle = {
      take: async (bytes: number) => {
        taken += bytes;
        if (taken > 2.5 * 1024 * 1024) controller.abort();
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    await assert.rejects(world.pass({ throttle, signal: controller.signal }), (e) =>
      isReplicationError(e, 'aborted'),
    );
    // The first pass ended one session; wait for the aborted one to end too.
    await waitFor(async () => world.events.filter((e) => e.type === 'session-end').length >= 2);
    const held = await partialBytes(world);
    assert.ok(held > 1024 * 1024 && held < SIZE, `partial holds ${held}`);
    assert.deepEqual(
      await readFile(join(world.guidDir, 'm-1/image.tib')),
      old,
      'the old copy stays until the new one is whole',
    );

    const resumed = await world.pass();
    assert.ok(resumed.resumedBytes >= held - BLOCK, `resumed ${resumed.resumedBytes} of ${held}`);
    assert.ok(
      resumed.literalBytes <= SIZE - held + BLOCK,
      `re-sent ${resumed.literalBytes}, remainder ${SIZE - held}`,
    );
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
    assert.equal(await partialBytes(world), 0);
  } finally {
    await world.cleanup();
  }
});

test('kill -9 of the offsite mid-file: a restarted offsite resumes from its verified partial', async () => {
  const world = await makeWorld();
  await world.server.close();
  const config = {
    root: world.root,
    identity: world.offsite,
    allow: [{ guid: world.guid, keyFingerprint: world.local.fingerprint }],
  };
  const startOffsite = async (): Promise<{ proc: ChildProcess; port: number }> => {
    const proc = child('offsite', config);
    const port = await new Promise<number>((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        const match = /port (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      proc.once('exit', () => reject(new Error('offsite child exited')));
    });
    return { proc, port };
  };
  let offsite = await startOffsite();
  try {
    const data = randomBytes(SIZE);
    await world.write('m-1/image.tib', data);
    const target = { host: '127.0.0.1', keyFingerprint: world.offsite.fingerprint };
    const slow = { take: () => new Promise<void>((resolve) => setTimeout(resolve, 40)) };
    const pass = world.pass({ offsite: { ...target, port: offsite.port }, throttle: slow });
    const failed = assert.rejects(pass, (e) => isReplicationError(e, 'connection-lost'));
    await waitFor(async () => (await partialBytes(world)) > 2 * 1024 * 1024);
    offsite.proc.kill('SIGKILL');
    await failed;
    const held = await partialBytes(world);
    assert.equal(await stat(join(world.guidDir, 'm-1/image.tib')).catch(() => 'absent'), 'absent');

    offsite = await startOffsite();
    const resumed = await world.pass({ offsite: { ...target, port: offsite.port } });
    assert.ok(resumed.resumedBytes >= held - BLOCK, `resumed ${resumed.resumedBytes} of ${held}`);
    assert.ok(
      resumed.literalBytes <= SIZE - held + BLOCK,
      `re-sent ${resumed.literalBytes}, remainder ${SIZE - held}`,
    );
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
  } finally {
    offsite.proc.kill('SIGKILL');
    await world.cleanup();
  }
});

test('kill -9 of the local server mid-file: the next pass resends at most one block of what arrived', async () => {
  const world = await makeWorld();
  try {
    const data = randomBytes(SIZE);
    await world.write('m-1/image.tib', data);
    const proc = child('replicate', {
      localDir: world.localDir,
      stateDir: world.stateDir,
      guid: world.guid,
      identity: world.local,
      port: world.server.port,
      keyFingerprint: world.offsite.fingerprint,
      bytesPerSecond: 3 * 1024 * 1024,
    });
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    await waitFor(async () => (await partialBytes(world)) > 2 * 1024 * 1024);
    proc.kill('SIGKILL');
    await exited;
    await waitFor(async () => world.events.some((e) => e.type === 'session-end'));
    const held = await partialBytes(world);
    assert.ok(held < SIZE, 'killed before the end');
    assert.equal(await stat(join(world.guidDir, 'm-1/image.tib')).catch(() => 'absent'), 'absent');

    const resumed = await world.pass();
    assert.ok(
      resumed.literalBytes <= SIZE - held + BLOCK,
      `re-sent ${resumed.literalBytes}, remainder ${SIZE - held}`,
    );
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
  } finally {
    await world.cleanup();
  }
});
