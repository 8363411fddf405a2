import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandshakeGate } from './handshake-gate';

describe('handshake gate', () => {
  it('admits up to its limit, refuses beyond it, and admits again as slots are given back', () => {
    const gate = new HandshakeGate(2);
    assert.equal(gate.tryEnter(), true);
    assert.equal(gate.tryEnter(), true);
    assert.equal(gate.tryEnter(), false);
    assert.equal(gate.pending, 2);
    gate.leave();
    assert.equal(gate.tryEnter(), true);
    gate.leave();
    gate.leave();
    gate.leave();
    assert.equal(gate.pending, 0, 'never below zero');
  });
});
