import assert from 'node:assert/strict';
import type { CheckinControl, Inventory } from '@muster/protocol';
import type { NewInstallToken, NewMachineAccount, StoreBackend } from '../interfaces';
import type { EnrollmentRequest, EnrollmentResult, MachineRecord } from '../machine-record';

// Times past 2^32 ms catch a time column too narrow for Date.now() or read back as a string.
/** Test fixture: T0. */
export const T0 = 1_900_000_000_000;

/** Test fixture: DEFAULT_CONTROL. */
export const DEFAULT_CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

/** Test fixture: CUSTOM_CONTROL. */
export const CUSTOM_CONTROL: CheckinControl = {
  primary: { host: '10.1.2.3', port: 6000 },
  secondary: { host: 'backup.example.com', port: 6001 },
  periodSeconds: 300,
  bindToServer: true,
  bandwidthKBps: 512,
};

/** Test fixture: INVENTORY. */
export const INVENTORY: Inventory = {
  hostName: 'pc1.example.com',
  os: { platform: 'linux', release: '6.1.0', version: '#1 SMP Debian', arch: 'x64' },
  cpu: { model: 'Example CPU @ 3.0GHz', cores: 8 },
  memoryBytes: 17_179_869_184,
  disks: [{ mount: '/', totalBytes: 1_000_204_886_016, freeBytes: 500_000_000_000 }],
  networkInterfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', addresses: ['10.0.0.5', 'fe80::1'] }],
  hardwareId: 'hw-pc1',
};

// guid and key fingerprint are unique across machines, so every enrollment gets its own key.
let keySequence = 0;
/** Test fixture: freshKey. */
export function freshKey(label: string): string {
  keySequence += 1;
  return `${label}-${keySequence}`;
}

/** Test fixture: token. */
export function token(
  fields: Partial<NewInstallToken> & { tokenHash: string; groupId: string },
): NewInstallToken {
  return {
    id: `id-${fields.tokenHash}`,
    machineName: null,
    maxUses: null,
    expiresAt: null,
    temporary: false,
    createdAt: T0 - 60_000,
    tokenPrefix: null,
    ...fields,
  };
}

/** Test fixture: enrollment. */
export function enrollment(
  tokenHash: string,
  hostDerivedName: string,
  key: string,
  now = T0,
): EnrollmentRequest {
  return {
    tokenHash,
    now,
    hostDerivedName,
    publicKey: `public-key-${key}`,
    keyFingerprint: `fingerprint-${key}`,
    hardwareId: `hardware-${key}`,
    hostName: `${hostDerivedName}.corp.example.com`,
    guid: `guid-${key}`,
    defaultCheckinControl: DEFAULT_CONTROL,
  };
}

/** Test fixture: account. */
export function account(id: string, fields: Partial<NewMachineAccount> = {}): NewMachineAccount {
  const dot = id.indexOf('.');
  return {
    id,
    guid: `guid-${id}`,
    name: id.slice(0, dot),
    groupId: id.slice(dot + 1),
    temporary: false,
    checkinControl: DEFAULT_CONTROL,
    createdAt: T0,
    ...fields,
  };
}

/** Test fixture: expectEnrolled. */
export function expectEnrolled(result: EnrollmentResult): MachineRecord {
  if (result.kind !== 'enrolled') assert.fail(`expected an enrollment, got ${JSON.stringify(result)}`);
  return result.machine;
}

/** Test fixture: expectTaken. */
export function expectTaken(result: EnrollmentResult): MachineRecord {
  if (result.kind !== 'account-taken') assert.fail(`expected account-taken, got ${JSON.stringify(result)}`);
  return result.machine;
}

async function _mustFind(store: StoreBackend, id: string): Promise<MachineRecord> {
  const machine = await store.machines.findMachine(id);
  if (!machine) assert.fail(`machine ${id} not found`);
  return machine;
}

/** Test fixture: ids. */
export function ids(machines: readonly MachineRecord[]): string[] {
  return machines.map((m) => m.id);
}

/** Binary (code point) order, the order listMachines promises on every backend. */
export function sortedIds(list: readonly string[]): string[] {
  return [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads a machine that must exist. */
export async function mustFind(store: StoreBackend, id: string): Promise<MachineRecord> {
  const machine = await store.machines.findMachine(id);
  if (!machine) assert.fail(`machine ${id} not found`);
  return machine;
}
