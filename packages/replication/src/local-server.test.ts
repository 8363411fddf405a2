import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalServer, type LocalServerStatus, retryDelay } from './local-server';
import { type OffsiteServer, startOffsiteServer } from './offsite-server';
import { isReplicationError } from './replication-error';
import { makeWorld, treeDigest } from './test-support';

test('retry delays are full-jitter and capped', () => {
  assert.equal(
    retryDelay(3, 1000, 60_000, () => 0.999999),
    7999,
  );
  assert.equal(
    retryDelay(30, 1000, 60_000, () => 0.5),
    30_000,
  );
  assert.equal(
    retryDelay(1, 1000, 60_000, () => 0),
    0,
  );
});

test('a local server retries until the offsite is back, then reports progress and becomes active', async () => {
  const world = await makeWorld();
  let offsite: OffsiteServer | undefined;
  let port = 0;
  // Find a free port inside the allowed range, then leave it closed for a while.
  for (let attempt = 0; attempt < 50 && !offsite; attempt++) {
    port = 20000 + Math.floor(Math.random() * 20000);
    offsite = await startOffsiteServer({
      root: world.root,
      port,
      host: '127.0.0.1',
      identity: world.offsite,
      allow: [{ guid: world.guid, keyFingerprint: world.local.fingerprint }],
    }).catch((e) => (isReplicationError(e, 'port-in-use') ? undefined : Promise.reject(e)));
  }
  assert.ok(offsite);
  await offsite.close();
  await world.write('m-1/image.tib', randomBytes(1024 * 1024));
  const rate = 512 * 1024;
  let taken = 0;
  let started = 0;
  const local = new LocalServer({
    localDir: world.localDir,
    localServerGuid: world.guid,
    stateDir: world.stateDir,
    offsite: { host: '127.0.0.1', port, keyFingerprint: world.offsite.fingerprint },
    identity: world.local,
    deleteDelaySeconds: 0,
    intervalMs: 60_000,
    retryBaseMs: 20,
    retryCapMs: 100,
    throttle: {
      take: async (bytes) => {
        if (taken === 0) started = performance.now();
        taken += bytes;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, started + (taken / rate) * 1000 - performance.now())),
        );
      },
    },
  });
  const seen: LocalServerStatus[] = [];
  const poll = setInterval(() => seen.push(local.status()), 50);
  try {
    local.start();
    while (local.status().failures < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const down = local.status();
    assert.equal(down.active, false);
    assert.equal(down.lastError?.code, 'connect-failed');
    offsite = await startOffsiteServer({
      root: world.root,
      port,
      host: '127.0.0.1',
      identity: world.offsite,
      allow: [{ guid: world.guid, keyFingerprint: world.local.fingerprint }],
    });
    while (local.status().lastTransferAt === null) await new Promise((resolve) => setTimeout(resolve, 20));
    const up = local.status();
    assert.equal(up.active, true);
    assert.equal(up.failures, 0);
    assert.equal(up.lastSummary?.filesSent, 1);
    assert.ok(up.nextRunAt !== null && up.nextRunAt > Date.now() + 50_000);
    const moving = seen.filter(
      (s) => s.state === 'transferring' && s.rateBytesPerSecond > 0 && s.etaSeconds !== null,
    );
    assert.ok(moving.length > 0, 'status showed a rate and a time left during the transfer');
    assert.ok(moving.every((s) => s.rateBytesPerSecond < rate * 3));
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
  } finally {
    clearInterval(poll);
    await local.stop();
    await offsite?.close();
    await world.cleanup();
  }
});

test('a wait longer than setTimeout can hold (a yearly schedule) is kept, not run at once', async () => {
  const world = await makeWorld();
  let passes = 0;
  const fortyDays = 40 * 86_400_000;
  const local = new LocalServer({
    localDir: world.localDir,
    localServerGuid: world.guid,
    stateDir: world.stateDir,
    // Nothing listens here, so the pass fails at once and waits its retry delay: forty days.
    offsite: { host: '127.0.0.1', port: 1, keyFingerprint: world.offsite.fingerprint },
    identity: world.local,
    deleteDelaySeconds: 0,
    retryBaseMs: fortyDays,
    retryCapMs: fortyDays,
    random: () => 0.999,
    onPass: () => {
      passes += 1;
    },
  });
  local.start();
  try {
    const deadline = Date.now() + 10_000;
    while (passes === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(passes, 1, 'no second pass: the long wait did not fire at once');
    assert.ok((local.status().nextRunAt ?? 0) > Date.now() + 30 * 86_400_000);
  } finally {
    await local.stop();
    await world.cleanup();
  }
});

test('replicate-now during a pass runs one more pass right after it, for files changed meanwhile', async () => {
  const world = await makeWorld();
  await world.write('m-1/image.tib', randomBytes(512 * 1024));
  let passes = 0;
  const local = new LocalServer({
    localDir: world.localDir,
    localServerGuid: world.guid,
    stateDir: world.stateDir,
    offsite: { host: '127.0.0.1', port: world.server.port, keyFingerprint: world.offsite.fingerprint },
    identity: world.local,
    deleteDelaySeconds: 0,
    intervalMs: 3_600_000,
    // Slow enough that the request below arrives mid-pass.
    throttle: { take: (bytes) => new Promise((resolve) => setTimeout(resolve, bytes / 1024)) },
    onPass: () => {
      passes += 1;
    },
  });
  try {
    local.start();
    while (local.status().bytesRemaining === 0 && passes === 0) await new Promise((r) => setTimeout(r, 5));
    await world.write('m-1/late.tib', randomBytes(1000));
    local.runNow();
    const deadline = Date.now() + 20_000;
    while (passes < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(passes, 2, 'a second pass followed at once, not an hour later');
    assert.deepEqual(await treeDigest(world.guidDir), await treeDigest(world.localDir));
  } finally {
    await local.stop();
    await world.cleanup();
  }
});

test('a failing local server retries no later than its schedule, however long its backoff', async () => {
  const world = await makeWorld();
  let passes = 0;
  const local = new LocalServer({
    localDir: world.localDir,
    localServerGuid: world.guid,
    stateDir: world.stateDir,
    // Nothing listens here: every pass fails, and the backoff alone would wait an hour.
    offsite: { host: '127.0.0.1', port: 1, keyFingerprint: world.offsite.fingerprint },
    identity: world.local,
    deleteDelaySeconds: 0,
    retryBaseMs: 3_600_000,
    retryCapMs: 3_600_000,
    random: () => 0.999,
    nextPassDelayMs: () => 100,
    onPass: () => {
      passes += 1;
    },
  });
  try {
    local.start();
    const deadline = Date.now() + 10_000;
    while (passes < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(passes >= 3, `${passes} passes: the retries followed the 100 ms schedule`);
  } finally {
    await local.stop();
    await world.cleanup();
  }
});

test('stop during a pass ends the local server at once, without waiting out the schedule', async () => {
  const world = await makeWorld();
  const empty = join(world.base, 'empty');
  await mkdir(empty);
  const local = new LocalServer({
    localDir: empty,
    localServerGuid: world.guid,
    stateDir: world.stateDir,
    offsite: { host: '127.0.0.1', port: world.server.port, keyFingerprint: world.offsite.fingerprint },
    identity: world.local,
    deleteDelaySeconds: 0,
    intervalMs: 3_600_000,
  });
  try {
    local.start(); // the first pass is under way when stop() comes
    const stopped = local.stop().then(() => 'stopped');
    const late = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5000).unref());
    assert.equal(await Promise.race([stopped, late]), 'stopped');
    assert.equal(local.status().state, 'stopped');
  } finally {
    await world.cleanup();
  }
});
