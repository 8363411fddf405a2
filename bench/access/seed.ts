import type { CheckinControl } from '@muster/protocol';
import { sqlGroupRegistry } from '../../packages/server/src/store/sql/groups.sql';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import { openSqlStore } from '../../packages/server/src/store/sql/sql-store';

/** The seeded fleet: which organization the scoped user gets, and machines to ask for. */
export interface SeededFleet {
  machines: number;
  organizations: string[];
  /** The organization the scoped user's scope names. */
  scopedOrganization: string;
  /** Machines in the scoped organization. */
  scopedMachines: number;
  /** The scoped organization's machine that sorts last by id (deepest in the list). */
  deepScopedMachine: string;
  /** A group of the scoped organization (a list filter that returns a page-sized slice). */
  scopedGroup: string;
  seconds: number;
}

const CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

const ROWS_PER_STATEMENT = 1000;
const STATEMENTS_PER_TRANSACTION = 20;

/**
 * Writes never-checked-in machine accounts straight into a fresh SQLite store (migrated by the
 * server's own code first), many rows per statement, before the server starts: enrolling
 * 100,000 agents through the gateway would take far longer than the measurement. Machine
 * `m000017.g1.org07` is number 17; numbers go round the organizations, so each organization's
 * machines are spread evenly through the id order every list is sorted by.
 */
export async function seedFleet(
  sqliteFile: string,
  machines: number,
  organizations: number,
  groupsPerOrganization: number,
): Promise<SeededFleet> {
  const started = performance.now();
  // The server's own migrations make the tables; the server then starts on a migrated store.
  await (await openSqlStore({ sqliteFile })).close();
  const { db, close } = openDatabase({ sqliteFile });
  const width = String(machines - 1).length;
  const orgs = Array.from({ length: organizations }, (_, o) => `org${String(o).padStart(2, '0')}`);
  const idOf = (i: number) => {
    const org = orgs[i % organizations] as string;
    const group = `g${Math.floor(i / organizations) % groupsPerOrganization}.${org}`;
    return { id: `m${String(i).padStart(width, '0')}.${group}`, group, org };
  };
  try {
    const now = Date.now();
    const registry = sqlGroupRegistry(db);
    for (const org of orgs)
      for (let g = 0; g < groupsPerOrganization; g++) await registry.ensureGroup(`g${g}.${org}`, now);
    const perTransaction = ROWS_PER_STATEMENT * STATEMENTS_PER_TRANSACTION;
    for (let t = 0; t < machines; t += perTransaction) {
      await db.transaction().execute(async (trx) => {
        for (let i = t; i < Math.min(machines, t + perTransaction); i += ROWS_PER_STATEMENT) {
          const rows = [];
          for (let k = i; k < Math.min(machines, i + ROWS_PER_STATEMENT); k++) {
            const { id, group, org } = idOf(k);
            rows.push({
              id,
              guid: `guid-${id}`,
              name: id.slice(0, id.indexOf('.')),
              group_id: group,
              org_id: org,
              temporary: 0,
              suspended: 0,
              remote_control_enabled: 1,
              checkin_control: JSON.stringify(CONTROL),
              settings_revision: 1,
              applied_revision: 0,
              created_at: now,
              connected: 0,
              user_idle_seconds: 0,
              local_addresses: '[]',
            });
          }
          await trx.insertInto('machines').values(rows).execute();
        }
      });
    }
  } finally {
    await close();
  }
  // The scoped organization is the one in the middle; its last machine sorts last among its own.
  const scopedIndex = Math.floor(organizations / 2);
  let last = machines - 1;
  while (last % organizations !== scopedIndex) last--;
  const scopedOrganization = orgs[scopedIndex] as string;
  return {
    machines,
    organizations: orgs,
    scopedOrganization,
    scopedMachines: Math.floor(machines / organizations) + (scopedIndex < machines % organizations ? 1 : 0),
    deepScopedMachine: idOf(last).id,
    scopedGroup: `g${groupsPerOrganization - 1}.${scopedOrganization}`,
    seconds: (performance.now() - started) / 1000,
  };
}
