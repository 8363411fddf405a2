import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconnectWindowSeconds } from './reconnect-window';

describe('reconnect window', () => {
  it('grows with the agents the node held, so they come back at no more than the rate', () => {
    assert.equal(reconnectWindowSeconds(20_000, 300), 67);
    assert.equal(reconnectWindowSeconds(300, 300), 1);
    assert.equal(reconnectWindowSeconds(301, 300), 2);
    assert.equal(reconnectWindowSeconds(20, 4), 5);
  });

  it('is at least one second, even for a node that held one agent or none', () => {
    assert.equal(reconnectWindowSeconds(1, 300), 1);
    assert.equal(reconnectWindowSeconds(0, 300), 1);
  });

  it('refuses a rate that is not above zero', () => {
    assert.throws(() => reconnectWindowSeconds(10, 0), RangeError);
    assert.throws(() => reconnectWindowSeconds(10, Number.NaN), RangeError);
  });
});
