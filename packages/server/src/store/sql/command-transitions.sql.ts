import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CommandChange, CommandStatus, CommandTransition, TargetKind } from '../command-record';
import type { CommandsTable, Database } from './schema';

/** A command_transitions row as read back. */
type CommandTransitionRow = Selectable<Database['command_transitions']>;

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

/**
 * A command's transitions: first "pending" at its creation, then the stored ones in order.
 * Enqueueing stores no transition row (the creation time says the same, and writing one per
 * command was a fifth of a 100,000-command enqueue); commands queued before that have their
 * "pending" stored, and it is shown once. Only enqueueing records a "pending" without a detail
 * (a command returned to the queue always says why), so that row is the creation's.
 */
export function withCreation(
  createdAt: number,
  stored: ReadonlyArray<Pick<CommandTransitionRow, 'status' | 'at' | 'detail'>>,
): CommandTransition[] {
  const creation = stored.findIndex((r) => r.status === 'pending' && r.detail === null && r.at === createdAt);
  return [
    { status: 'pending', at: createdAt, detail: null },
    ...stored
      .filter((_, i) => i !== creation)
      .map((r): CommandTransition => ({ status: r.status as CommandStatus, at: r.at, detail: r.detail })),
  ];
}

/** Reads a command's transitions (see withCreation); none for an unknown command. */
export async function transitionsOf(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
): Promise<CommandTransition[]> {
  const command = await db
    .selectFrom('commands')
    .select('created_at')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!command) return [];
  const stored = await db
    .selectFrom('command_transitions')
    .select(['status', 'at', 'detail'])
    .where('command_id', '=', id)
    .orderBy('at')
    .execute();
  return withCreation(command.created_at, stored);
}

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

/** Why a delivered command ended without a result, as its error says. */
export const MAY_HAVE_RUN =
  'it was delivered, so it may have run; a result its agent reports later replaces this status';

/**
 * Returns processing rows (chosen by `seqs`) to pending. A row out of attempts ends `unknown`
 * instead: it was delivered and never answered, so nobody can say it did not run.
 */
export async function returnToQueue(
  trx: Transaction<Database>,
  seqs: number[],
  now: number,
  why: string,
): Promise<CommandChange[]> {
  if (seqs.length === 0) return [];
  const ended = await trx
    .updateTable('commands')
    .set({
      status: 'unknown',
      finished_at: now,
      updated_at: now,
      lease_expires_at: null,
      holder: null,
      error: `${why}; no attempts left; ${MAY_HAVE_RUN}`,
    })
    .where('seq', 'in', seqs)
    .where('status', '=', 'processing')
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .returningAll()
    .execute();
  const requeued = await trx
    .updateTable('commands')
    .set({ status: 'pending', updated_at: now, lease_expires_at: null, holder: null })
    .where('seq', 'in', seqs)
    .where('status', '=', 'processing')
    .returningAll()
    .execute();
  await recordTransitions(trx, ended, now, `${why}; no attempts left`);
  await recordTransitions(trx, requeued, now, why);
  return [...ended, ...requeued].map((r) => change(r, now));
}

/**
 * Ends pending rows (chosen by `seqs`) whose time to live passed. One never delivered expires;
 * one delivered before (and returned to the queue since) ends `unknown`, never "expired before
 * delivery", because its agent may have run it.
 */
export async function endPastTimeToLive(
  trx: Transaction<Database>,
  seqs: number[],
  now: number,
): Promise<Row[]> {
  if (seqs.length === 0) return [];
  const expired = await trx
    .updateTable('commands')
    .set({ status: 'expired', finished_at: now, updated_at: now })
    .where('seq', 'in', seqs)
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .returningAll()
    .execute();
  const unknown = await trx
    .updateTable('commands')
    .set({
      status: 'unknown',
      finished_at: now,
      updated_at: now,
      error: `time to live passed after delivery without a result; ${MAY_HAVE_RUN}`,
    })
    .where('seq', 'in', seqs)
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .returningAll()
    .execute();
  await recordTransitions(trx, expired, now, 'time to live passed before delivery');
  await recordTransitions(trx, unknown, now, 'time to live passed after delivery, without a result');
  return [...expired, ...unknown];
}
