import type { Kysely } from 'kysely';
import type { CommandOutcome, CommandRecord, CommandRefusal, TargetKind } from '../command-record';
import { commandFromRow } from './command-rows';
import { MAY_HAVE_RUN, recordTransitions } from './command-transitions.sql';
import type { Dialect } from './dialect';
import type { Database } from './schema';

/**
 * Whether a command in this state may take its endpoint's result: it is processing, or it was
 * delivered and then returned to the queue (a lease that ran out while the agent was stalled,
 * a lost connection), or it ended `unknown`. In each the endpoint may well have run it, and its
 * result is the truth; refusing it would only make the command run again.
 */
function takesResult(status: string, attempts: number): boolean {
  return status === 'processing' || status === 'unknown' || (status === 'pending' && attempts > 0);
}

/** What the transition of a late result says about where the command was. */
function lateDetail(status: string): string | null {
  if (status === 'pending') return 'result reported after the command had been returned to the queue';
  if (status === 'unknown') return 'result reported after the command had ended without one';
  return null;
}

/**
 * Records an endpoint's result in one transaction, or says why not. The row is read and locked
 * first (FOR UPDATE on PostgreSQL; SQLite serializes writers), so the refusal names the state
 * the result met, not a guess.
 */
export async function finishCommand(
  db: Kysely<Database>,
  dialect: Dialect,
  id: string,
  kind: TargetKind,
  targetId: string,
  outcome: CommandOutcome,
  now: number,
): Promise<CommandRecord | CommandRefusal> {
  return db.transaction().execute(async (trx) => {
    let read = trx
      .selectFrom('commands')
      .select(['seq', 'target_kind', 'target_id', 'status', 'attempts'])
      .where('id', '=', id);
    if (dialect === 'postgres') read = read.forUpdate();
    const row = await read.executeTakeFirst();
    if (!row) return 'not-found';
    if (row.target_kind !== kind || row.target_id !== targetId) return 'wrong-endpoint';
    if (row.status === 'complete' || row.status === 'failed') return 'already-finished';
    if (!takesResult(row.status, row.attempts)) return 'not-processing';
    const updated = await trx
      .updateTable('commands')
      .set({
        status: outcome.status,
        finished_at: now,
        updated_at: now,
        lease_expires_at: null,
        holder: null,
        exit_code: outcome.exitCode,
        output: outcome.output,
        error: outcome.error,
      })
      .where('seq', '=', Number(row.seq))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordTransitions(trx, [updated], now, lateDetail(row.status));
    return commandFromRow(updated);
  });
}

/**
 * Cancels a pending command. One that was never delivered is `canceled`; one that was delivered
 * before (and returned to the queue since) is not delivered again but ends `unknown`, because
 * its agent may have run it. Anything else is returned unchanged (null if unknown).
 */
export async function cancelCommand(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<{ canceled: boolean; command: CommandRecord | null }> {
  return db.transaction().execute(async (trx) => {
    const never = await trx
      .updateTable('commands')
      .set({ status: 'canceled', finished_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', 0)
      .returningAll()
      .executeTakeFirst();
    if (never) {
      await recordTransitions(trx, [never], now, 'canceled by an administrator');
      return { canceled: true, command: commandFromRow(never) };
    }
    const delivered = await trx
      .updateTable('commands')
      .set({
        status: 'unknown',
        finished_at: now,
        updated_at: now,
        error: `canceled by an administrator after delivery; ${MAY_HAVE_RUN}`,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '>', 0)
      .returningAll()
      .executeTakeFirst();
    if (delivered) {
      await recordTransitions(
        trx,
        [delivered],
        now,
        'canceled by an administrator after delivery; not delivered again',
      );
      return { canceled: true, command: commandFromRow(delivered) };
    }
    const current = await trx.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
    return { canceled: false, command: current ? commandFromRow(current) : null };
  });
}
