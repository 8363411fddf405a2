import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sha256 } from './block-hasher';
import { HashPool } from './hash-pool';
import { HASH_WORKER_SOURCE } from './hash-worker-source';
import { weakChecksum } from './rolling-checksum';

/** `bytes` copied into shared memory at `offset` bytes from its start, as the engine's data buffers are. */
function shared(bytes: Buffer, offset = 0): Buffer {
  const view = Buffer.from(new SharedArrayBuffer(offset + bytes.length), offset, bytes.length);
  bytes.copy(view);
  return view;
}

test('workers compute the same SHA-256 and weak checksum as the engine, at every alignment and length', async () => {
  const pool = new HashPool(1);
  try {
    const lengths = [8 * 1024, 8 * 1024 + 1, 8 * 1024 + 3, 16 * 1024, 32 * 1024 + 5, 128 * 1024];
    const cases = lengths.flatMap((length) =>
      [0, 1, 2, 3].map((offset) => shared(randomBytes(length), offset)),
    );
    const answers = await Promise.all(cases.map((data) => pool.hash(data)));
    assert.equal(pool.threads, 1, 'the blocks were hashed on a worker');
    cases.forEach((data, i) => {
      assert.deepEqual(answers[i]!.strong, sha256(data), `strong of ${data.length} at ${data.byteOffset}`);
      assert.equal(answers[i]!.weak, weakChecksum(data), `weak of ${data.length} at ${data.byteOffset}`);
    });
  } finally {
    await pool.close();
  }
});

test('small or unshared data is hashed on the calling thread, without starting a worker', async () => {
  const pool = new HashPool(1);
  try {
    const small = shared(randomBytes(1000));
    const unshared = randomBytes(64 * 1024);
    assert.deepEqual(await pool.hash(small), { strong: sha256(small), weak: weakChecksum(small) });
    assert.deepEqual(await pool.hash(unshared), { strong: sha256(unshared), weak: weakChecksum(unshared) });
    assert.equal(pool.threads, 0);
  } finally {
    await pool.close();
  }
});

test('each answer belongs to its own data, across workers, batches and sizes finishing out of order', async () => {
  const pool = new HashPool(2);
  try {
    // Big batches and small ones interleaved: a later small batch may finish first.
    const blocks = Array.from({ length: 200 }, (_, i) =>
      shared(randomBytes(i % 7 === 0 ? 300 * 1024 : 9000 + i)),
    );
    const answers = await Promise.all(blocks.map((data) => pool.hash(data)));
    assert.equal(pool.threads, 2);
    for (const [i, data] of blocks.entries())
      assert.deepEqual(answers[i]!.strong, sha256(data), `block ${i}`);
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails the jobs it held, and the next job gets a new worker', async () => {
  // The real worker, made to exit when a block starts with 0xff.
  const source = HASH_WORKER_SOURCE.replace(
    "parentPort.on('message', (message) => {",
    "parentPort.on('message', (message) => {\n  const j = message.jobs[0];\n  if (new Uint8Array(j.buffer, j.offset, 1)[0] === 255) process.exit(3);",
  );
  assert.notEqual(source, HASH_WORKER_SOURCE);
  const pool = new HashPool(1, source);
  try {
    const fatal = shared(Buffer.alloc(16 * 1024, 0xff));
    await assert.rejects(pool.hash(fatal), /hash worker exited with code 3/);
    const good = shared(Buffer.alloc(16 * 1024, 7));
    assert.deepEqual((await pool.hash(good)).strong, sha256(good));
    assert.equal(pool.threads, 1);
  } finally {
    await pool.close();
  }
});

test('a worker that reports an error fails that batch only', async () => {
  const source = HASH_WORKER_SOURCE.replace(
    'const data = new Uint8Array(job.buffer, job.offset, job.length);',
    "const data = new Uint8Array(job.buffer, job.offset, job.length);\n      if (data[0] === 255) throw new Error('unreadable block');",
  );
  assert.notEqual(source, HASH_WORKER_SOURCE);
  const pool = new HashPool(1, source);
  try {
    await assert.rejects(pool.hash(shared(Buffer.alloc(16 * 1024, 0xff))), /unreadable block/);
    const good = shared(Buffer.alloc(16 * 1024, 1));
    assert.deepEqual((await pool.hash(good)).strong, sha256(good));
  } finally {
    await pool.close();
  }
});

test('close() fails the jobs still waiting, ends the workers and refuses new jobs', async () => {
  const pool = new HashPool(1);
  const first = pool.hash(shared(randomBytes(2 * 1024 * 1024)));
  const second = pool.hash(shared(randomBytes(16 * 1024)));
  const failed = Promise.all([
    assert.rejects(first, /hash pool closed/),
    assert.rejects(second, /hash pool closed/),
  ]);
  await pool.close();
  await failed;
  await assert.rejects(pool.hash(shared(randomBytes(16 * 1024))), /hash pool closed/);
  assert.equal(pool.threads, 0);
});

test('an idle pool does not keep the process alive', () => {
  const pool = fileURLToPath(new URL('./hash-pool.ts', import.meta.url));
  const script = `
    const { HashPool } = await import(${JSON.stringify(pool)});
    const pool = new HashPool(1);
    const data = Buffer.from(new SharedArrayBuffer(64 * 1024));
    await pool.hash(data);
    console.log('hashed', pool.threads);
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(run.error, undefined, 'the process exited by itself (no timeout)');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'hashed 1');
});
