import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionSource, isLoopback } from './subnets';

describe('loopback and connection sources', () => {
  it('knows loopback addresses in every spelling, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1'])
      assert.equal(isLoopback(a), true, a);
    for (const a of ['10.0.0.1', '::2', 'fe80::1%lo', '192.0.2.1', 'localhost', 'unknown'])
      assert.equal(isLoopback(a), false, a);
  });

  it('counts an IPv4 address alone and an IPv6 address by its /64', () => {
    assert.equal(connectionSource('192.0.2.1'), '192.0.2.1');
    assert.equal(connectionSource('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(connectionSource('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(connectionSource('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
    assert.equal(connectionSource('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(connectionSource('::1'), '0:0:0:0::/64');
    assert.equal(connectionSource('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
    assert.equal(connectionSource('unknown'), 'unknown');
  });
});
