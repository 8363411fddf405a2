import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FrameChannel } from './frame-channel';
import { encodeFrame, FrameType } from './frame-codec';
import { type OutstandingFile, PassLink } from './pass-link';
import { isReplicationError } from './replication-error';
import type { ResultHeader } from './wire-messages';

/** A PassLink over a stream the test feeds frames into (what the offsite would send). */
function linkWithFeed(): {
  link: PassLink;
  feed: (...frames: Buffer[]) => Promise<void>;
  files: [string, boolean][];
  deletes: [string, boolean][];
  channel: FrameChannel;
} {
  const stream = new Duplex({ read() {}, write: (_chunk, _encoding, callback) => callback() });
  const channel = new FrameChannel(stream);
  const files: [string, boolean][] = [];
  const deletes: [string, boolean][] = [];
  const link = new PassLink(
    channel,
    (file: OutstandingFile, result: ResultHeader) => files.push([file.path, result.ok]),
    (path: string, result: ResultHeader) => deletes.push([path, result.ok]),
  );
  const feed = async (...frames: Buffer[]): Promise<void> => {
    stream.push(Buffer.concat(frames));
    await nextTurn();
  };
  return { link, feed, files, deletes, channel };
}

const outstanding = (path: string): OutstandingFile => ({ path, size: 1, mtimeMs: 1, ino: 1, attempts: 0 });

test('takeArrived hands every result already received to its handler and returns without waiting for more', async () => {
  const { link, feed, files, deletes, channel } = linkWithFeed();
  link.outstandingFiles.push(outstanding('a'), outstanding('b'), outstanding('c'));
  link.outstandingDeletes.push('old');
  // Nothing has arrived: returns at once (a wait here would stall the sender between files).
  await link.takeArrived();
  assert.deepEqual(files, []);
  await feed(
    encodeFrame(FrameType.fileResult, { path: 'a', ok: true }),
    encodeFrame(FrameType.fileResult, { path: 'b', ok: false, code: 'io-error', message: 'disk' }),
    encodeFrame(FrameType.deleteResult, { path: 'old', ok: true }),
  );
  assert.equal(channel.queuedFrames, 3);
  await link.takeArrived();
  assert.deepEqual(files, [
    ['a', true],
    ['b', false],
  ]);
  assert.deepEqual(deletes, [['old', true]]);
  assert.equal(channel.queuedFrames, 0);
  assert.deepEqual(
    link.outstandingFiles.map((f) => f.path),
    ['c'],
  );
  channel.destroy();
});

test('takeArrived refuses a frame nobody asked for, and throws the offsite error frame', async () => {
  const unexpected = linkWithFeed();
  unexpected.link.outstandingFiles.push(outstanding('a'));
  await unexpected.feed(encodeFrame(FrameType.passDone, {}));
  await assert.rejects(
    unexpected.link.takeArrived(),
    (error: unknown) => isReplicationError(error) && error.code === 'protocol-violation',
  );
  unexpected.channel.destroy();

  const failing = linkWithFeed();
  await failing.feed(
    encodeFrame(FrameType.error, { code: 'insufficient-space', message: 'no room', fatal: true }),
  );
  await assert.rejects(
    failing.link.takeArrived(),
    (error: unknown) => isReplicationError(error) && error.code === 'insufficient-space',
  );
  failing.channel.destroy();
});
