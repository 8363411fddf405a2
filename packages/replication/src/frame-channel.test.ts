import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FrameChannel, MAX_QUEUED_BYTES, QUEUED_FRAME_COST } from './frame-channel';
import { encodeFrame, FrameDecoder, FrameType } from './frame-codec';

/** A stream that keeps each write it gets from the channel as one chunk (as a socket's writev would). */
function recordingStream(): { stream: Duplex; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    writev(chunks, callback) {
      writes.push(Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
      callback();
    },
  });
  return { stream, writes };
}

test('small frames sent in one turn leave in one write, with a large frame that follows them', async () => {
  const { stream, writes } = recordingStream();
  const channel = new FrameChannel(stream);
  // What a sender of small files does in a turn: file-end of one file, file-begin of the next.
  const sends = [1, 2, 3].map((i) => channel.send(FrameType.fileEnd, { digest: `d${i}` }));
  await Promise.all(sends);
  assert.equal(writes.length, 0, 'held until the turn ends');
  await nextTurn();
  assert.equal(writes.length, 1);
  const decoded = new FrameDecoder().push(writes[0]!);
  assert.deepEqual(
    decoded.map((f) => f.header['digest']),
    ['d1', 'd2', 'd3'],
  );

  // A large frame is not held: it takes the small ones before it along, in order.
  void channel.send(FrameType.fileBegin, { path: 'a', size: 70_000, mtimeMs: 1 });
  await channel.send(FrameType.literal, undefined, Buffer.alloc(32), Buffer.alloc(70_000, 1));
  assert.equal(writes.length, 2);
  const both = new FrameDecoder().push(writes[1]!);
  assert.deepEqual(
    both.map((f) => f.type),
    [FrameType.fileBegin, FrameType.literal],
  );
  channel.destroy();
});

test('frames without payload count against the receive bound: the socket pauses, and resumes as they are taken', async () => {
  const { stream } = recordingStream();
  const channel = new FrameChannel(stream);
  // 3,000 results with no payload (what an offsite answers to as many small files): at
  // QUEUED_FRAME_COST each, over MAX_QUEUED_BYTES. Counted by payload only, they never paused it.
  const results = Buffer.concat(
    Array.from({ length: 3000 }, (_, i) => encodeFrame(FrameType.fileResult, { path: `f${i}`, ok: true })),
  );
  stream.push(results);
  await nextTurn();
  assert.equal(channel.queuedFrames, 3000);
  assert.ok(3000 * QUEUED_FRAME_COST >= MAX_QUEUED_BYTES);
  assert.equal(stream.isPaused(), true, 'paused with 3,000 frames queued');
  for (let i = 0; i < 1900; i++) await channel.receive();
  assert.equal(stream.isPaused(), true, 'still paused above half the bound');
  for (let i = 0; i < 100; i++) await channel.receive();
  assert.equal(stream.isPaused(), false, 'resumed once 1,000 frames are left');
  const next = await channel.receive();
  assert.equal(next?.header['path'], 'f2000');
  channel.destroy();
});
