import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_CLOSE_REASON_BYTES,
  MAX_RECONNECT_WINDOW_SECONDS,
  reconnectWindowOf,
  withReconnectWindow,
} from './close-reasons';

describe('reconnect window in a close reason', () => {
  it('reads back the window it was given, the text staying readable', () => {
    const reason = withReconnectWindow('server shutting down', 12);
    assert.equal(reason, 'server shutting down (reconnect within 12 s)');
    assert.equal(reconnectWindowOf(reason), 12);
  });

  it('a reason without a window (a single drop, an older server) carries none', () => {
    assert.equal(reconnectWindowOf('server shutting down'), null);
    assert.equal(reconnectWindowOf(''), null);
    assert.equal(reconnectWindowOf('replaced by a newer connection of this agent'), null);
    // Only at the end, as the server writes it: the words elsewhere in a text do not count.
    assert.equal(reconnectWindowOf('(reconnect within 12 s) or not'), null);
    assert.equal(reconnectWindowOf('x (reconnect within 0 s)'), null);
    assert.equal(reconnectWindowOf('x (reconnect within -3 s)'), null);
    assert.equal(reconnectWindowOf('x (reconnect within 1.5 s)'), null);
  });

  it('an oversized window is cut to the most an agent honours', () => {
    assert.equal(reconnectWindowOf('x (reconnect within 999999999 s)'), MAX_RECONNECT_WINDOW_SECONDS);
    assert.equal(reconnectWindowOf(withReconnectWindow('x', 10 ** 6)), MAX_RECONNECT_WINDOW_SECONDS);
  });

  it('a long text is shortened so the window still fits the close frame', () => {
    const reason = withReconnectWindow('é'.repeat(200), 42);
    assert.ok(Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES, `${Buffer.byteLength(reason)} bytes`);
    assert.equal(reconnectWindowOf(reason), 42);
    assert.ok(!reason.includes('\uFFFD'), 'no character cut in half');
  });

  it('refuses a window that is not a whole number of seconds', () => {
    assert.throws(() => withReconnectWindow('x', 0), RangeError);
    assert.throws(() => withReconnectWindow('x', 2.5), RangeError);
    assert.throws(() => withReconnectWindow('x', Number.NaN), RangeError);
  });
});
