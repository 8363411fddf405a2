import type { Kysely, Selectable } from 'kysely';
import type { NodeDirectory, NodeRecord } from '../node-record';
import type { Database } from './schema';
import type { ServerNodesTable } from './terminal.schema';

const fromRow = (row: Selectable<ServerNodesTable>): NodeRecord => ({
  nodeId: row.node_id,
  relayHost: row.relay_host,
  relayPort: Number(row.relay_port),
  announcedAt: Number(row.announced_at),
  lastSeenAt: Number(row.last_seen_at),
});

/** The node directory on SQLite or PostgreSQL: one row per node that announced itself. */
export function sqlNodeDirectory(db: Kysely<Database>): NodeDirectory {
  return {
    async announce({ nodeId, relayHost, relayPort, now }) {
      await db
        .insertInto('server_nodes')
        .values({
          node_id: nodeId,
          relay_host: relayHost,
          relay_port: relayPort,
          announced_at: now,
          last_seen_at: now,
        })
        .onConflict((oc) =>
          oc.column('node_id').doUpdateSet({
            relay_host: relayHost,
            relay_port: relayPort,
            announced_at: now,
            last_seen_at: now,
          }),
        )
        .execute();
    },

    async heartbeat(nodeId, now) {
      const result = await db
        .updateTable('server_nodes')
        .set({ last_seen_at: now })
        .where('node_id', '=', nodeId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async find(nodeId) {
      const row = await db
        .selectFrom('server_nodes')
        .selectAll()
        .where('node_id', '=', nodeId)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async list() {
      return (await db.selectFrom('server_nodes').selectAll().orderBy('node_id').execute()).map(fromRow);
    },

    async remove(nodeId) {
      const result = await db.deleteFrom('server_nodes').where('node_id', '=', nodeId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async locateMachine(machineId) {
      const row = await db
        .selectFrom('machines')
        .innerJoin('server_nodes', 'server_nodes.node_id', 'machines.connected_by')
        .selectAll('server_nodes')
        .where('machines.id', '=', machineId)
        .where('machines.connected', '=', 1)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },
  };
}
