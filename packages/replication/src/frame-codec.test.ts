import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameDecoder, FrameType, MAX_FRAME_BODY } from './frame-codec';
import { isReplicationError } from './replication-error';
import { parseFileBegin } from './wire-messages';

test('frames round-trip across arbitrary chunk boundaries', () => {
  const frames = [
    encodeFrame(FrameType.hello, { v: 1, guid: 'abc' }),
    encodeFrame(FrameType.literal, undefined, Buffer.alloc(70_000, 7)),
    encodeFrame(FrameType.passDone, {}),
  ];
  const all = Buffer.concat(frames);
  const decoder = new FrameDecoder();
  const out = [];
  for (let at = 0; at < all.length; at += 999) out.push(...decoder.push(all.subarray(at, at + 999)));
  assert.deepEqual(
    out.map((f) => f.type),
    [FrameType.hello, FrameType.literal, FrameType.passDone],
  );
  assert.deepEqual(out[0]!.header, { v: 1, guid: 'abc' });
  assert.equal(out[1]!.payload.length, 70_000);
  assert.equal(decoder.pendingBytes, 0);
});

test('an oversize length is refused before anything is buffered for it', () => {
  const head = Buffer.alloc(9);
  head.writeUInt32BE(MAX_FRAME_BODY + 1, 0);
  assert.throws(
    () => new FrameDecoder().push(head),
    (e) => isReplicationError(e, 'frame-too-large'),
  );
  assert.throws(() => encodeFrame(FrameType.literal, undefined, Buffer.alloc(MAX_FRAME_BODY)), /exceeds/);
});

test('malformed frames are refused: unknown type, bad header length, bad JSON, non-object', () => {
  const frame = (type: number, json: string, declared?: number): Buffer => {
    const body = Buffer.from(json);
    const out = Buffer.alloc(9 + body.length);
    out.writeUInt32BE(5 + body.length, 0);
    out.writeUInt8(type, 4);
    out.writeUInt32BE(declared ?? body.length, 5);
    body.copy(out, 9);
    return out;
  };
  const malformed = (bytes: Buffer) =>
    assert.throws(
      () => new FrameDecoder().push(bytes),
      (e) => isReplicationError(e, 'frame-malformed'),
    );
  malformed(frame(99, '{}'));
  malformed(frame(FrameType.hello, '{}', 500));
  malformed(frame(FrameType.hello, '{nope'));
  malformed(frame(FrameType.hello, '[1,2]'));
  const short = Buffer.alloc(8);
  short.writeUInt32BE(2, 0);
  malformed(short);
});

test('headers are validated field by field', () => {
  assert.deepEqual(parseFileBegin({ path: 'a/b', size: 5, mtimeMs: 1 }), {
    path: 'a/b',
    size: 5,
    mtimeMs: 1,
  });
  assert.deepEqual(parseFileBegin({ path: 'a', size: 5000, mtimeMs: 1, inline: true, blockSize: 8192 }), {
    path: 'a',
    size: 5000,
    mtimeMs: 1,
    inline: true,
    blockSize: 8192,
  });
  for (const bad of [
    { path: 'a', size: -1, mtimeMs: 1 },
    { path: 'a', size: 2 ** 60, mtimeMs: 1 },
    { path: 7, size: 1, mtimeMs: 1 },
    { path: 'a', size: 1.5, mtimeMs: 1 },
    { path: 'a', size: '1', mtimeMs: 1 },
    // An inline block size must be a power of two within 512 B..128 KiB, and only inline.
    { path: 'a', size: 5, mtimeMs: 1, blockSize: 8192 },
    { path: 'a', size: 5, mtimeMs: 1, inline: true, blockSize: 3000 },
    { path: 'a', size: 5, mtimeMs: 1, inline: true, blockSize: 256 },
    { path: 'a', size: 5, mtimeMs: 1, inline: true, blockSize: 256 * 1024 },
    { path: 'a', size: 5, mtimeMs: 1, inline: true, blockSize: '8192' },
  ])
    assert.throws(
      () => parseFileBegin(bad),
      (e) => isReplicationError(e, 'frame-malformed'),
    );
});
