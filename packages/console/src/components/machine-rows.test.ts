import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyLiveEvent, type MachineItem, machineCount } from './machine-rows';

const settings = { primary: null, secondary: null, periodSeconds: 60, bindToServer: false, bandwidthKBps: 0 };

function machine(id: string, fields: Partial<MachineItem> = {}): MachineItem {
  return {
    id,
    guid: `g-${id}`,
    name: id.split('.')[0] ?? id,
    group: 'web.acme',
    organization: 'acme',
    status: 'online',
    online: true,
    temporary: false,
    bound: false,
    suspended: false,
    remoteControlEnabled: true,
    lastCheckinAt: '2026-01-01T00:00:00.000Z',
    firstCheckinAt: '2026-01-01T00:00:00.000Z',
    checkinControl: settings,
    appliedCheckinControl: { ...settings, periodSeconds: 30 },
    pendingSettings: ['periodSeconds'],
    settingsApplied: false,
    loggedOnUser: null,
    userIdleSeconds: 0,
    localAddresses: [],
    connectedFrom: null,
    agentVersion: null,
    audit: null,
    ...fields,
  };
}

describe('live machine rows', () => {
  const rows = [machine('pc1.web.acme'), machine('pc2.web.acme')];

  it('merges a machine event into its row only', () => {
    const next = applyLiveEvent(rows, 'machine', {
      machineId: 'pc1.web.acme',
      change: 'disconnected',
      status: 'offline',
      machine: { status: 'offline', online: false, loggedOnUser: null },
    });
    assert.equal(next[0]?.status, 'offline');
    assert.equal(next[0]?.online, false);
    assert.equal(next[1], rows[1], 'the other row is the same object');
  });

  it('clears the pending settings when the agent confirms them', () => {
    const [first] = applyLiveEvent(rows, 'machine', {
      machineId: 'pc1.web.acme',
      change: 'settings-applied',
      machine: { settingsApplied: true },
    });
    assert.deepEqual(first?.pendingSettings, []);
    assert.deepEqual(first?.appliedCheckinControl, settings);
    assert.equal(first?.settingsApplied, true);
  });

  it('takes a deleted machine away and moves a check-in', () => {
    const removed = applyLiveEvent(rows, 'machine', {
      machineId: 'pc2.web.acme',
      status: 'deleted',
      machine: null,
    });
    assert.deepEqual(
      removed.map((m) => m.id),
      ['pc1.web.acme'],
    );
    const checked = applyLiveEvent(rows, 'checkin', {
      machineId: 'pc2.web.acme',
      at: '2026-02-02T00:00:00.000Z',
    });
    assert.equal(checked[1]?.lastCheckinAt, '2026-02-02T00:00:00.000Z');
  });

  it('leaves the rows alone for a machine not shown or a malformed event', () => {
    assert.equal(applyLiveEvent(rows, 'machine', { machineId: 'other.web.acme', machine: null }), rows);
    assert.equal(applyLiveEvent(rows, 'machine', { machineId: 42 }), rows);
    const same = applyLiveEvent(rows, 'machine', { machineId: 'pc1.web.acme', machine: 'nonsense' });
    assert.deepEqual(same, rows);
  });

  it('counts machines in words', () => {
    assert.equal(machineCount(1), '1 machine');
    assert.equal(machineCount(1200), '1,200 machines');
  });
});
