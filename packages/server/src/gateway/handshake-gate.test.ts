import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GateTicket, HandshakeGate, type HandshakeLimits } from './handshake-gate';

/** A gate on a hand-driven clock, recording whom it pushed out. */
function gate(limits: Partial<HandshakeLimits>) {
  let now = 0;
  const evicted: string[] = [];
  const g = new HandshakeGate(
    { total: 4, perSource: 4, reservedForKnown: 0, idleMs: 1000, ...limits },
    () => now,
  );
  const enter = (address: string, label: string): GateTicket | null =>
    g.tryEnter(address, () => evicted.push(label));
  return {
    g,
    enter,
    evicted,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('handshake gate', () => {
  it('admits up to its limit, refuses beyond it, and admits again as slots are given back', () => {
    const { g, enter } = gate({ total: 2, perSource: 2 });
    const a = enter('192.0.2.1', 'a');
    assert.ok(enter('192.0.2.1', 'b'));
    assert.equal(enter('192.0.2.1', 'c'), null);
    assert.equal(g.pending, 2);
    a?.leave();
    a?.leave();
    assert.equal(g.pending, 1, 'a second leave gives back nothing more');
    assert.ok(enter('192.0.2.1', 'd'));
  });

  it('caps one address, so it cannot take every slot', () => {
    const { g, enter } = gate({ total: 8, perSource: 2 });
    assert.ok(enter('192.0.2.1', 'a1'));
    assert.ok(enter('::ffff:192.0.2.1', 'a2'), 'an IPv4-mapped address is the same source');
    assert.equal(enter('192.0.2.1', 'a3'), null);
    assert.ok(enter('192.0.2.2', 'b1'));
    assert.equal(g.pendingFrom('192.0.2.1'), 2);
  });

  it('counts an IPv6 /64 as one source', () => {
    const { enter } = gate({ total: 8, perSource: 2 });
    assert.ok(enter('2001:db8:1:2::1', 'a'));
    assert.ok(enter('2001:db8:1:2:ffff::9', 'b'));
    assert.equal(enter('2001:db8:1:2:abcd::1', 'c'), null);
    assert.ok(enter('2001:db8:1:3::1', 'd'), 'the next /64 is another source');
  });

  it('at its cap, an address pushes out its own oldest connection once it has idled before TLS', () => {
    const { enter, evicted, advance } = gate({ total: 8, perSource: 2 });
    enter('192.0.2.1', 'old');
    advance(10);
    enter('192.0.2.1', 'newer');
    assert.equal(enter('192.0.2.1', 'early'), null, 'nothing idle yet: refused');
    advance(1000);
    assert.ok(enter('192.0.2.1', 'late'));
    assert.deepEqual(evicted, ['old']);
  });

  it('when full, a newcomer pushes out the oldest pre-TLS connection of the address holding the most', () => {
    const { g, enter, evicted } = gate({ total: 4, perSource: 3 });
    enter('192.0.2.9', 'flood1');
    enter('192.0.2.9', 'flood2');
    enter('192.0.2.9', 'flood3');
    enter('192.0.2.5', 'other');
    const agent = enter('198.51.100.7', 'agent');
    assert.ok(agent, 'a new address gets in while one address holds most slots');
    assert.deepEqual(evicted, ['flood1']);
    assert.equal(g.pending, 4);
    assert.equal(g.pendingFrom('192.0.2.9'), 2);
  });

  it('never pushes out a connection that finished TLS, nor, until it idles, one of an address holding no more', () => {
    const { enter, evicted, advance } = gate({ total: 4, perSource: 2 });
    enter('192.0.2.1', 'a1')?.secured();
    enter('192.0.2.1', 'a2')?.secured();
    enter('192.0.2.2', 'b');
    enter('192.0.2.3', 'c');
    assert.equal(enter('192.0.2.3', 'c2'), null, 'the only holder with more is past TLS; b is not idle yet');
    advance(1000);
    assert.ok(enter('192.0.2.3', 'c2'), 'once b idles before TLS, it makes room');
    assert.deepEqual(evicted, ['b']);
  });

  it('keeps reserved slots for addresses an agent was admitted from', () => {
    const { enter, g } = gate({ total: 4, perSource: 1, reservedForKnown: 2 });
    g.remember('198.51.100.7');
    for (const a of ['192.0.2.1', '192.0.2.2']) enter(a, a)?.secured();
    assert.equal(enter('192.0.2.3', 'stranger'), null, "the strangers' share is used up");
    assert.ok(enter('198.51.100.7', 'known'), 'a known address still gets in');
  });

  it('lets a known address push out a stranger still before TLS, wherever it is', () => {
    const { enter, g, evicted } = gate({ total: 3, perSource: 2, reservedForKnown: 0 });
    g.remember('198.51.100.7');
    enter('198.51.100.7', 'k1');
    enter('192.0.2.1', 's1');
    enter('192.0.2.2', 's2');
    assert.equal(enter('192.0.2.2', 's3'), null, 'a stranger holding as much as any other waits');
    assert.ok(enter('198.51.100.7', 'k2'), 'the known address holds as much, yet gets in');
    assert.deepEqual(evicted, ['s1']);
  });
});
