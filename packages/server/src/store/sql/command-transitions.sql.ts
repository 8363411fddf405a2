import type { Selectable, Transaction } from 'kysely';
import type { CommandChange, CommandStatus, TargetKind } from '../command-record';
import type { CommandsTable, Database } from './schema';

/** A commands row as read back. */
export type Row = Selectable<CommandsTable>;

/** The status change a row records, for events and webhooks. */
export const change = (r: Row, at: number): CommandChange => ({
  id: r.id,
  targetKind: r.target_kind as TargetKind,
  targetId: r.target_id,
  orgId: r.org_id,
  type: r.type,
  status: r.status as CommandStatus,
  at,
});

/** Writes one transition row per changed command, in the caller's transaction. */
export async function recordTransitions(
  trx: Transaction<Database>,
  rows: readonly Row[],
  at: number,
  detail: string | null,
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('command_transitions')
    .values(rows.map((r) => ({ command_id: r.id, status: r.status, at, detail })))
    .execute();
}

/** Returns processing rows (chosen by `seqs`) to pending, or fails those out of attempts. */
export async function returnToQueue(
  trx: Transaction<Database>,
  seqs: number[],
  now: number,
  why: string,
): Promise<CommandChange[]> {
  if (seqs.length === 0) return [];
  const failed = await trx
    .updateTable('commands')
    .set({
      status: 'failed',
      finished_at: now,
      updated_at: now,
      lease_expires_at: null,
      error: `${why}; no attempts left`,
    })
    .where('seq', 'in', seqs)
    .where('status', '=', 'processing')
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .returningAll()
    .execute();
  const requeued = await trx
    .updateTable('commands')
    .set({ status: 'pending', updated_at: now, lease_expires_at: null })
    .where('seq', 'in', seqs)
    .where('status', '=', 'processing')
    .returningAll()
    .execute();
  await recordTransitions(trx, failed, now, why);
  await recordTransitions(trx, requeued, now, why);
  return [...failed, ...requeued].map((r) => change(r, now));
}
