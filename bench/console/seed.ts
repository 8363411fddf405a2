import type { Inventory } from '@muster/protocol';
import { type Insertable, sql } from 'kysely';
import { sqlGroupRegistry } from '../../packages/server/src/store/sql/groups.sql';
import { type DatabaseLocation, openDatabase } from '../../packages/server/src/store/sql/open-database';
import type { MachinesTable } from '../../packages/server/src/store/sql/schema';
import { type FleetSummary, GROUPS, ORGANIZATIONS, random, SCOPED_ORGANIZATION, seedMachine } from './fleet';

// 500 rows of 24 columns is 12,000 parameters: under SQLite's 32,766 and PostgreSQL's 65,535.
const ROWS_PER_STATEMENT = 500;
const ROWS_PER_TRANSACTION = 10_000;

/**
 * Writes the fleet straight into a store the server has already made and migrated (and is
 * not running on), in multi-row inserts: enrolling 100,000 agents through the gateway would
 * take far longer than the measurement (real agents at that scale are issue 12's work). Groups
 * are registered through the server's own group registry, as enrolment does. On PostgreSQL the
 * database is then vacuumed and analyzed, which autovacuum would do shortly after such a bulk
 * load anyway; SQLite is left as the server leaves it (the server runs no ANALYZE).
 */
export async function seedFleet(location: DatabaseLocation, machines: number): Promise<FleetSummary> {
  const started = performance.now();
  const { db, dialect, close } = openDatabase(location);
  const rand = random(20_261_202);
  const now = Date.now();
  const perOrganization = new Map<string, number>();
  const statuses: Record<string, number> = {};
  let temporary = 0;
  let bound = 0;
  let pendingSettings = 0;
  try {
    // Columns a newer migration may have added (012: os, the confirmed settings), filled as the
    // server fills them when an agent reports its audit and confirms its settings.
    const columns = new Set(
      (dialect === 'postgres'
        ? await sql<{
            name: string;
          }>`select column_name as name from information_schema.columns where table_name = 'machines'`.execute(
            db,
          )
        : await sql<{ name: string }>`select name from pragma_table_info('machines')`.execute(db)
      ).rows.map((r) => r.name),
    );
    const extras = (row: Insertable<MachinesTable>): Insertable<MachinesTable> => {
      const extra: Record<string, unknown> = {};
      if (columns.has('os')) {
        // Every row names every column: a multi-row insert fills a missing one with NULL on SQLite.
        const os = row.audit ? (JSON.parse(row.audit) as Inventory).os : null;
        extra.os = os ? `${os.platform} ${os.release}`.trim() : '';
      }
      if (
        columns.has('applied_checkin_control') &&
        (row.applied_revision as number) >= (row.settings_revision as number)
      )
        extra.applied_checkin_control = row.checkin_control;
      return { ...row, ...extra };
    };
    const registry = sqlGroupRegistry(db);
    for (const org of ORGANIZATIONS)
      for (const group of GROUPS) await registry.ensureGroup(`${group.name}.${org.name}`, now);
    for (let t = 0; t < machines; t += ROWS_PER_TRANSACTION) {
      await db.transaction().execute(async (trx) => {
        for (let i = t; i < Math.min(machines, t + ROWS_PER_TRANSACTION); i += ROWS_PER_STATEMENT) {
          const rows = [];
          for (let k = i; k < Math.min(machines, i + ROWS_PER_STATEMENT); k++) {
            const m = seedMachine(k, now, rand);
            perOrganization.set(m.organization, (perOrganization.get(m.organization) ?? 0) + 1);
            statuses[m.status] = (statuses[m.status] ?? 0) + 1;
            temporary += m.row.temporary as number;
            if ((JSON.parse(m.row.checkin_control as string) as { bindToServer: boolean }).bindToServer)
              bound++;
            if ((m.row.settings_revision as number) > (m.row.applied_revision as number)) pendingSettings++;
            rows.push(extras(m.row));
          }
          await trx.insertInto('machines').values(rows).execute();
        }
      });
    }
    // What autovacuum does after such a load (an insert-triggered vacuum, then analyze): the
    // planner's statistics, and the visibility map an index-only scan (of a count) relies on.
    if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  } finally {
    await close();
  }
  return {
    machines,
    organizations: ORGANIZATIONS.map((o) => ({ name: o.name, machines: perOrganization.get(o.name) ?? 0 })),
    groupsPerOrganization: GROUPS.length,
    scopedOrganization: SCOPED_ORGANIZATION,
    scopedMachines: perOrganization.get(SCOPED_ORGANIZATION) ?? 0,
    statuses,
    temporary,
    bound,
    pendingSettings,
    seconds: (performance.now() - started) / 1000,
  };
}
