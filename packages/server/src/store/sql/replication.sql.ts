import type { Kysely, Selectable } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type {
  LocalReport,
  LocalServerRecord,
  OffsiteReport,
  OffsiteServerRecord,
  ReplicationStore,
} from '../replication-record';
import type { LocalServersTable, OffsiteServersTable } from './replication.schema';
import type { Database } from './schema';
import { inScope } from './scope.sql';

const parse = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));
const num = (v: number | null) => (v === null ? null : Number(v));

const offsiteFromRow = (r: Selectable<OffsiteServersTable>): OffsiteServerRecord => ({
  id: r.id,
  machineId: r.machine_id,
  host: r.host,
  port: Number(r.port),
  directory: r.directory,
  syntheticFull: Number(r.synthetic_full) === 1,
  report: parse<OffsiteReport>(r.status),
  reportedAt: num(r.reported_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const localFromRow = (r: Selectable<LocalServersTable>): LocalServerRecord => ({
  id: r.id,
  machineId: r.machine_id,
  directory: r.directory,
  offsiteServerId: r.offsite_server_id,
  schedule: r.schedule,
  bandwidthKBps: Number(r.bandwidth_kbps),
  report: parse<LocalReport>(r.status),
  reportedAt: num(r.reported_at),
  inactiveSince: num(r.inactive_since),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The replication store on SQLite or PostgreSQL. */
export function sqlReplicationStore(db: Kysely<Database>): ReplicationStore {
  const portTaken = async (machineId: string, port: number, except: string | null) => {
    let q = db
      .selectFrom('offsite_servers')
      .select('id')
      .where('machine_id', '=', machineId)
      .where('port', '=', port);
    if (except) q = q.where('id', '!=', except);
    return (await q.executeTakeFirst()) !== undefined;
  };
  return {
    async createOffsite(id, f, now) {
      if (await portTaken(f.machineId, f.port, null)) return false;
      const result = await db
        .insertInto('offsite_servers')
        .values({
          id,
          machine_id: f.machineId,
          host: f.host,
          port: f.port,
          directory: f.directory,
          synthetic_full: f.syntheticFull ? 1 : 0,
          status: null,
          reported_at: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['machine_id', 'port']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async updateOffsite(id, f, now) {
      if (await portTaken(f.machineId, f.port, id)) return false;
      const result = await db
        .updateTable('offsite_servers')
        .set({
          machine_id: f.machineId,
          host: f.host,
          port: f.port,
          directory: f.directory,
          synthetic_full: f.syntheticFull ? 1 : 0,
          updated_at: now,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async getOffsite(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('offsite_servers')
        .innerJoin('machines', 'machines.id', 'offsite_servers.machine_id')
        .selectAll('offsite_servers')
        .where('offsite_servers.id', '=', id)
        .where(inScope(scope, 'machines.group_id', 'offsite_servers.machine_id'))
        .executeTakeFirst();
      return row ? offsiteFromRow(row) : null;
    },
    async listOffsite(scope = EVERYTHING) {
      // A role is scoped by the machine that holds it.
      const rows = await db
        .selectFrom('offsite_servers')
        .innerJoin('machines', 'machines.id', 'offsite_servers.machine_id')
        .selectAll('offsite_servers')
        .where(inScope(scope, 'machines.group_id', 'offsite_servers.machine_id'))
        .orderBy('offsite_servers.created_at')
        .orderBy('offsite_servers.id')
        .execute();
      return rows.map(offsiteFromRow);
    },
    async deleteOffsite(id) {
      return db.transaction().execute(async (trx) => {
        const user = await trx
          .selectFrom('local_servers')
          .select('id')
          .where('offsite_server_id', '=', id)
          .executeTakeFirst();
        if (user) return 'in-use' as const;
        const result = await trx.deleteFrom('offsite_servers').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) === 1 ? ('deleted' as const) : ('not-found' as const);
      });
    },
    async reportOffsite(id, machineId, report, now) {
      const result = await db
        .updateTable('offsite_servers')
        .set({ status: JSON.stringify(report), reported_at: now })
        .where('id', '=', id)
        .where('machine_id', '=', machineId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async createLocal(id, f, now) {
      await db
        .insertInto('local_servers')
        .values({
          id,
          machine_id: f.machineId,
          directory: f.directory,
          offsite_server_id: f.offsiteServerId,
          schedule: f.schedule,
          bandwidth_kbps: f.bandwidthKBps,
          status: null,
          reported_at: null,
          inactive_since: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    },
    async updateLocal(id, f, now) {
      const result = await db
        .updateTable('local_servers')
        .set({
          machine_id: f.machineId,
          directory: f.directory,
          offsite_server_id: f.offsiteServerId,
          schedule: f.schedule,
          bandwidth_kbps: f.bandwidthKBps,
          updated_at: now,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async getLocal(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('local_servers')
        .innerJoin('machines', 'machines.id', 'local_servers.machine_id')
        .selectAll('local_servers')
        .where('local_servers.id', '=', id)
        .where(inScope(scope, 'machines.group_id', 'local_servers.machine_id'))
        .executeTakeFirst();
      return row ? localFromRow(row) : null;
    },
    async listLocal(offsiteServerId, scope = EVERYTHING) {
      let q = db
        .selectFrom('local_servers')
        .innerJoin('machines', 'machines.id', 'local_servers.machine_id')
        .selectAll('local_servers')
        .where(inScope(scope, 'machines.group_id', 'local_servers.machine_id'));
      if (offsiteServerId !== undefined) q = q.where('local_servers.offsite_server_id', '=', offsiteServerId);
      return (await q.orderBy('local_servers.created_at').orderBy('local_servers.id').execute()).map(
        localFromRow,
      );
    },
    async deleteLocal(id) {
      const result = await db.deleteFrom('local_servers').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async reportLocal(id, machineId, report, now) {
      const result = await db
        .updateTable('local_servers')
        .set({ status: JSON.stringify(report), reported_at: now })
        .where('id', '=', id)
        .where('machine_id', '=', machineId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markInactiveSince(id, since) {
      await db.updateTable('local_servers').set({ inactive_since: since }).where('id', '=', id).execute();
    },
  };
}
