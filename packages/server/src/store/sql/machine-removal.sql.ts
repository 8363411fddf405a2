import type { Kysely } from 'kysely';
import type { MachineRemover } from '../interfaces';
import { change, recordTransitions } from './command-transitions.sql';
import type { Database } from './schema';

/** Why a never-delivered command of a removed machine ended. */
export const REMOVED_PENDING_DETAIL = 'machine removed before the command was delivered';
/** Why a delivered command of a removed machine ended: it may have run, and no result will come. */
export const REMOVED_DELIVERED_DETAIL =
  'machine removed after the command was delivered; it may have run, and its result will not arrive';

/** Removes machine accounts in SQL, with their unfinished commands. */
export function sqlMachineRemover(db: Kysely<Database>): MachineRemover {
  return {
    async removeMachine(id, now) {
      return db.transaction().execute(async (trx) => {
        // A local server elsewhere that sends to this machine's offsite server would be left
        // pointing at nothing (the reference has no cascade): the administrator decides first.
        const users = await trx
          .selectFrom('local_servers')
          .innerJoin('offsite_servers', 'offsite_servers.id', 'local_servers.offsite_server_id')
          .select('local_servers.id')
          .where('offsite_servers.machine_id', '=', id)
          .where('local_servers.machine_id', '<>', id)
          .orderBy('local_servers.id')
          .execute();
        if (users.length > 0) return { kind: 'offsite-in-use', localServerIds: users.map((u) => u.id) };
        const deleted = await trx.deleteFrom('machines').where('id', '=', id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return { kind: 'not-found' };
        // Never delivered: it did not run, so canceled says the truth.
        const canceled = await trx
          .updateTable('commands')
          .set({ status: 'canceled', finished_at: now, updated_at: now, error: REMOVED_PENDING_DETAIL })
          .where('target_kind', '=', 'machine')
          .where('target_id', '=', id)
          .where('status', '=', 'pending')
          .where('attempts', '=', 0)
          .returningAll()
          .execute();
        // Delivered (running now, or returned to the queue after a delivery): it may have run.
        const unknown = await trx
          .updateTable('commands')
          .set({
            status: 'unknown',
            finished_at: now,
            updated_at: now,
            lease_expires_at: null,
            error: REMOVED_DELIVERED_DETAIL,
          })
          .where('target_kind', '=', 'machine')
          .where('target_id', '=', id)
          .where('status', 'in', ['processing', 'pending'])
          .returningAll()
          .execute();
        await recordTransitions(trx, canceled, now, REMOVED_PENDING_DETAIL);
        await recordTransitions(trx, unknown, now, REMOVED_DELIVERED_DETAIL);
        return { kind: 'removed', changes: [...canceled, ...unknown].map((r) => change(r, now)) };
      });
    },
  };
}
