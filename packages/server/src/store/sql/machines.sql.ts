import { type Kysely, sql } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type { MachineReader, MachineWriter } from '../interfaces';
import { idMatchesAny } from './id-pattern.sql';
import { listMachinePage } from './machine-listing.sql';
import { machineFromRow } from './machine-rows';
import type { Database } from './schema';
import { inEveryScope } from './scope.sql';

/**
 * Machines per statement, and between two yields to the event loop, in a bulk check-in control
 * change (three bound parameters each, far below every backend's limit).
 */
const UPDATE_CHUNK = 500;

/** Machine accounts in SQL. */
export function sqlMachineStore(db: Kysely<Database>): MachineReader & MachineWriter {
  const setFlag = async (id: string, column: 'suspended' | 'remote_control_enabled', on: boolean) => {
    const result = await db
      .updateTable('machines')
      .set({ [column]: on ? 1 : 0 })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  };
  return {
    async findMachine(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('machines')
        .selectAll()
        .where('id', '=', id)
        .where(inEveryScope(scope, 'group_id', 'id'))
        .executeTakeFirst();
      return row ? machineFromRow(row) : null;
    },
    async findMachineByKey(fingerprint) {
      const row = await db
        .selectFrom('machines')
        .selectAll()
        .where('key_fingerprint', '=', fingerprint)
        .executeTakeFirst();
      return row ? machineFromRow(row) : null;
    },
    async listMachines(likePatterns, scope = EVERYTHING, page = {}) {
      let query = db
        .selectFrom('machines')
        .selectAll()
        .where(inEveryScope(scope, 'group_id', 'id'))
        .orderBy('id');
      if (likePatterns !== null) query = query.where(idMatchesAny('id', likePatterns));
      if (page.after !== undefined) query = query.where('id', '>', page.after);
      if (page.limit !== undefined) query = query.limit(page.limit);
      return (await query.execute()).map(machineFromRow);
    },
    async listMachineTargets(likePatterns, scope = EVERYTHING) {
      let query = db
        .selectFrom('machines')
        .select(['id', 'group_id'])
        .where(inEveryScope(scope, 'group_id', 'id'))
        .orderBy('id');
      if (likePatterns !== null) query = query.where(idMatchesAny('id', likePatterns));
      return (await query.execute()).map((r) => ({ id: r.id, groupId: r.group_id }));
    },
    listMachinePage: (query, scope) => listMachinePage(db, query, scope),
    async findMachines(ids, scope = EVERYTHING) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('machines')
        .selectAll()
        .where('id', 'in', ids)
        .where(inEveryScope(scope, 'group_id', 'id'))
        .execute();
      return rows.map(machineFromRow);
    },
    async createMachineAccount(a) {
      const result = await db
        .insertInto('machines')
        .values({
          id: a.id,
          guid: a.guid,
          name: a.name,
          group_id: a.groupId,
          org_id: a.groupId.slice(a.groupId.lastIndexOf('.') + 1),
          temporary: a.temporary ? 1 : 0,
          suspended: 0,
          remote_control_enabled: 1,
          checkin_control: JSON.stringify(a.checkinControl),
          settings_revision: 1,
          applied_revision: 0,
          created_at: a.createdAt,
          connected: 0,
          user_idle_seconds: 0,
          local_addresses: '[]',
        })
        .onConflict((c) => c.column('id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    setSuspended: (id, suspended) => setFlag(id, 'suspended', suspended),
    setRemoteControlEnabled: (id, enabled) => setFlag(id, 'remote_control_enabled', enabled),
    async updateCheckinControl(updates) {
      return db.transaction().execute(async (trx) => {
        const revisions: Array<{ id: string; revision: number }> = [];
        for (let i = 0; i < updates.length; i += UPDATE_CHUNK) {
          // SQLite answers synchronously: without a macrotask between chunks, 100,000 updates
          // would hold the event loop (and every other request) for seconds. The transaction
          // stays one, so a bulk change is still all or nothing.
          if (i > 0) await new Promise((resolve) => setImmediate(resolve));
          const chunk = updates.slice(i, i + UPDATE_CHUNK);
          // One statement per chunk: each machine gets its own settings through a CASE.
          const settings = sql.join(
            chunk.map((u) => sql`when ${u.id} then ${JSON.stringify(u.checkinControl)}`),
            sql` `,
          );
          const rows = await trx
            .updateTable('machines')
            .set((eb) => ({
              checkin_control: sql<string>`case id ${settings} end`,
              settings_revision: eb('settings_revision', '+', 1),
            }))
            .where(
              'id',
              'in',
              chunk.map((u) => u.id),
            )
            .returning(['id', 'settings_revision'])
            .execute();
          // RETURNING promises no order; the result lists machines in the order given.
          const byId = new Map(rows.map((r) => [r.id, Number(r.settings_revision)]));
          for (const u of chunk) {
            const revision = byId.get(u.id);
            if (revision !== undefined) revisions.push({ id: u.id, revision });
          }
        }
        return revisions;
      });
    },
    async recordSettingsApplied(id, revision) {
      const result = await db
        .updateTable('machines')
        .set((eb) => ({
          applied_revision: revision,
          // The settings of the newest revision are the stored ones; those of an older one
          // acknowledged late are no longer known, so what was confirmed before stays.
          applied_checkin_control: eb
            .case()
            .when('settings_revision', '=', revision)
            .then(eb.ref('checkin_control'))
            .else(eb.ref('applied_checkin_control'))
            .end(),
        }))
        .where('id', '=', id)
        .where('applied_revision', '<', revision)
        // An acknowledgement of a revision never sent is ignored, so it cannot mark later
        // changes as applied.
        .where('settings_revision', '>=', revision)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async recordAudit(id, inventory, now) {
      await db
        .updateTable('machines')
        .set({
          audit: JSON.stringify(inventory),
          audited_at: now,
          // The list sorts by it (migration 012); the same text the machine view shows.
          os: `${inventory.os.platform} ${inventory.os.release}`.trim(),
        })
        .where('id', '=', id)
        .execute();
    },
    async markConnected(id, remoteAddress, hardwareId, now) {
      await db
        .updateTable('machines')
        .set((eb) => ({
          connected: 1,
          remote_address: remoteAddress,
          hardware_id: hardwareId,
          last_seen_at: now,
          first_checkin_at: eb.fn.coalesce('first_checkin_at', eb.val(now)),
        }))
        .where('id', '=', id)
        .execute();
    },
    async markDisconnected(id) {
      await db.updateTable('machines').set({ connected: 0 }).where('id', '=', id).execute();
    },
    async markAllDisconnected() {
      await db
        .updateTable('machines')
        .set({ connected: 0, connected_by: null, connected_attempt_at: null })
        .where('connected', '=', 1)
        .execute();
    },
    async deleteMachine(id) {
      const result = await db.deleteFrom('machines').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteOfflineTemporary(cutoff) {
      const rows = await db
        .deleteFrom('machines')
        // Literal constants: only then may either database use the partial index of
        // temporary machines (migration 012), which a bound parameter could not prove matches.
        .where('temporary', '=', sql.lit(1))
        .where('connected', '=', sql.lit(0))
        .where((eb) =>
          eb.or([
            eb('last_seen_at', '<', cutoff),
            eb.and([eb('last_seen_at', 'is', null), eb('created_at', '<', cutoff)]),
          ]),
        )
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
