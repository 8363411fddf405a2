import { type Kysely, type Selectable, sql } from 'kysely';
import { entryHash } from '../../audit/audit-hash';
import type { AuditEntry, AuditHead, AuditQuery, NewAuditEntry } from '../audit-record';
import type { AuditAppender, AuditReader } from '../interfaces';
import type { AuditLogTable } from './audit.schema';
import type { Database } from './schema';
import { inScope } from './scope.sql';

function entryFromRow(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    userId: r.user_id,
    userName: r.user_name,
    credentialKind: r.credential_kind,
    credentialId: r.credential_id,
    address: r.address,
    action: r.action,
    targetsJson: r.targets,
    detailsJson: r.details,
    status: r.status === null ? null : Number(r.status),
    result: r.result,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The audit log in SQL, append-only: nothing here updates or deletes an entry. Each append is
 * one transaction that first moves the head row (seq + 1): on PostgreSQL that row lock queues
 * concurrent appends from every server node, each then reading the hash its predecessor
 * committed; SQLite takes its single write lock with that same first statement.
 */
export function sqlAuditStore(db: Kysely<Database>): AuditAppender & AuditReader {
  return {
    async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
      return db.transaction().execute(async (trx) => {
        const head = await trx
          .updateTable('audit_head')
          .set({ seq: sql`seq + 1` })
          .where('id', '=', 1)
          .returning(['seq', 'hash'])
          .executeTakeFirstOrThrow();
        const fields = {
          seq: Number(head.seq),
          at: entry.at,
          userId: entry.userId,
          userName: entry.userName,
          credentialKind: entry.credentialKind,
          credentialId: entry.credentialId,
          address: entry.address,
          action: entry.action,
          targetsJson: JSON.stringify(entry.targets),
          detailsJson: entry.details === null ? null : JSON.stringify(entry.details),
          status: entry.status,
          result: entry.result,
          prevHash: head.hash,
        };
        const stored: AuditEntry = { ...fields, hash: entryHash(fields) };
        await trx
          .insertInto('audit_log')
          .values({
            seq: stored.seq,
            at: stored.at,
            user_id: stored.userId,
            user_name: stored.userName,
            credential_kind: stored.credentialKind,
            credential_id: stored.credentialId,
            address: stored.address,
            action: stored.action,
            targets: stored.targetsJson,
            details: stored.detailsJson,
            status: stored.status,
            result: stored.result,
            prev_hash: stored.prevHash,
            hash: stored.hash,
          })
          .execute();
        // Chunked: a bulk request may name 100,000 machines.
        for (let i = 0; i < entry.scopeKeys.length; i += 500) {
          await trx
            .insertInto('audit_targets')
            .values(
              entry.scopeKeys
                .slice(i, i + 500)
                .map((k) => ({ seq: stored.seq, group_id: k.groupId, machine_id: k.machineId })),
            )
            .execute();
        }
        await trx.updateTable('audit_head').set({ hash: stored.hash }).where('id', '=', 1).execute();
        return stored;
      });
    },

    async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
      let q = db.selectFrom('audit_log as a').selectAll('a');
      if (!query.scope.all) {
        // Visible when it names something and everything it names is in scope, decided in
        // the database so pages and cursors only ever count what the caller may see.
        const scope = query.scope;
        q = q
          .where(({ exists, selectFrom }) =>
            exists(selectFrom('audit_targets as t').select('t.seq').whereRef('t.seq', '=', 'a.seq')),
          )
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('audit_targets as t')
                  .select('t.seq')
                  .whereRef('t.seq', '=', 'a.seq')
                  .where(sql<boolean>`not ${inScope(scope, 't.group_id', 't.machine_id')}`),
              ),
            ),
          );
      }
      if (query.machineId !== undefined) {
        const machineId = query.machineId;
        q = q.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('audit_targets as m')
              .select('m.seq')
              .whereRef('m.seq', '=', 'a.seq')
              .where('m.machine_id', '=', machineId),
          ),
        );
      }
      if (query.userName !== undefined) q = q.where('a.user_name', '=', query.userName);
      if (query.action !== undefined) q = q.where('a.action', '=', query.action);
      if (query.from !== undefined) q = q.where('a.at', '>=', query.from);
      if (query.to !== undefined) q = q.where('a.at', '<', query.to);
      if (query.beforeSeq !== undefined) q = q.where('a.seq', '<', query.beforeSeq);
      const rows = await q.orderBy('a.seq', 'desc').limit(query.limit).execute();
      return rows.map(entryFromRow);
    },

    async auditChain(afterSeq: number, limit: number): Promise<AuditEntry[]> {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(entryFromRow);
    },

    async auditHead(): Promise<AuditHead> {
      const head = await db
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return { seq: Number(head.seq), hash: head.hash };
    },

    async maxAuditSeq(): Promise<number> {
      const row = await db
        .selectFrom('audit_log')
        .select(({ fn }) => fn.max('seq').as('max'))
        .executeTakeFirst();
      return row?.max == null ? 0 : Number(row.max);
    },
  };
}
