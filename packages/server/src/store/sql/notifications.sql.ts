import type { Kysely } from 'kysely';
import type { NotificationStore } from '../interfaces';
import type { Database } from './schema';

/** Notifications and their on/off switches in SQL. */
export function sqlNotificationStore(db: Kysely<Database>): NotificationStore {
  return {
    async addNotification(n) {
      const result = await db
        .insertInto('notifications')
        .values({
          type: n.type,
          machine_id: n.machineId,
          message: n.message,
          dedupe_key: n.dedupeKey,
          created_at: n.createdAt,
        })
        .onConflict((c) => c.column('dedupe_key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async listNotifications(type) {
      let q = db.selectFrom('notifications').selectAll().orderBy('id', 'desc');
      if (type) q = q.where('type', '=', type);
      const rows = await q.execute();
      return rows.map((r) => ({
        id: Number(r.id),
        type: r.type,
        machineId: r.machine_id,
        message: r.message,
        createdAt: r.created_at,
      }));
    },
    async setTypeEnabled(type, enabled) {
      await db
        .insertInto('notification_types')
        .values({ type, enabled: enabled ? 1 : 0 })
        .onConflict((c) => c.column('type').doUpdateSet({ enabled: enabled ? 1 : 0 }))
        .execute();
    },
    async typeSwitches() {
      const rows = await db.selectFrom('notification_types').selectAll().execute();
      return new Map(rows.map((r) => [r.type, r.enabled === 1]));
    },
  };
}
