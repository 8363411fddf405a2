import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckinControl } from '@muster/protocol';
import type { MachineRecord } from '../store/machine-record';
import { machineView } from './machine-view';

const CONFIRMED: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

function machine(fields: Partial<MachineRecord>): MachineRecord {
  return {
    id: 'pc1.web.acme',
    guid: 'g',
    name: 'pc1',
    groupId: 'web.acme',
    orgId: 'acme',
    publicKey: null,
    keyFingerprint: null,
    hardwareId: null,
    hostName: null,
    temporary: false,
    suspended: false,
    remoteControlEnabled: true,
    checkinControl: CONFIRMED,
    settingsRevision: 1,
    appliedRevision: 1,
    appliedCheckinControl: CONFIRMED,
    createdAt: 0,
    firstCheckinAt: null,
    lastSeenAt: null,
    connected: false,
    remoteAddress: null,
    loggedOnUser: null,
    userIdleSeconds: 0,
    localAddresses: [],
    agentVersion: null,
    audit: null,
    auditedAt: null,
    ...fields,
  };
}

describe('machine view: check-in control settings set and confirmed', () => {
  it('names only the settings that differ from what the agent confirmed, while a revision is unconfirmed', () => {
    const view = machineView(
      machine({
        checkinControl: { ...CONFIRMED, periodSeconds: 60, secondary: { host: 'b.example.com', port: 5721 } },
        settingsRevision: 3,
        appliedRevision: 2,
      }),
      0,
      false,
    );
    assert.deepEqual(view.pendingSettings, ['secondary', 'periodSeconds']);
    assert.deepEqual(view.appliedCheckinControl, CONFIRMED);
    assert.equal(view.settingsApplied, false);
  });

  it('names none once the newest revision is confirmed, and shows the settings as applied', () => {
    const desired = { ...CONFIRMED, bindToServer: true };
    const view = machineView(
      machine({
        checkinControl: desired,
        settingsRevision: 4,
        appliedRevision: 4,
        appliedCheckinControl: CONFIRMED,
      }),
      0,
      false,
    );
    assert.deepEqual(view.pendingSettings, []);
    assert.deepEqual(view.appliedCheckinControl, desired);
    assert.equal(view.settingsApplied, true);
  });

  it('names every setting when the agent never confirmed any', () => {
    const view = machineView(machine({ appliedRevision: 0, appliedCheckinControl: null }), 0, false);
    assert.deepEqual(view.pendingSettings, [
      'primary',
      'secondary',
      'periodSeconds',
      'bindToServer',
      'bandwidthKBps',
    ]);
    assert.equal(view.appliedCheckinControl, null);
  });
});
