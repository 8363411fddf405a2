import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { CommandRecord, NewCommand } from '../command-record';
import type { Dialect } from './dialect';
import type { Database } from './schema';

/**
 * Rows per insert on SQLite: their varying values go as one JSON parameter, so no parameter
 * limit applies; 5,000 rows a statement cost less CPU than 500 (100,000 commands: 0.8-1.0 s
 * against 0.9-1.1 s here), and the text of a full chunk is kept prepared.
 */
const SQLITE_ROWS = 5000;
/** Rows per unnest insert on PostgreSQL: bounds one statement's parameters in memory. */
const POSTGRES_ROWS = 20_000;

/**
 * Whether insertQueued writes these commands with one statement (no transaction needed). On
 * SQLite a command handed out at once also needs its transition row written by a second one.
 */
export function insertsInOneStatement(dialect: Dialect, commands: readonly NewCommand[]): boolean {
  if (dialect === 'postgres') return commands.length <= POSTGRES_ROWS;
  return commands.length <= SQLITE_ROWS && !commands.some((c) => c.handedTo);
}

/**
 * Writes new pending commands (or processing, for those handed out at once: see
 * NewCommand.handedTo, with their "processing" transition) in the caller's transaction (or
 * alone, when one statement does: see insertsInOneStatement) and returns their records. Only
 * seq comes back from the store: everything else is what was written, and reading 100,000
 * whole rows back cost more than writing them (bench:scale's device enqueue). No "pending"
 * transition row is written: a command's creation time says the same, and transitionsOf
 * derives that first transition from it (see withCreation); a row per command cost 0.3 s of
 * 100,000 on SQLite. Both databases take the values the rows share once, and the others in
 * bulk: SQLite as one JSON array read by json_each (its statements are kept prepared, see
 * StatementCache), PostgreSQL as one array per column through unnest, which it parses far
 * faster than 16 parameters a row: 100,000 commands took 4.4 s as VALUES and 2.7 s so, here.
 */
export async function insertQueued(
  trx: Kysely<Database>,
  dialect: Dialect,
  commands: readonly NewCommand[],
  idempotencyKey: string | null,
  now: number,
): Promise<CommandRecord[]> {
  const paramsText = new JsonOnce();
  const queued: CommandRecord[] = [];
  const chunkRows = dialect === 'postgres' ? POSTGRES_ROWS : SQLITE_ROWS;
  for (let i = 0; i < commands.length; i += chunkRows) {
    const chunk = commands.slice(i, i + chunkRows);
    const rows = chunk.map((c) => insertedRow(c, paramsText.of(c.params), idempotencyKey, now));
    const inserted =
      dialect === 'postgres' ? await insertUnnest(trx, rows, now) : await insertValues(trx, rows, now);
    // RETURNING's order is not promised (SQLite says so): match the rows by id.
    const seqOf = new Map(inserted.map((r) => [r.id, Number(r.seq)]));
    for (const c of chunk) queued.push(queuedRecord(c, seqOf.get(c.id), idempotencyKey, now));
  }
  return queued;
}

type InsertedRow = ReturnType<typeof insertedRow>;

/** The columns of a SQLite insert, in the order of their values. */
const SQLITE_COLUMNS = [
  'id',
  'org_id',
  'target_kind',
  'target_id',
  'group_id',
  'type',
  'params',
  'status',
  'priority',
  'attempts',
  'max_attempts',
  'lease_expires_at',
  'holder',
  'expires_at',
  'idempotency_key',
  'created_at',
  'updated_at',
  'created_by',
] as const satisfies ReadonlyArray<keyof InsertedRow>;

/** The SQL text of a SQLite insert by the columns its rows share (1) and those they do not (0). */
const sqliteInsertText = new Map<string, string>();

/**
 * Whether every row has the first row's value in `column`, so one value can stand for all.
 * The id always varies between rows (and gives PostgreSQL's unnest its rows even when there is
 * only one).
 */
function sharedByAll(rows: readonly InsertedRow[], column: keyof InsertedRow): boolean {
  const first = rows[0] as InsertedRow;
  return column !== 'id' && rows.every((r) => r[column] === first[column]);
}

/**
 * One SQLite INSERT of many rows: the values the rows share bound once each, the others as one
 * JSON array of one array per row, which SQLite reads with json_each in order. Binding 16
 * values a row was most of the statement's time outside the b-trees (a fan-out's commands
 * differ only in id, target and group), and the text depends only on which columns are shared,
 * so its prepared statement is kept (StatementCache).
 */
async function insertValues(
  trx: Kysely<Database>,
  rows: readonly InsertedRow[],
  now: number,
): Promise<Array<{ seq: number | string; id: string }>> {
  const first = rows[0] as InsertedRow;
  const shared = SQLITE_COLUMNS.map((column) => sharedByAll(rows, column));
  const varying = SQLITE_COLUMNS.filter((_, i) => !shared[i]);
  const key = shared.map((s) => (s ? '1' : '0')).join('');
  let text = sqliteInsertText.get(key);
  if (text === undefined) {
    let next = 0;
    const values = SQLITE_COLUMNS.map((_, i) => (shared[i] ? '?' : `value ->> ${next++}`));
    text = `insert into "commands" (${SQLITE_COLUMNS.map((c) => `"${c}"`).join(', ')}) select ${values.join(
      ', ',
    )} from json_each(?) order by key returning "seq", "id"`;
    sqliteInsertText.set(key, text);
  }
  const parameters: unknown[] = SQLITE_COLUMNS.filter((_, i) => shared[i]).map((c) => first[c]);
  parameters.push(JSON.stringify(rows.map((r) => varying.map((c) => r[c]))));
  const result = await trx.executeQuery<{ seq: number | string; id: string }>(
    CompiledQuery.raw(text, parameters),
  );
  const handedOut = rows.filter((r) => r.status === 'processing');
  if (handedOut.length > 0) {
    // In the caller's transaction: insertsInOneStatement says none is needed only without these.
    await trx
      .insertInto('command_transitions')
      .values(handedOut.map((r) => ({ command_id: r.id, status: 'processing', at: now, detail: null })))
      .execute();
  }
  return result.rows;
}

/** The columns of a PostgreSQL insert that come from the rows, with their types. */
const POSTGRES_COLUMNS = [
  ['id', 'text'],
  ['org_id', 'text'],
  ['target_kind', 'text'],
  ['target_id', 'text'],
  ['group_id', 'text'],
  ['type', 'text'],
  ['params', 'text'],
  ['status', 'text'],
  ['priority', 'int'],
  ['attempts', 'int'],
  ['max_attempts', 'int'],
  ['lease_expires_at', 'bigint'],
  ['holder', 'text'],
  ['expires_at', 'bigint'],
  ['idempotency_key', 'text'],
  ['created_at', 'bigint'],
  ['created_by', 'text'],
] as const satisfies ReadonlyArray<readonly [keyof InsertedRow, string]>;

/**
 * One PostgreSQL INSERT of many rows: an array per column that differs between the rows,
 * unnested in order, and one value for each column they share (a fan-out's commands share
 * all but their ids, targets and groups). Every array is serialised element by element by the
 * driver and unnested by the server: nine shared columns sent as arrays were half the insert's
 * time in the driver and most of the statement's.
 */
async function insertUnnest(
  trx: Kysely<Database>,
  rows: readonly InsertedRow[],
  now: number,
): Promise<Array<{ seq: number | string; id: string }>> {
  const first = rows[0] as InsertedRow;
  const shared = (key: keyof InsertedRow) => sharedByAll(rows, key);
  const arrays: RawBuilder<unknown>[] = [];
  const names: string[] = [];
  const value = new Map<string, RawBuilder<unknown>>();
  for (const [key, type] of POSTGRES_COLUMNS) {
    if (shared(key)) {
      value.set(key, sql`${first[key]}::${sql.raw(type)}`);
    } else {
      arrays.push(sql`${rows.map((r) => r[key])}::${sql.raw(type)}[]`);
      names.push(key);
      value.set(key, sql.ref(`u.${key}`));
    }
  }
  const v = (key: keyof InsertedRow) => value.get(key) as RawBuilder<unknown>;
  const insert = sql`
    insert into commands (id, org_id, target_kind, target_id, group_id, type, params, status,
      priority, attempts, max_attempts, lease_expires_at, holder, expires_at, idempotency_key,
      created_at, updated_at, created_by)
    select ${v('id')}, ${v('org_id')}, ${v('target_kind')}, ${v('target_id')}, ${v('group_id')},
      ${v('type')}, ${v('params')}, ${v('status')}, ${v('priority')}, ${v('attempts')}, ${v('max_attempts')},
      ${v('lease_expires_at')}, ${v('holder')}, ${v('expires_at')}, ${v('idempotency_key')},
      ${v('created_at')}, ${v('created_at')}, ${v('created_by')}
    from unnest(${sql.join(arrays)}) with ordinality as u(${sql.raw(names.join(', '))}, n)
    order by u.n`;
  // A command handed out at once gets its "processing" transition in the same statement.
  const result = rows.some((r) => r.status === 'processing')
    ? await sql<{ seq: number | string; id: string }>`
        with inserted as (${insert} returning seq, id, status), transitions as (
          insert into command_transitions (command_id, status, at, detail)
          select id, 'processing', ${now}, null from inserted where status = 'processing'
        )
        select seq, id from inserted`.execute(trx)
    : await sql<{ seq: number | string; id: string }>`${insert} returning seq, id`.execute(trx);
  return result.rows;
}

/** Serialises each parameters object once: a fan-out shares one among all its commands. */
class JsonOnce {
  private readonly texts = new WeakMap<object, string>();

  /** The JSON text of `value`, computed the first time this object is seen. */
  of(value: Record<string, unknown>): string {
    let text = this.texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.texts.set(value, text);
    }
    return text;
  }
}

/** The commands row of a new command. */
function insertedRow(c: NewCommand, params: string, idempotencyKey: string | null, now: number) {
  return {
    id: c.id,
    org_id: c.orgId,
    target_kind: c.targetKind,
    target_id: c.targetId,
    group_id: c.groupId,
    type: c.type,
    params,
    status: c.handedTo ? 'processing' : 'pending',
    priority: c.priority,
    attempts: c.handedTo ? 1 : 0,
    max_attempts: c.maxAttempts,
    lease_expires_at: c.handedTo?.leaseExpiresAt ?? null,
    holder: c.handedTo?.holder ?? null,
    expires_at: c.expiresAt,
    idempotency_key: idempotencyKey,
    created_at: now,
    updated_at: now,
    created_by: c.createdBy ?? null,
  };
}

/** The record of a command just written as insertedRow wrote it, with the seq the store gave it. */
function queuedRecord(
  c: NewCommand,
  seq: number | undefined,
  idempotencyKey: string | null,
  now: number,
): CommandRecord {
  if (seq === undefined) throw new Error(`command ${c.id} was not returned by its insert`);
  return {
    seq,
    id: c.id,
    orgId: c.orgId,
    targetKind: c.targetKind,
    targetId: c.targetId,
    groupId: c.groupId,
    type: c.type,
    params: c.params,
    status: c.handedTo ? 'processing' : 'pending',
    priority: c.priority,
    attempts: c.handedTo ? 1 : 0,
    maxAttempts: c.maxAttempts,
    leaseExpiresAt: c.handedTo?.leaseExpiresAt ?? null,
    expiresAt: c.expiresAt,
    idempotencyKey,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    exitCode: null,
    output: null,
    error: null,
    createdBy: c.createdBy ?? null,
  };
}
