/**
 * The code of a block-hashing worker thread, as a string for `new Worker(source, { eval: true })`.
 * A string and not a file next to this one: the engine also runs bundled into one script (the
 * benchmark's children, an agent build) and under tsx in tests, where a worker file's path
 * would differ each time. It uses node built-ins only, loaded so that it runs as a script or
 * as a module (`--input-type=module` would make it one).
 *
 * A message is one batch: `{ batch, jobs: [{ buffer: SharedArrayBuffer, offset, length }] }`;
 * the reply is `{ batch, strongs: Uint8Array (32 bytes per job), weaks: Uint32Array }` or
 * `{ batch, error }`. The data is read in place from the shared memory, never copied.
 *
 * The weak checksum is rolling-checksum.ts's `weakChecksum` (rsync's: s1 = sum of bytes, s2 =
 * sum of the running s1, both mod 2^16, packed s1 | s2 << 16), written again here because a
 * worker cannot import the engine's modules from every place the engine runs;
 * hash-pool.test.ts checks both agree on every alignment and length.
 */
export const HASH_WORKER_SOURCE = `
'use strict';
// Dynamic imports: valid whether node reads this as a CommonJS script or as a module.
(async () => {
const { parentPort } = await import('node:worker_threads');
const { createHash } = await import('node:crypto');
const { endianness } = await import('node:os');
const LITTLE_ENDIAN = endianness() === 'LE';

function bytesChecksum(data, start, end) {
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    s1 = (s1 + data[i]) | 0;
    s2 = (s2 + s1) | 0;
  }
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

function wordsChecksum(data, start, end) {
  const words = new Uint32Array(data.buffer, data.byteOffset + start, (end - start) >>> 2);
  let sum = 0;
  let weighted = 0;
  let inner = 0;
  for (let j = 0; j < words.length; j++) {
    const w = words[j];
    const b1 = (w >>> 8) & 255;
    const b2 = (w >>> 16) & 255;
    const b3 = w >>> 24;
    const wordSum = (w & 255) + b1 + b2 + b3;
    sum = (sum + wordSum) | 0;
    weighted = (weighted + Math.imul(j, wordSum)) | 0;
    inner = (inner + b1 + 2 * b2 + 3 * b3) | 0;
  }
  const s2 = (Math.imul(end - start, sum) - (Math.imul(4, weighted) + inner)) | 0;
  return ((sum & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

function combine(x, y, yLength) {
  const s1 = ((x & 0xffff) + (y & 0xffff)) | 0;
  const s2 = ((x >>> 16) + Math.imul(yLength, x & 0xffff) + (y >>> 16)) | 0;
  return ((s1 & 0xffff) | ((s2 & 0xffff) << 16)) >>> 0;
}

function weakChecksum(data) {
  const length = data.length;
  if (!LITTLE_ENDIAN || length < 64) return bytesChecksum(data, 0, length);
  const head = (4 - (data.byteOffset & 3)) & 3;
  const middleEnd = head + ((length - head) & ~3);
  let value = bytesChecksum(data, 0, head);
  value = combine(value, wordsChecksum(data, head, middleEnd), middleEnd - head);
  return combine(value, bytesChecksum(data, middleEnd, length), length - middleEnd);
}

parentPort.on('message', (message) => {
  const { batch, jobs } = message;
  try {
    const strongs = new Uint8Array(32 * jobs.length);
    const weaks = new Uint32Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i];
      const data = new Uint8Array(job.buffer, job.offset, job.length);
      strongs.set(createHash('sha256').update(data).digest(), 32 * i);
      weaks[i] = weakChecksum(data);
    }
    parentPort.postMessage({ batch, strongs, weaks }, [strongs.buffer, weaks.buffer]);
  } catch (error) {
    parentPort.postMessage({ batch, error: String(error && error.stack || error) });
  }
});
})();
`;
