import type { Kysely } from 'kysely';
import type { NotificationStore } from '../interfaces';
import type { Database } from './schema';
import { inScope } from './scope.sql';

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
    async listNotifications(type, scope) {
      let q = db
        .selectFrom('notifications')
        .leftJoin('machines', 'machines.id', 'notifications.machine_id')
        .selectAll('notifications')
        .orderBy('notifications.id', 'desc');
      if (type) q = q.where('notifications.type', '=', type);
      // Scoped by the machine's group; with no machine the group is NULL and the condition
      // is never true, so only a caller who sees everything sees such a warning.
      if (scope) q = q.where(inScope(scope, 'machines.group_id', 'notifications.machine_id'));
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
