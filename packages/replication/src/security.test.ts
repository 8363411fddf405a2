import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { BlockHasher, sha256 } from './block-hasher';
import { FrameChannel } from './frame-channel';
import { FrameType } from './frame-codec';
import { connectOffsite } from './offsite-connect';
import { startOffsiteServer } from './offsite-server';
import { isReplicationError } from './replication-error';
import { makeWorld } from './test-support';
import { createReplicationIdentity } from './tls-identity';
import { parseFileBasis, parseResult } from './wire-messages';

const run = promisify(execFile);

async function sClient(port: number, ...args: string[]): Promise<string> {
  const child = run('/usr/bin/openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-brief', ...args], {
    timeout: 5000,
  });
  child.child.stdin?.end();
  try {
    const { stdout, stderr } = await child;
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}\nFAILED`;
  }
}

test('TLS 1.3 with a 256-bit suite only; TLS 1.2 and 128-bit suites fail (openssl s_client)', async () => {
  const world = await makeWorld();
  try {
    const ok = await sClient(world.server.port, '-tls1_3');
    assert.match(ok, /Protocol version: TLSv1\.3/);
    assert.match(ok, /Ciphersuite: TLS_(AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)/);
    assert.match(await sClient(world.server.port, '-tls1_2'), /alert protocol version|FAILED/);
    const weak = await sClient(world.server.port, '-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256');
    assert.match(weak, /handshake failure/);
    assert.doesNotMatch(weak, /Protocol version: TLSv1\.3/);
  } finally {
    await world.cleanup();
  }
});

test('unpinned peers are refused both ways, with the reason reported', async () => {
  const world = await makeWorld();
  const stranger = await createReplicationIdentity();
  try {
    await world.write('m/a.txt', 'a');
    await assert.rejects(
      world.pass({
        offsite: { host: '127.0.0.1', port: world.server.port, keyFingerprint: stranger.fingerprint },
      }),
      (e) => isReplicationError(e, 'unpinned-peer') && /not the pinned/.test(e.message),
    );
    await assert.rejects(world.pass({ identity: stranger }), (e) => isReplicationError(e, 'unpinned-peer'));
    const refused = world.events.find((e) => e.type === 'refused' && e.code === 'unpinned-peer');
    assert.equal(refused?.type === 'refused' && refused.fingerprint, stranger.fingerprint);
    await assert.rejects(world.pass({ localServerGuid: 'someone-else' }), (e) =>
      isReplicationError(e, 'unknown-local-server'),
    );
    world.server.setAllowList([]);
    await assert.rejects(world.pass(), (e) => isReplicationError(e, 'unpinned-peer'));
    world.server.setAllowList([{ guid: world.guid, keyFingerprint: world.local.fingerprint }]);
    assert.equal((await world.pass()).filesSent, 1);
    assert.equal(world.server.stats().refusals, 4);
  } finally {
    await world.cleanup();
  }
});

test('ports outside 1024–49151 and ports in use give typed errors', async () => {
  const world = await makeWorld();
  const identity = world.offsite;
  const options = { root: world.root, identity, allow: [], host: '127.0.0.1' };
  try {
    for (const port of [80, 1023, 49152, 65535, 5722.5])
      await assert.rejects(startOffsiteServer({ ...options, port }), (e) =>
        isReplicationError(e, 'port-out-of-range'),
      );
    let blocker: Server | undefined;
    let port = 0;
    for (let attempt = 0; attempt < 50 && !blocker; attempt++) {
      port = 20000 + Math.floor(Math.random() * 20000);
      const candidate = createServer();
      const bound = await new Promise<boolean>((resolve) => {
        candidate.once('error', () => resolve(false));
        candidate.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (bound) blocker = candidate;
    }
    assert.ok(blocker);
    await assert.rejects(startOffsiteServer({ ...options, port }), (e) =>
      isReplicationError(e, 'port-in-use'),
    );
    await new Promise((resolve) => blocker.close(resolve));
    await assert.rejects(startOffsiteServer({ ...options, port: 0, root: 'relative/dir' }), (e) =>
      isReplicationError(e, 'invalid-root'),
    );
  } finally {
    await world.cleanup();
  }
});

test('a plain TCP client that sends nothing gets nothing, until the idle timeout', async () => {
  const world = await makeWorld({ idleTimeoutMs: 800 });
  try {
    const socket = connect(world.server.port, '127.0.0.1');
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    const opened = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(received, 0);
    assert.equal(socket.destroyed, false);
    const closedAt = await closed;
    assert.equal(received, 0);
    assert.ok(closedAt - opened >= 700, `closed after ${closedAt - opened} ms`);
  } finally {
    await world.cleanup();
  }
});

test('crafted paths are refused and reported, nothing is written outside, the session goes on', async () => {
  const world = await makeWorld();
  try {
    const outside = join(world.base, 'outside');
    await mkdir(outside);
    await mkdir(world.guidDir, { recursive: true });
    await symlink(outside, join(world.guidDir, 'evil'));
    const socket = await connectOffsite(
      { host: '127.0.0.1', port: world.server.port, keyFingerprint: world.offsite.fingerprint },
      world.local,
    );
    const channel = new FrameChannel(socket);
    await channel.send(FrameType.hello, { v: 1, guid: world.guid });
    assert.equal((await channel.receive())?.type, FrameType.welcome);
    const attacks = [
      '../x',
      '/etc/passwd',
      'a/../../b',
      'CON',
      'm/nul.txt',
      'a\0b',
      'evil/x',
      'C:\\x',
      '.muster-manifest/x',
    ];
    for (const path of attacks) {
      await channel.send(FrameType.fileBegin, { path, size: 5, mtimeMs: 1 });
      const reply = await channel.receive();
      assert.equal(reply?.type, FrameType.fileResult, path);
      const result = parseResult(reply!.header);
      assert.deepEqual([result.ok, result.code], [false, 'path-refused'], path);
    }
    await channel.send(FrameType.deleteFile, { path: '../outside' });
    const deleted = parseResult((await channel.receive())!.header);
    assert.equal(deleted.code, 'path-refused');

    const data = Buffer.from('hello');
    await channel.send(FrameType.fileBegin, { path: 'm/ok.txt', size: data.length, mtimeMs: 1000 });
    const basis = parseFileBasis((await channel.receive())!.header);
    const hasher = new BlockHasher(basis.blockSize, false);
    hasher.update(data);
    hasher.finish();
    await channel.send(FrameType.literal, undefined, Buffer.concat([sha256(data), data]));
    await channel.send(FrameType.fileEnd, { digest: hasher.digest() });
    assert.deepEqual(parseResult((await channel.receive())!.header), { path: 'm/ok.txt', ok: true });

    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]));
    const fatal = await channel.receive();
    assert.equal(fatal?.type, FrameType.error);
    assert.equal(fatal?.header['code'], 'frame-too-large');
    await assert.rejects(channel.receive().then((f) => f ?? Promise.reject(new Error('closed'))));

    assert.deepEqual(await readdir(outside), []);
    const refusals = world.events.filter((e) => e.type === 'path-refused');
    assert.equal(refusals.length, attacks.length + 1);
    assert.deepEqual(await readdir(join(world.guidDir, 'm')), ['ok.txt']);
    await writeFile(join(world.base, 'done'), '');
  } finally {
    await world.cleanup();
  }
});
