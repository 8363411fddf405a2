import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machineFilterMatches } from '../src/pages/replication/machine-filter-match';
import { formatBytes, formatDuration } from '../src/pages/replication/replication-format';
import { replicationHints, STARTING_GRACE_MS } from '../src/pages/replication/replication-hints';
import type { LocalServer, OffsiteServer } from '../src/pages/replication/replication-types';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const long = new Date(NOW - 3600_000).toISOString();

const offsite = (id: string): OffsiteServer =>
  ({ id, machineId: `${id}.rep.acme`, host: '127.0.0.1', port: 5722 }) as OffsiteServer;
const local = (
  id: string,
  offsiteServerId: string,
  status: 'active' | 'inactive',
  reported = true,
): LocalServer =>
  ({
    id,
    machineId: `${id}.rep.acme`,
    offsiteServerId,
    status,
    reportedAt: reported ? long : null,
    createdAt: reported ? long : new Date(NOW - 1000).toISOString(),
  }) as LocalServer;

describe("the replication page's advice (the manual's inactive local servers)", () => {
  it('all local servers of one offsite server inactive: restart the offsite server', () => {
    const hints = replicationHints(
      [offsite('a'), offsite('b')],
      [local('l1', 'a', 'inactive'), local('l2', 'a', 'inactive'), local('l3', 'b', 'active')],
      NOW,
    );
    assert.deepEqual(
      hints.map((h) => [h.kind, h.offsite.id]),
      [['restart-offsite', 'a']],
    );
  });

  it('one inactive while the others are fine: restart that local server', () => {
    const hints = replicationHints(
      [offsite('a')],
      [local('l1', 'a', 'inactive'), local('l2', 'a', 'active')],
      NOW,
    );
    assert.deepEqual(
      hints.map((h) => (h.kind === 'restart-local' ? [h.kind, h.local.id, h.alone] : [h.kind])),
      [['restart-local', 'l1', false]],
    );
  });

  it('a lone inactive local server is advised a local restart first; one just created is not advised at all', () => {
    const lone = replicationHints([offsite('a')], [local('l1', 'a', 'inactive')], NOW);
    assert.deepEqual(
      lone.map((h) => (h.kind === 'restart-local' ? [h.kind, h.alone] : [h.kind])),
      [['restart-local', true]],
    );
    const starting = [local('l1', 'a', 'inactive', false), local('l2', 'a', 'inactive', false)];
    assert.deepEqual(replicationHints([offsite('a')], starting, NOW), []);
    assert.equal(
      replicationHints([offsite('a')], starting, NOW + STARTING_GRACE_MS + 1000)[0]?.kind,
      'restart-offsite',
      'still inactive after the grace: advised',
    );
  });
});

describe('replication figures', () => {
  it('bytes in binary units and times left as people read them', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(6 * 1024 * 1024), '6.0 MiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(-1), '—');
    assert.equal(formatDuration(45), '45 s');
    assert.equal(formatDuration(200), '3 min 20 s');
    assert.equal(formatDuration(7500), '2 h 5 min');
  });
});

describe('the Machine ID / Group ID filter on the replication lists', () => {
  it('means what it means on the server: a pattern with "*", else a machine or a group and its subgroups', () => {
    assert.equal(machineFilterMatches('', 'off.rep.acme'), true);
    assert.equal(machineFilterMatches('*.rep.acme', 'off.rep.acme'), true);
    assert.equal(machineFilterMatches('*.rep.acme', 'off.eu.rep.acme'), true);
    assert.equal(machineFilterMatches('o*.acme', 'off.rep.acme'), true);
    assert.equal(machineFilterMatches('*.rep.acme', 'off.rep.globex'), false);
    assert.equal(machineFilterMatches('rep.acme', 'off.eu.rep.acme'), true);
    assert.equal(machineFilterMatches('loc.rep.acme', 'loc.rep.acme'), true);
    assert.equal(machineFilterMatches('loc.rep.acme', 'off.rep.acme'), false);
    assert.equal(
      machineFilterMatches('rep.acme', 'offrep.acme'),
      false,
      'a group is matched on a whole name',
    );
    assert.equal(machineFilterMatches('o.f.acme', 'oxf.acme'), false, 'dots are dots');
  });
});
