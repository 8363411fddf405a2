import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subnetSet } from '../domain/subnets';
import { LanGatewayDetector } from './lan-gateway.detector';
import type { NotificationService } from './notification.service';

// Only the pure decision is used here; raising is covered by e2e/warnings.e2e.test.ts.
const detector = new LanGatewayDetector(
  () => subnetSet(['192.168.1.0/24', 'fd00::/64']),
  null as unknown as NotificationService,
);

describe('lan-via-gateway decision', () => {
  it('names the LAN address of an agent whose connection comes from elsewhere', () => {
    assert.equal(detector.lanAddressBypassed(['192.168.1.20'], '203.0.113.9'), '192.168.1.20');
    assert.equal(detector.lanAddressBypassed(['fd00::20'], '::ffff:192.168.1.1'), 'fd00::20');
  });

  it('says nothing when the connection comes from one of its own addresses or off the LAN', () => {
    assert.equal(detector.lanAddressBypassed(['192.168.1.20'], '::ffff:192.168.1.20'), null);
    assert.equal(detector.lanAddressBypassed(['10.9.9.9'], '203.0.113.9'), null);
  });

  it('never treats a loopback connection as coming through a gateway', () => {
    for (const remote of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.2']) {
      assert.equal(detector.lanAddressBypassed(['192.168.1.20', 'fd00::20'], remote), null, remote);
    }
  });
});
