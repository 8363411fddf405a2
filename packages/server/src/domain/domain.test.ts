import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampPeriod, validatePolicy } from './checkin-policy';
import { MusterError } from './errors';
import { parseMachineFilter } from './machine-filter';
import {
  groupAncestry,
  machineNameFromHost,
  organizationOf,
  parentGroupOf,
  parseGroupId,
  parseMachineName,
} from './machine-names';
import { isOnline, MACHINE_STATUSES, machineStatus, type StatusInputs } from './machine-status';
import { normalizeAddress, subnetSet } from './subnets';

const online: StatusInputs = {
  suspended: false,
  firstCheckinAt: 1,
  online: true,
  audited: true,
  remoteControlEnabled: true,
  loggedOnUser: null,
  userIdleSeconds: 0,
};

describe('machine status', () => {
  it('derives every status, first match in precedence order wins', () => {
    const cases: Array<[Partial<StatusInputs>, string]> = [
      [{ suspended: true, firstCheckinAt: null, online: false }, 'suspended'],
      [{ firstCheckinAt: null, online: false, audited: false }, 'never-checked-in'],
      [{ online: false, audited: false, remoteControlEnabled: false }, 'offline'],
      [{ audited: false, remoteControlEnabled: false, loggedOnUser: 'a' }, 'online-awaiting-audit'],
      [{ remoteControlEnabled: false, loggedOnUser: 'a', userIdleSeconds: 900 }, 'remote-control-disabled'],
      [{ loggedOnUser: 'a', userIdleSeconds: 600 }, 'user-idle'],
      [{ loggedOnUser: 'a', userIdleSeconds: 599 }, 'user-logged-on'],
      [{ userIdleSeconds: 9999 }, 'online'],
    ];
    for (const [change, expected] of cases) assert.equal(machineStatus({ ...online, ...change }), expected);
    assert.deepEqual(new Set(cases.map((c) => c[1])), new Set(MACHINE_STATUSES), 'every status covered');
  });

  it('counts a connected agent online only while it has been seen within two periods plus grace', () => {
    assert.equal(isOnline(true, 1000, 30, 1000 + 75_000), true);
    assert.equal(isOnline(true, 1000, 30, 1000 + 75_001), false);
    assert.equal(isOnline(false, 1000, 30, 1000), false);
    assert.equal(isOnline(true, null, 30, 1000), false);
  });
});

describe('machine filter', () => {
  it('matches Machine.Group IDs with * wildcards, as SQL LIKE and in memory', () => {
    const f = parseMachineFilter('*.web.acme');
    assert.deepEqual(f.likePatterns, ['%.web.acme']);
    assert.ok(f.matches('pc1.web.acme'));
    assert.ok(f.matches('pc2.eu.web.acme'));
    assert.ok(!f.matches('pc1.db.acme'));
    assert.deepEqual(
      parseMachineFilter('pc_1.acme').likePatterns,
      ['pc\\_1.acme', '%.pc\\_1.acme'],
      'LIKE metacharacters are escaped',
    );
    assert.ok(!parseMachineFilter('pc_1.acme').matches('pcx1.acme'));
  });

  it('refuses characters a machine id cannot hold', () => {
    for (const bad of ['', 'a b', "x';drop", '%.acme'])
      assert.throws(() => parseMachineFilter(bad), MusterError);
  });
});

describe('machine and group names', () => {
  it('parses group ids and their ancestry', () => {
    assert.equal(parseGroupId(' Web.ACME '), 'web.acme');
    assert.throws(() => parseGroupId('acme'), /organization/);
    assert.throws(() => parseGroupId('web..acme'), MusterError);
    assert.deepEqual(groupAncestry('eu.web.acme'), ['eu.web.acme', 'web.acme']);
    assert.equal(parentGroupOf('web.acme'), null);
    assert.equal(organizationOf('eu.web.acme'), 'acme');
  });

  it('derives a machine name from any host name', () => {
    assert.equal(machineNameFromHost('PC-01.corp.example.com'), 'pc-01');
    assert.equal(machineNameFromHost('Büro PC'), 'b-ro-pc');
    assert.equal(machineNameFromHost('---'), 'machine');
    assert.throws(() => parseMachineName('a.b'), /no dots/);
  });
});

describe('check-in policy', () => {
  it('clamps into the range and rejects min above max', () => {
    assert.equal(clampPeriod(5, { minSeconds: 10, maxSeconds: 60 }), 10);
    assert.equal(clampPeriod(600, { minSeconds: 10, maxSeconds: 60 }), 60);
    assert.equal(clampPeriod(30, { minSeconds: 10, maxSeconds: 60 }), 30);
    assert.throws(() => validatePolicy({ minSeconds: 61, maxSeconds: 60 }), MusterError);
  });
});

describe('subnets', () => {
  it('tests IPv4, IPv6 and IPv4-mapped addresses against CIDR lists', () => {
    const set = subnetSet(['192.0.2.2/24', 'fd00::/64']);
    assert.ok(set.contains('192.0.2.77'));
    assert.ok(set.contains('::ffff:192.0.2.9'));
    assert.ok(set.contains('fd00::1234'));
    assert.ok(!set.contains('198.51.100.1'));
    assert.ok(!set.contains('not-an-ip'));
    assert.equal(normalizeAddress('fe80::1%eth0'), 'fe80::1');
    assert.throws(() => subnetSet(['10.0.0.0/33']), /CIDR/);
    assert.throws(() => subnetSet(['ten/8']), /CIDR/);
  });
});
