import { type Kysely, sql } from 'kysely';
import type { CheckinRecorder } from '../interfaces';
import type { CheckinUpdate, ConnectionUpdate } from '../machine-record';
import type { Dialect } from './dialect';
import type { Database } from './schema';

const POSTGRES_CHUNK = 2000;

/**
 * Writes a batch of check-ins in one transaction. PostgreSQL gets one UPDATE ... FROM VALUES
 * per chunk (one round trip for thousands of agents); SQLite, in-process, runs one prepared
 * UPDATE per machine inside a single transaction, which costs microseconds each.
 */
export function sqlCheckinRecorder(db: Kysely<Database>, dialect: Dialect): CheckinRecorder {
  return {
    async recordConnections(batch) {
      if (batch.length === 0) return;
      await db.transaction().execute(async (trx) => {
        if (dialect === 'postgres') {
          for (let i = 0; i < batch.length; i += POSTGRES_CHUNK)
            await postgresConnections(trx, batch.slice(i, i + POSTGRES_CHUNK));
          return;
        }
        for (const c of batch) {
          await trx
            .updateTable('machines')
            .set((eb) =>
              c.connected
                ? {
                    connected: 1,
                    last_seen_at: c.at,
                    first_checkin_at: eb.fn.coalesce('first_checkin_at', eb.val(c.at)),
                    ...(c.remoteAddress !== undefined ? { remote_address: c.remoteAddress } : {}),
                    ...(c.hardwareId !== undefined ? { hardware_id: c.hardwareId } : {}),
                  }
                : { connected: 0 },
            )
            .where('id', '=', c.machineId)
            .execute();
        }
      });
    },
    async recordCheckins(batch) {
      if (batch.length === 0) return;
      if (dialect === 'postgres') {
        await db.transaction().execute(async (trx) => {
          for (let i = 0; i < batch.length; i += POSTGRES_CHUNK) {
            await postgresChunk(trx, batch.slice(i, i + POSTGRES_CHUNK));
          }
        });
        return;
      }
      await db.transaction().execute(async (trx) => {
        for (const c of batch) {
          await trx
            .updateTable('machines')
            .set({
              last_seen_at: c.seenAt,
              logged_on_user: c.loggedOnUser,
              user_idle_seconds: c.userIdleSeconds,
              local_addresses: JSON.stringify(c.localAddresses),
              agent_version: c.agentVersion,
            })
            .where('id', '=', c.machineId)
            .execute();
        }
      });
    },
  };
}

async function postgresChunk(db: Kysely<Database>, chunk: readonly CheckinUpdate[]): Promise<void> {
  const rows = chunk.map(
    (c) =>
      sql`(${c.machineId}, ${c.seenAt}::bigint, ${c.loggedOnUser}::text, ${c.userIdleSeconds}::int, ${JSON.stringify(c.localAddresses)}, ${c.agentVersion})`,
  );
  await sql`
    update machines as m set
      last_seen_at = v.seen_at,
      logged_on_user = v.logged_on_user,
      user_idle_seconds = v.idle,
      local_addresses = v.addresses,
      agent_version = v.version
    from (values ${sql.join(rows)}) as v(id, seen_at, logged_on_user, idle, addresses, version)
    where m.id = v.id`.execute(db);
}

async function postgresConnections(db: Kysely<Database>, chunk: readonly ConnectionUpdate[]): Promise<void> {
  const rows = chunk.map(
    (c) =>
      sql`(${c.machineId}, ${c.connected ? 1 : 0}::int, ${c.at}::bigint, ${c.remoteAddress ?? null}::text, ${c.hardwareId ?? null}::text)`,
  );
  await sql`
    update machines as m set
      connected = v.connected,
      last_seen_at = case when v.connected = 1 then v.at else m.last_seen_at end,
      first_checkin_at = case when v.connected = 1 then coalesce(m.first_checkin_at, v.at) else m.first_checkin_at end,
      remote_address = coalesce(v.remote, m.remote_address),
      hardware_id = coalesce(v.hardware, m.hardware_id)
    from (values ${sql.join(rows)}) as v(id, connected, at, remote, hardware)
    where m.id = v.id`.execute(db);
}
