import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServerToAgent } from './agent-messages';
import { createDecoder, FrameError } from './codec';
import { TERMINAL_CHUNK_BYTES, terminalOpenSigningBytes } from './terminal-messages';

const decoder = createDecoder(ServerToAgent);
const frame = (message: object) => Buffer.from(JSON.stringify(message));

describe('terminal messages', () => {
  test('a size of 0x0, or 100,000 columns, is refused, never clamped', () => {
    for (const [cols, rows] of [
      [0, 0],
      [100_000, 24],
      [80, 1001],
      [80.5, 24],
    ]) {
      assert.throws(
        () => decoder.decode(frame({ t: 'terminal-resize', sessionId: 's1', cols, rows })),
        FrameError,
        `${cols}x${rows}`,
      );
    }
    assert.deepEqual(decoder.decode(frame({ t: 'terminal-resize', sessionId: 's1', cols: 1000, rows: 1 })), {
      t: 'terminal-resize',
      sessionId: 's1',
      cols: 1000,
      rows: 1,
    });
  });

  test('input larger than one chunk, or not base64, is refused', () => {
    const big = Buffer.alloc(TERMINAL_CHUNK_BYTES + 3).toString('base64');
    assert.throws(
      () => decoder.decode(frame({ t: 'terminal-input', sessionId: 's1', data: big })),
      FrameError,
    );
    assert.throws(
      () => decoder.decode(frame({ t: 'terminal-input', sessionId: 's1', data: '<>' })),
      FrameError,
    );
    const full = Buffer.alloc(TERMINAL_CHUNK_BYTES).toString('base64');
    assert.equal(
      decoder.decode(frame({ t: 'terminal-input', sessionId: 's1', data: full })).t,
      'terminal-input',
    );
  });

  test('a session id is a short token: no path or control characters', () => {
    for (const sessionId of ['', '../x', 'a b', 'x'.repeat(65)])
      assert.throws(() => decoder.decode(frame({ t: 'terminal-close', sessionId })), FrameError, sessionId);
  });

  test('the signed bytes of a terminal-open are fixed, field by field, in order', () => {
    const bytes = terminalOpenSigningBytes({
      sessionId: 's1',
      machineId: 'pc1.web.acme',
      user: 'olivia',
      cols: 80,
      rows: 24,
      issuedAt: 1_700_000_000_000,
    });
    assert.equal(
      bytes.toString('utf8'),
      '["muster-terminal-v1","s1","pc1.web.acme","olivia",80,24,1700000000000]',
    );
  });
});
