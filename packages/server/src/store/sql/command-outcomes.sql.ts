import { type Kysely, sql, type Transaction } from 'kysely';
import type { CommandOutcome, CommandRecord, CommandRefusal, FinishRequest } from '../command-record';
import { COMMAND_ROW_COLUMNS, commandFromRow } from './command-rows';
import { MAY_HAVE_RUN, type Row, recordTransitions } from './command-transitions.sql';
import type { Dialect } from './dialect';
import type { Database } from './schema';
import { valuesParam } from './values-param.sql';

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

/** Results written per UPDATE: 5 parameters each, far below either database's limit. */
const FINISH_CHUNK = 1000;

/** A result that will be written: the row it finishes and what the transition says. */
interface Finishing {
  seq: number;
  outcome: CommandOutcome;
  detail: string | null;
  /** Its place among the answers. */
  index: number;
}

/**
 * Records endpoints' results, all in one transaction, each one or the reason it was refused, in
 * the order given. The rows are read and locked first, in one statement (FOR UPDATE on
 * PostgreSQL, in `seq` order so two nodes never wait on each other; SQLite serializes writers),
 * so a refusal names the state the result met, not a guess. A second result for one command in
 * the same call meets it finished. One transaction for a turn's results, rather than one each,
 * and one UPDATE for a thousand of them, rather than one each, is what lets a fan-out's 100,000
 * answers be stored at the rate they arrive: with an UPDATE per result, a turn's transaction
 * took a round trip per result while it held its rows and a pooled connection, and at 20,000
 * agents every connection of every node sat in one for up to 7 s (bench:scale's fan-out).
 */
export async function finishCommands(
  db: Kysely<Database>,
  dialect: Dialect,
  requests: readonly FinishRequest[],
  now: number,
): Promise<Array<CommandRecord | CommandRefusal>> {
  if (requests.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    let read = trx
      .selectFrom('commands')
      .select(['id', 'seq', 'target_kind', 'target_id', 'status', 'attempts'])
      .where('id', 'in', [...new Set(requests.map((r) => r.id))])
      .orderBy('seq');
    if (dialect === 'postgres') read = read.forUpdate();
    const rows = new Map((await read.execute()).map((row) => [row.id, row]));
    const finished = new Set<string>();
    const finishing: Finishing[] = [];
    const results: Array<CommandRecord | CommandRefusal> = [];
    for (const { id, kind, targetId, outcome } of requests) {
      const row = rows.get(id);
      if (!row) results.push('not-found');
      else if (row.target_kind !== kind || row.target_id !== targetId) results.push('wrong-endpoint');
      else if (finished.has(id) || row.status === 'complete' || row.status === 'failed')
        results.push('already-finished');
      else if (!takesResult(row.status, row.attempts)) results.push('not-processing');
      else {
        finished.add(id);
        finishing.push({
          seq: Number(row.seq),
          outcome,
          detail: lateDetail(row.status),
          index: results.length,
        });
        results.push('not-found'); // replaced by the record once written
      }
    }
    const transitions = new Map<string | null, Row[]>();
    for (let i = 0; i < finishing.length; i += FINISH_CHUNK) {
      const chunk = finishing.slice(i, i + FINISH_CHUNK);
      const updated = new Map(
        (await writeResults(trx, chunk, now, dialect === 'postgres')).map((r) => [Number(r.seq), r]),
      );
      for (const f of chunk) {
        const row = updated.get(f.seq);
        if (!row) throw new Error(`command row ${f.seq} was locked for its result but not updated`);
        results[f.index] = commandFromRow(row);
        const same = transitions.get(f.detail);
        if (same) same.push(row);
        else transitions.set(f.detail, [row]);
      }
    }
    for (const [detail, updated] of transitions) await recordTransitions(trx, updated, now, detail);
    return results;
  });
}

/** One UPDATE ... FROM VALUES for a chunk of results; the rows as they are now. */
async function writeResults(
  trx: Transaction<Database>,
  chunk: readonly Finishing[],
  now: number,
  typed: boolean,
): Promise<Row[]> {
  const values = chunk.map(
    ({ seq, outcome }) =>
      sql`(${valuesParam(seq, 'bigint', typed)}, ${valuesParam(outcome.status, 'text', typed)}, ${valuesParam(outcome.exitCode, 'int', typed)}, ${valuesParam(outcome.output, 'text', typed)}, ${valuesParam(outcome.error, 'text', typed)})`,
  );
  // v's columns are named apart from the table's, so RETURNING's plain names are the table's.
  const result = await sql<Row>`
    with v(r_seq, r_status, r_exit_code, r_output, r_error) as (values ${sql.join(values)})
    update commands set
      status = v.r_status,
      finished_at = ${now},
      updated_at = ${now},
      lease_expires_at = null,
      holder = null,
      exit_code = v.r_exit_code,
      output = v.r_output,
      error = v.r_error
    from v
    where commands.seq = v.r_seq
    returning ${COMMAND_ROW_COLUMNS}`.execute(trx);
  return result.rows;
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
