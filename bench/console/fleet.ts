import type { CheckinControl, Inventory } from '@muster/protocol';
import type { Insertable } from 'kysely';
import type { MachinesTable } from '../../packages/server/src/store/sql/schema';

/**
 * Organizations of the seeded fleet and their share of the machines: a few large customers
 * and a long tail, as a managed-service provider has them, rather than ten equal slices.
 */
export const ORGANIZATIONS: ReadonlyArray<{ name: string; weight: number }> = [
  { name: 'acme', weight: 30 },
  { name: 'globex', weight: 18 },
  { name: 'initech', weight: 12 },
  { name: 'umbrella', weight: 9 },
  { name: 'hooli', weight: 7 },
  { name: 'stark', weight: 6 },
  { name: 'wayne', weight: 5 },
  { name: 'wonka', weight: 4 },
  { name: 'tyrell', weight: 3 },
  { name: 'cyberdyne', weight: 3 },
  { name: 'soylent', weight: 2 },
  { name: 'oscorp', weight: 1 },
];

/** The organization the scoped user's scope holds: a middle-sized one (7% of the fleet). */
export const SCOPED_ORGANIZATION = 'hooli';

/** Groups of every organization (a dot makes a subgroup: lab.eng is inside eng), with their host prefix. */
export const GROUPS: ReadonlyArray<{ name: string; prefix: string; weight: number }> = [
  { name: 'hq', prefix: 'ws', weight: 25 },
  { name: 'eng', prefix: 'dev', weight: 20 },
  { name: 'lab.eng', prefix: 'lab', weight: 5 },
  { name: 'sales', prefix: 'lt', weight: 15 },
  { name: 'ops', prefix: 'srv', weight: 10 },
  { name: 'retail', prefix: 'pos', weight: 15 },
  { name: 'kiosk.retail', prefix: 'kiosk', weight: 5 },
  { name: 'remote', prefix: 'rw', weight: 5 },
];

/** What was seeded, for the report and for the calls that need a real value to ask for. */
export interface FleetSummary {
  machines: number;
  organizations: Array<{ name: string; machines: number }>;
  groupsPerOrganization: number;
  scopedOrganization: string;
  scopedMachines: number;
  /** Machines by the status the server will derive (no agent is connected: nobody is online). */
  statuses: Record<string, number>;
  temporary: number;
  bound: number;
  pendingSettings: number;
  seconds: number;
}

/** A small deterministic generator (mulberry32), so every run seeds the same fleet. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T extends { weight: number }>(list: readonly T[], r: number): T {
  const total = list.reduce((s, x) => s + x.weight, 0);
  let at = r * total;
  for (const x of list) {
    at -= x.weight;
    if (at < 0) return x;
  }
  return list[list.length - 1] as T;
}

// 48271 is coprime to the prime 1,000,003, so i -> i*48271 mod 1,000,003 never repeats below it:
// unique host numbers that do not follow the insertion order (names sort unlike ids of rows).
const hostNumber = (i: number) => String((i * 48271) % 1_000_003).padStart(7, '0');

const PERIODS = [30, 30, 30, 60, 60, 300, 600, 3600];
const OS = [
  { platform: 'win32', release: '10.0.19045', version: 'Windows 10 Pro' },
  { platform: 'win32', release: '10.0.22631', version: 'Windows 11 Pro' },
  { platform: 'win32', release: '10.0.20348', version: 'Windows Server 2022' },
  { platform: 'linux', release: '6.1.0-18-amd64', version: 'Debian 12' },
  { platform: 'darwin', release: '23.4.0', version: 'macOS 14.4' },
];
const CPUS = ['Intel(R) Core(TM) i5-10500', 'Intel(R) Core(TM) i7-1185G7', 'AMD Ryzen 7 5800U', 'Apple M2'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const DAY = 86_400_000;

/** One machine row of the fleet, with what it adds to the summary counts. */
export interface SeedMachine {
  row: Insertable<MachinesTable>;
  organization: string;
  status: 'suspended' | 'never-checked-in' | 'offline';
}

/**
 * Machine number i. The columns are those `seedMachines` (packages/server/src/test-support)
 * writes for a machine account, plus what an agent that checked in before leaves behind: first
 * and last check-in, host name, an inventory, an agent version, the last logged-on user, so the
 * list's columns and sorts have real values. 8% never checked in, 2% are suspended; 3% of the
 * others are temporary agents (seen in the last 10 minutes: the server removes one offline for
 * an hour), 10% bound, 5% have settings their agent has not confirmed yet.
 */
export function seedMachine(i: number, now: number, rand: () => number): SeedMachine {
  const org = pick(ORGANIZATIONS, rand());
  const group = pick(GROUPS, rand());
  const name = `${group.prefix}-${hostNumber(i)}`;
  const groupId = `${group.name}.${org.name}`;
  const id = `${name}.${groupId}`;
  const never = rand() < 0.08;
  const suspended = rand() < 0.02;
  const control: CheckinControl = {
    primary: { host: 'muster.example.com', port: 5721 },
    secondary: rand() < 0.5 ? { host: 'muster2.example.com', port: 5721 } : null,
    periodSeconds: PERIODS[Math.floor(rand() * PERIODS.length)] as number,
    bindToServer: rand() < 0.1,
    bandwidthKBps: rand() < 0.2 ? 512 : 0,
  };
  // The server removes a temporary agent offline for an hour (temporaryAgentOfflineSeconds), so
  // the temporary ones it still holds were seen within the last minutes: these stay for the run.
  const temporary = !never && rand() < 0.03;
  const firstCheckin = never ? null : now - Math.floor((temporary ? rand() * 0.01 : 30 + rand() * 700) * DAY);
  const lastSeen =
    firstCheckin === null
      ? null
      : temporary
        ? now - Math.floor(rand() * 10 * 60_000)
        : now - Math.floor(rand() * rand() * 30 * DAY);
  const os = OS[Math.floor(rand() * OS.length)] as (typeof OS)[number];
  const inventory: Inventory | null = never
    ? null
    : {
        hostName: name.toUpperCase(),
        os: { ...os, arch: 'x64' },
        cpu: {
          model: CPUS[Math.floor(rand() * CPUS.length)] as string,
          cores: 2 ** (1 + Math.floor(rand() * 4)),
        },
        memoryBytes: 2 ** (32 + Math.floor(rand() * 3)),
        disks: [
          {
            mount: os.platform === 'win32' ? 'C:' : '/',
            totalBytes: 512e9,
            freeBytes: Math.floor(rand() * 400e9),
          },
        ],
        networkInterfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['10.0.0.2'] }],
        hardwareId: `hw-${hostNumber(i)}`,
      };
  const pending = rand() < 0.05;
  return {
    organization: org.name,
    status: suspended ? 'suspended' : never ? 'never-checked-in' : 'offline',
    row: {
      id,
      guid: `guid-${i}`,
      name,
      group_id: groupId,
      org_id: org.name,
      temporary: temporary ? 1 : 0,
      suspended: suspended ? 1 : 0,
      remote_control_enabled: rand() < 0.95 ? 1 : 0,
      checkin_control: JSON.stringify(control),
      settings_revision: pending ? 2 : 1,
      applied_revision: never ? 0 : 1,
      created_at: firstCheckin ?? now - Math.floor(rand() * 30 * DAY),
      first_checkin_at: firstCheckin,
      last_seen_at: lastSeen,
      connected: 0,
      host_name: inventory?.hostName ?? null,
      hardware_id: inventory?.hardwareId ?? null,
      logged_on_user: never ? null : (USERS[Math.floor(rand() * USERS.length)] as string),
      user_idle_seconds: 0,
      local_addresses: '[]',
      agent_version: never ? null : rand() < 0.8 ? '0.1.0' : '0.0.9',
      audit: inventory === null ? null : JSON.stringify(inventory),
      audited_at: lastSeen,
    },
  };
}
