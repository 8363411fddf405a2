import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { type AddressInfo, createConnection, createServer, type Server } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { BandwidthThrottle } from './throttle';

const KiB = 1024;

/** What the receiving end of one transfer saw. */
interface Received {
  bytes: Buffer;
  /** performance.now() when the last byte (the FIN) arrived. */
  endedAt: number;
}

/**
 * A real TCP receiver on 127.0.0.1: each accepted connection resolves the next waiter with
 * everything it received. The throttle is measured on real socket writes, not on a mock.
 */
let server: Server;
let port = 0;
const waiters: Array<(r: Received) => void> = [];

before(async () => {
  server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const done = waiters.shift();
      done?.({ bytes: Buffer.concat(chunks), endedAt: performance.now() });
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends `payload` in `chunkSize` pieces through the throttle into a TCP socket. */
async function transfer(
  throttle: BandwidthThrottle,
  payload: Buffer,
  chunkSize = 16 * KiB,
): Promise<{ received: Buffer; elapsedMs: number }> {
  const received = new Promise<Received>((resolve) => waiters.push(resolve));
  const socket = createConnection({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < payload.length; offset += chunkSize) {
    chunks.push(payload.subarray(offset, offset + chunkSize));
  }
  const started = performance.now();
  await pipeline(Readable.from(chunks), throttle.stream(), socket);
  const result = await received;
  return { received: result.bytes, elapsedMs: result.endedAt - started };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('BandwidthThrottle on a real TCP transfer', () => {
  test('192 KiB at 64 KB/s arrives intact and takes about three seconds', async () => {
    const payload = randomBytes(192 * KiB);
    const throttle = new BandwidthThrottle(64);
    assert.equal(throttle.rateKBps, 64);
    const { received, elapsedMs } = await transfer(throttle, payload);
    assert.equal(received.length, payload.length);
    assert.equal(sha256(received), sha256(payload), 'every byte arrives, in order');
    // 192 KiB / 64 KiB/s = 3 s; at most a quarter second of burst may have built up before.
    assert.ok(elapsedMs >= 2200, `took ${elapsedMs.toFixed(0)} ms, expected at least 2200`);
    assert.ok(elapsedMs <= 6000, `took ${elapsedMs.toFixed(0)} ms, expected at most 6000`);
  });

  test('rate 0 is unlimited', async () => {
    const payload = randomBytes(192 * KiB);
    const throttle = new BandwidthThrottle(0);
    assert.equal(throttle.rateKBps, 0);
    const { received, elapsedMs } = await transfer(throttle, payload);
    assert.equal(sha256(received), sha256(payload));
    assert.ok(elapsedMs < 1000, `took ${elapsedMs.toFixed(0)} ms`);
  });

  test('one large chunk is paced too, not passed through in one go', async () => {
    const payload = randomBytes(96 * KiB);
    const throttle = new BandwidthThrottle(64);
    const { received, elapsedMs } = await transfer(throttle, payload, payload.length);
    assert.equal(sha256(received), sha256(payload));
    // 96 KiB at 64 KiB/s = 1.5 s.
    assert.ok(elapsedMs >= 1000 && elapsedMs <= 4000, `took ${elapsedMs.toFixed(0)} ms`);
  });

  test('raising the rate mid-transfer speeds the rest of it up', async () => {
    const payload = randomBytes(192 * KiB);
    const throttle = new BandwidthThrottle(16);
    const raise = setTimeout(() => throttle.setRate(128), 500);
    try {
      const { received, elapsedMs } = await transfer(throttle, payload);
      assert.equal(sha256(received), sha256(payload));
      assert.equal(throttle.rateKBps, 128);
      // All at 16 KB/s would take 12 s; 0.5 s at 16 then ~184 KiB at 128 KB/s is about 2 s.
      assert.ok(elapsedMs >= 1400, `took ${elapsedMs.toFixed(0)} ms`);
      assert.ok(elapsedMs <= 5000, `took ${elapsedMs.toFixed(0)} ms, the new rate was not applied`);
    } finally {
      clearTimeout(raise);
    }
  });

  test('lowering the rate mid-transfer slows the rest of it down', async () => {
    const payload = randomBytes(128 * KiB);
    const throttle = new BandwidthThrottle(256);
    const lower = setTimeout(() => throttle.setRate(32), 250);
    try {
      const { received, elapsedMs } = await transfer(throttle, payload);
      assert.equal(sha256(received), sha256(payload));
      // All at 256 KB/s would take 0.5 s; ~64 KiB at 256 then ~64 KiB at 32 KB/s is about 2.25 s.
      assert.ok(elapsedMs >= 1500, `took ${elapsedMs.toFixed(0)} ms, the lower rate was not applied`);
      assert.ok(elapsedMs <= 6000, `took ${elapsedMs.toFixed(0)} ms`);
    } finally {
      clearTimeout(lower);
    }
  });

  test('switching to unlimited mid-transfer releases the rest at once', async () => {
    const payload = randomBytes(192 * KiB);
    const throttle = new BandwidthThrottle(16);
    const unlimit = setTimeout(() => throttle.setRate(0), 400);
    try {
      const { received, elapsedMs } = await transfer(throttle, payload);
      assert.equal(sha256(received), sha256(payload));
      assert.ok(elapsedMs >= 350, `took ${elapsedMs.toFixed(0)} ms`);
      assert.ok(elapsedMs <= 2000, `took ${elapsedMs.toFixed(0)} ms`);
    } finally {
      clearTimeout(unlimit);
    }
  });
});

describe('BandwidthThrottle.take', () => {
  test('callers are served in the order they asked', async () => {
    const throttle = new BandwidthThrottle(64);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => throttle.take(4 * KiB).then(() => order.push(n))));
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  test('a negative rate counts as unlimited', async () => {
    const throttle = new BandwidthThrottle(-5);
    assert.equal(throttle.rateKBps, 0);
    const started = performance.now();
    await throttle.take(10 * 1024 * KiB);
    assert.ok(performance.now() - started < 50);
  });
});
