import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FrameError } from './codec';
import {
  BINARY_TERMINAL_OUTPUT_FEATURE,
  decodeTerminalOutputFrame,
  encodeTerminalOutputFrame,
  namesFeature,
} from './terminal-frames';
import { TERMINAL_CHUNK_BYTES } from './terminal-messages';

describe('binary terminal output frames', () => {
  test('carry any bytes as they are, and a session id of 1 to 64 characters', () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const id = 'A'.repeat(63) + '_';
    const frame = encodeTerminalOutputFrame(id, every);
    assert.equal(frame.length, 2 + 64 + 256, 'no encoding around the bytes');
    const decoded = decodeTerminalOutputFrame(frame);
    assert.equal(decoded.sessionId, id);
    assert.deepEqual(decoded.data, every);
    const full = decodeTerminalOutputFrame(
      encodeTerminalOutputFrame('s-1', Buffer.alloc(TERMINAL_CHUNK_BYTES, 7)),
    );
    assert.equal(full.data.length, TERMINAL_CHUNK_BYTES);
  });

  test('a frame that is not exactly one output frame is refused with the reason', () => {
    const ok = encodeTerminalOutputFrame('s1', Buffer.from('hi'));
    const bad: Array<[string, Buffer, RegExp]> = [
      ['empty', Buffer.alloc(0), /too short/],
      ['another kind', Buffer.from([2, ...ok.subarray(1)]), /unknown binary frame kind 2/],
      ['an id length of 0', Buffer.from([1, 0, 104, 105]), /session id length/],
      [
        'an id longer than 64',
        Buffer.concat([Buffer.from([1, 65]), Buffer.alloc(66, 97)]),
        /session id length/,
      ],
      ['an id past the end', Buffer.from([1, 9, 115, 49]), /session id length/],
      ['an id outside the alphabet', Buffer.from([1, 2, 115, 0x2f, 104]), /bad session id$/],
      ['no output bytes', ok.subarray(0, 4), /carries 0 bytes/],
      [
        'more than a chunk',
        Buffer.concat([ok.subarray(0, 4), Buffer.alloc(TERMINAL_CHUNK_BYTES + 1)]),
        /carries 98305 bytes/,
      ],
    ];
    for (const [what, frame, reason] of bad) {
      assert.throws(
        () => decodeTerminalOutputFrame(frame),
        (error: unknown) => error instanceof FrameError && reason.test(error.detail),
        what,
      );
    }
  });

  test('are not built for a session id the other side would refuse', () => {
    assert.throws(() => encodeTerminalOutputFrame('', Buffer.from('x')), /not a terminal session id/);
    assert.throws(() => encodeTerminalOutputFrame('a/b', Buffer.from('x')), /not a terminal session id/);
    assert.throws(() => encodeTerminalOutputFrame('é', Buffer.from('x')), /not a terminal session id/);
  });

  test('are used only when the server named the feature in its upgrade answer', () => {
    const f = BINARY_TERMINAL_OUTPUT_FEATURE;
    assert.equal(namesFeature(undefined, f), false, 'an older server names nothing');
    assert.equal(namesFeature(f, f), true);
    assert.equal(namesFeature(`other, ${f}`, f), true);
    assert.equal(namesFeature(['other', `x,${f} `], f), true);
    assert.equal(namesFeature(`${f}-v2`, f), false, 'a name is matched whole');
  });
});
