import type { Kysely, Selectable } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import { type FileRecord, type FileStore, MAX_STORED_CHUNK_BYTES } from '../../files/file-record';
import type { Dialect } from './dialect';
import type { Database, FilesTable } from './schema';
import { inScope } from './scope.sql';

const fromRow = (row: Selectable<FilesTable>): FileRecord => ({
  id: row.id,
  name: row.name,
  status: row.status === 'complete' ? 'complete' : 'receiving',
  received: Number(row.received),
  size: row.size === null ? null : Number(row.size),
  sha256: row.sha256,
  machineId: row.machine_id,
  commandId: row.command_id,
  groupId: row.group_id,
  createdAt: Number(row.created_at),
  completedAt: row.completed_at === null ? null : Number(row.completed_at),
});

/** The file store on SQLite or PostgreSQL: content in chunk rows, appended in order. */
export function sqlFileStore(db: Kysely<Database>, dialect: Dialect): FileStore {
  const byId = (id: string) => db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
  return {
    async createFile(file) {
      if (file.commandId !== null) {
        const existing = await db
          .selectFrom('files')
          .selectAll()
          .where('command_id', '=', file.commandId)
          .executeTakeFirst();
        if (existing) return fromRow(existing);
      }
      const row = {
        id: file.id,
        name: file.name,
        status: 'receiving',
        received: 0,
        size: null,
        sha256: null,
        machine_id: file.machineId,
        command_id: file.commandId,
        group_id: file.groupId,
        created_at: file.createdAt,
        completed_at: null,
      };
      // Two nodes may race to open the same command's upload: the unique command id lets one
      // win and the other read the winner's row.
      await db
        .insertInto('files')
        .values(row)
        .onConflict((oc) => oc.column('command_id').doNothing())
        .execute();
      const stored =
        file.commandId === null
          ? await byId(file.id)
          : await db
              .selectFrom('files')
              .selectAll()
              .where('command_id', '=', file.commandId)
              .executeTakeFirst();
      if (!stored) throw new Error(`file ${file.id} vanished while it was created`);
      return fromRow(stored);
    },

    async appendChunk(id, offset, data) {
      if (data.length > MAX_STORED_CHUNK_BYTES) throw new Error('a stored chunk is at most 1 MiB');
      return db.transaction().execute(async (trx) => {
        let query = trx.selectFrom('files').select(['received', 'status']).where('id', '=', id);
        if (dialect === 'postgres') query = query.forUpdate();
        const row = await query.executeTakeFirst();
        if (!row) return { written: false, received: 0 };
        const received = Number(row.received);
        if (row.status !== 'receiving' || offset !== received || data.length === 0)
          return { written: false, received };
        await trx.insertInto('file_chunks').values({ file_id: id, offset, data }).execute();
        await trx
          .updateTable('files')
          .set({ received: received + data.length })
          .where('id', '=', id)
          .execute();
        return { written: true, received: received + data.length };
      });
    },

    async completeFile(id, size, sha256, now) {
      const result = await db
        .updateTable('files')
        .set({ status: 'complete', size, sha256, completed_at: now })
        .where('id', '=', id)
        .where('status', '=', 'receiving')
        .where('received', '=', size)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async resetFile(id) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('file_chunks').where('file_id', '=', id).execute();
        await trx
          .updateTable('files')
          .set({ received: 0 })
          .where('id', '=', id)
          .where('status', '=', 'receiving')
          .execute();
      });
    },

    async readRange(id, offset, length) {
      const end = offset + length;
      const rows = await db
        .selectFrom('file_chunks')
        .select(['offset', 'data'])
        .where('file_id', '=', id)
        .where('offset', '<', end)
        .where('offset', '>', offset - MAX_STORED_CHUNK_BYTES)
        .orderBy('offset')
        .execute();
      const pieces: Buffer[] = [];
      for (const row of rows) {
        const start = Number(row.offset);
        const data = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
        const from = Math.max(0, offset - start);
        const to = Math.min(data.length, end - start);
        if (to > from) pieces.push(data.subarray(from, to));
      }
      return Buffer.concat(pieces);
    },

    async getFile(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('files')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', 'machine_id'))
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async findByCommand(commandId) {
      const row = await db
        .selectFrom('files')
        .selectAll()
        .where('command_id', '=', commandId)
        .executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async listFiles(limit, scope = EVERYTHING) {
      const rows = await db
        .selectFrom('files')
        .selectAll()
        .where(inScope(scope, 'group_id', 'machine_id'))
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async deleteFile(id) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('file_chunks').where('file_id', '=', id).execute();
        const result = await trx.deleteFrom('files').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      });
    },
  };
}
