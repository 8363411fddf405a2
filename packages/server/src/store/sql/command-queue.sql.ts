import type { Kysely } from 'kysely';
import type { CommandChange, CommandRecord, CommandRefusal, TargetKind } from '../command-record';
import type { CommandQueueStore } from '../interfaces';
import { claimFirstPerTarget } from './command-claim-first.sql';
import { insertQueued, insertsInOneStatement } from './command-insert.sql';
import { listCommandPage, listCommands } from './command-listing.sql';
import { cancelCommand, finishCommands } from './command-outcomes.sql';
import { commandFromRow } from './command-rows';
import {
  change,
  endPastTimeToLive,
  type Row,
  recordTransitions,
  returnToQueue,
  transitionsOf,
} from './command-transitions.sql';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { inScope } from './scope.sql';

/**
 * The command queue in SQL. Each status change and its transition row are one transaction.
 * On PostgreSQL, claiming locks the chosen rows with SKIP LOCKED so two server nodes never
 * hand out the same command; SQLite serializes writers anyway.
 */
export function sqlCommandQueue(db: Kysely<Database>, dialect: Dialect): CommandQueueStore {
  const refusal = async (id: string, kind: TargetKind, targetId: string): Promise<CommandRefusal> => {
    const row = await db
      .selectFrom('commands')
      .select(['target_kind', 'target_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return 'not-found';
    if (row.target_kind !== kind || row.target_id !== targetId) return 'wrong-endpoint';
    return 'not-processing';
  };

  /**
   * Moves one processing command of this endpoint to a new status with its transition, or
   * says why it could not (unknown, another endpoint's, not processing).
   */
  const moveProcessing = async (
    id: string,
    kind: TargetKind,
    targetId: string,
    now: number,
    detail: string | null,
    set: Partial<Pick<Row, 'status' | 'finished_at' | 'exit_code' | 'output' | 'error'>>,
  ): Promise<CommandRecord | CommandRefusal> => {
    const row = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('commands')
        .set({ ...set, updated_at: now, lease_expires_at: null, holder: null })
        .where('id', '=', id)
        .where('target_kind', '=', kind)
        .where('target_id', '=', targetId)
        .where('status', '=', 'processing')
        .returningAll()
        .executeTakeFirst();
      if (updated) await recordTransitions(trx, [updated], now, detail);
      return updated;
    });
    return row ? commandFromRow(row) : refusal(id, kind, targetId);
  };

  /**
   * In one transaction, returns the processing commands of one endpoint, or those whose lease
   * ran out, to the queue (see returnToQueue); when there are none, in one read.
   */
  const requeueProcessing = async (
    which: {
      kind?: TargetKind;
      targetIds?: readonly string[];
      holders?: readonly string[];
      leaseBefore?: number;
      limit?: number;
    },
    now: number,
    why: string,
  ): Promise<CommandChange[]> => {
    const processing = (from: Kysely<Database>) => {
      let query = from.selectFrom('commands').select('seq').where('status', '=', 'processing');
      if (which.kind !== undefined) query = query.where('target_kind', '=', which.kind);
      if (which.targetIds !== undefined) query = query.where('target_id', 'in', which.targetIds);
      if (which.holders !== undefined) query = query.where('holder', 'in', which.holders);
      if (which.leaseBefore !== undefined) query = query.where('lease_expires_at', '<', which.leaseBefore);
      if (which.limit !== undefined) query = query.limit(which.limit);
      return query.execute();
    };
    // Usually nothing is processing (every agent that connects asks, and almost none held a
    // command when it left): one read answers that, where a transaction costs BEGIN and COMMIT
    // as two round trips more. A restart storm of 12,000 agents on PostgreSQL ran 37,000
    // statements, 8,000 of them BEGIN and COMMIT around such reads (bench:scale,
    // pg_stat_statements). The read inside the transaction is the one whose rows are moved.
    if ((await processing(db)).length === 0) return [];
    return db.transaction().execute(async (trx) =>
      returnToQueue(
        trx,
        (await processing(trx)).map((r) => Number(r.seq)),
        now,
        why,
      ),
    );
  };

  return {
    async enqueue(commands, idempotencyKey, now) {
      // One insert statement is atomic alone: BEGIN and COMMIT would be two round trips more
      // on a single command's way to its agent.
      if (idempotencyKey === null && insertsInOneStatement(dialect, commands)) {
        return { created: true, commands: await insertQueued(db, dialect, commands, null, now) };
      }
      return db.transaction().execute(async (trx) => {
        if (idempotencyKey !== null) {
          const fresh = await trx
            .insertInto('idempotency_keys')
            .values({ key: idempotencyKey, created_at: now })
            .onConflict((c) => c.column('key').doNothing())
            .executeTakeFirst();
          if (Number(fresh.numInsertedOrUpdatedRows ?? 0) === 0) {
            const existing = await trx
              .selectFrom('commands')
              .selectAll()
              .where('idempotency_key', '=', idempotencyKey)
              .orderBy('seq')
              .execute();
            return { created: false, commands: existing.map(commandFromRow) };
          }
        }
        const queued = await insertQueued(trx, dialect, commands, idempotencyKey, now);
        return { created: true, commands: queued };
      });
    },

    async claimNext(kind, targetId, now, leaseMs, limit, holder = null) {
      return db.transaction().execute(async (trx) => {
        const pastTtl = await trx
          .selectFrom('commands')
          .select('seq')
          .where('target_kind', '=', kind)
          .where('target_id', '=', targetId)
          .where('status', '=', 'pending')
          .where('expires_at', '<=', now)
          .execute();
        const expired = await endPastTimeToLive(
          trx,
          pastTtl.map((r) => Number(r.seq)),
          now,
        );
        let pick = trx
          .selectFrom('commands')
          .select('seq')
          .where('target_kind', '=', kind)
          .where('target_id', '=', targetId)
          .where('status', '=', 'pending')
          .orderBy('priority', 'desc')
          .orderBy('seq')
          .limit(limit);
        if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
        const seqs = (await pick.execute()).map((r) => Number(r.seq));
        if (seqs.length === 0) return { claimed: [], changes: expired.map((r) => change(r, now)) };
        const claimed = await trx
          .updateTable('commands')
          .set((eb) => ({
            status: 'processing',
            attempts: eb('attempts', '+', 1),
            lease_expires_at: now + leaseMs,
            updated_at: now,
            holder,
          }))
          .where('seq', 'in', seqs)
          .returningAll()
          .execute();
        await recordTransitions(trx, claimed, now, null);
        claimed.sort((a, b) => b.priority - a.priority || Number(a.seq) - Number(b.seq));
        return {
          claimed: claimed.map(commandFromRow),
          changes: [...expired, ...claimed].map((r) => change(r, now)),
        };
      });
    },

    claimFirstPerTarget(kind, targets, now, leaseMs) {
      return claimFirstPerTarget(db, dialect, kind, targets, now, leaseMs);
    },

    async finish(id, kind, targetId, outcome, now) {
      const [result] = await finishCommands(db, dialect, [{ id, kind, targetId, outcome }], now);
      return result ?? 'not-found';
    },

    finishMany(requests, now) {
      return finishCommands(db, dialect, requests, now);
    },

    async extendLease(id, until) {
      await db
        .updateTable('commands')
        .set({ lease_expires_at: until })
        .where('id', '=', id)
        .where('status', '=', 'processing')
        .execute();
    },

    release(id, kind, targetId, now, detail) {
      return moveProcessing(id, kind, targetId, now, detail, { status: 'pending' });
    },

    async releaseEndpoints(kind, targetIds, now) {
      if (targetIds.length === 0) return [];
      return requeueProcessing(
        { kind, targetIds },
        now,
        'endpoint disconnected while the command was processing',
      );
    },

    async releaseHolders(kind, holders, now) {
      if (holders.length === 0) return [];
      return requeueProcessing(
        { kind, holders },
        now,
        'endpoint disconnected while the command was processing',
      );
    },

    expireLeases(now, limit) {
      return requeueProcessing({ leaseBefore: now, limit }, now, 'lease expired');
    },

    async expireTtl(now, limit) {
      return db.transaction().execute(async (trx) => {
        const seqs = (
          await trx
            .selectFrom('commands')
            .select('seq')
            .where('status', '=', 'pending')
            .where('expires_at', '<=', now)
            .limit(limit)
            .execute()
        ).map((r) => Number(r.seq));
        return (await endPastTimeToLive(trx, seqs, now)).map((r) => change(r, now));
      });
    },

    cancel(id, now) {
      return cancelCommand(db, id, now);
    },

    async getCommand(id, scope) {
      let query = db.selectFrom('commands').selectAll().where('id', '=', id);
      if (scope) query = query.where(inScope(scope, 'group_id', 'target_id'));
      const row = await query.executeTakeFirst();
      return row ? commandFromRow(row) : null;
    },

    transitionsOf: (id) => transitionsOf(db, id),

    listCommands: (q) => listCommands(db, q),
    listCommandPage: (q) => listCommandPage(db, q),

    async deleteFinishedBefore(cutoff, limit) {
      // One small batch per call and transaction, so retention never holds long locks.
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('commands')
          .select(['seq', 'id'])
          .where('finished_at', '<', cutoff)
          .limit(limit)
          .execute();
        if (rows.length === 0) return 0;
        await trx
          .deleteFrom('command_transitions')
          .where(
            'command_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        await trx
          .deleteFrom('commands')
          .where(
            'seq',
            'in',
            rows.map((r) => Number(r.seq)),
          )
          .execute();
        return rows.length;
      });
    },
  };
}
