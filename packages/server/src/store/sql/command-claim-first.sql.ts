import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { TargetKind } from '../command-record';
import type { FirstClaims } from '../interfaces';
import { COMMAND_ROW_COLUMNS, commandFromRow } from './command-rows';
import { type Row, recordTransitions } from './command-transitions.sql';
import type { Dialect } from './dialect';
import type { Database } from './schema';

/**
 * Claims, for each endpoint, its next pending command (priority, then FIFO), each to its
 * session, and says which endpoints have more waiting. On PostgreSQL this is one statement: the
 * pick (FOR UPDATE SKIP LOCKED, so two nodes never hand out one command), the update and the
 * transition rows as one data-modifying WITH, atomic without BEGIN and COMMIT. As five
 * statements it was the largest part of a command's way to its agent: 2.7 ms of 7.4 under
 * bench:scale, five round trips each paying the driver, the query builder and the planner
 * (bench/results/scale-20000-fanout.md). SQLite, in-process, takes the same steps one by one in
 * a transaction (its writers are serialized anyway).
 */
export async function claimFirstPerTarget(
  db: Kysely<Database>,
  dialect: Dialect,
  kind: TargetKind,
  targets: ReadonlyArray<{ targetId: string; holder: string | null }>,
  now: number,
  leaseMs: number,
): Promise<FirstClaims> {
  if (targets.length === 0) return { claimed: [], morePending: [] };
  // One holder per endpoint (the last named, as a map keeps it).
  const holderOf = new Map(targets.map((t) => [t.targetId, t.holder]));
  if (dialect === 'postgres') return claimInOneStatement(db, kind, holderOf, now, leaseMs);
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('commands')
      .select(['seq', 'target_id', 'priority'])
      .where('target_kind', '=', kind)
      .where('target_id', 'in', [...holderOf.keys()])
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute();
    const best = new Map<string, { seq: number; priority: number }>();
    // Every pending row of the targets is read to pick the best: the targets with a second
    // one come for free.
    const morePending = new Set<string>();
    for (const r of rows) {
      const seq = Number(r.seq);
      const current = best.get(r.target_id);
      if (current) morePending.add(r.target_id);
      if (!current || r.priority > current.priority || (r.priority === current.priority && seq < current.seq))
        best.set(r.target_id, { seq, priority: r.priority });
    }
    if (best.size === 0) return { claimed: [], morePending: [] };
    const claimed = await claimChosenRows(
      trx,
      [...best].map(([targetId, b]) => ({ seq: b.seq, holder: holderOf.get(targetId) ?? null })),
      now,
      leaseMs,
    );
    await recordTransitions(trx, claimed, now, null);
    return { claimed: claimed.map(commandFromRow), morePending: [...morePending] };
  });
}

/** PostgreSQL's claim: one statement, one round trip. */
async function claimInOneStatement(
  db: Kysely<Database>,
  kind: TargetKind,
  holderOf: ReadonlyMap<string, string | null>,
  now: number,
  leaseMs: number,
): Promise<FirstClaims> {
  const result = await claimStatement(kind, holderOf, now, leaseMs).execute(db);
  return {
    claimed: result.rows.map(commandFromRow),
    morePending: result.rows.filter((r) => Number(r.waiting) > 1).map((r) => r.target_id),
  };
}

/**
 * The statement of PostgreSQL's claim (exported for the test of its plan). The pending rows are
 * looked up endpoint by endpoint (a LATERAL join on the dispatch index), so a claim reads only
 * its endpoints' rows. Written as `target_id = any(array)`, the planner chose a scan of every
 * machine command (the whole table, or the index range of the kind) and filtered it by the
 * array, fresh statistics or stale: with 100,000 commands pending, each claim of a thousand
 * agents read all 100,000 rows (34 ms here), a hundred claims per fan-out, and a table that
 * keeps weeks of finished commands would be read whole by every claim.
 */
export function claimStatement(
  kind: TargetKind,
  holderOf: ReadonlyMap<string, string | null>,
  now: number,
  leaseMs: number,
): RawBuilder<Row & { waiting: number | string }> {
  const ids = [...holderOf.keys()];
  const holders = ids.map((id) => holderOf.get(id) ?? null);
  return sql<Row & { waiting: number | string }>`
    with locked as (
      select pending.seq, pending.target_id, pending.priority
      from unnest(cast(${ids} as text[])) as wanted(target_id)
      cross join lateral (
        select seq, target_id, priority from commands
        where target_kind = ${kind} and target_id = wanted.target_id and status = 'pending'
          and (expires_at is null or expires_at > ${now})
        for update skip locked
      ) as pending
    ), ranked as (
      select seq, target_id,
        row_number() over (partition by target_id order by priority desc, seq) as place,
        count(*) over (partition by target_id) as waiting
      from locked
    ), chosen as (
      select ranked.seq as c_seq, ranked.waiting as c_waiting, h.holder as c_holder
      from ranked
      join unnest(cast(${ids} as text[]), cast(${holders} as text[])) as h(target_id, holder)
        on h.target_id = ranked.target_id
      where ranked.place = 1
    ), claimed as (
      update commands set ${handedOut(now, leaseMs, sql.ref('chosen.c_holder'))}
      from chosen
      where commands.seq = chosen.c_seq
      returning ${COMMAND_ROW_COLUMNS}, chosen.c_waiting as waiting
    ), transitions as (
      insert into command_transitions (command_id, status, at, detail)
      select id, 'processing', ${now}, null from claimed
    )
    select * from claimed`;
}

/**
 * Hands out the chosen rows, each to its session, in one UPDATE ... FROM VALUES (the holders
 * differ per row): setting the holders in a second UPDATE wrote every claimed row twice.
 */
async function claimChosenRows(
  trx: Transaction<Database>,
  chosen: ReadonlyArray<{ seq: number; holder: string | null }>,
  now: number,
  leaseMs: number,
): Promise<Row[]> {
  const values = chosen.map(({ seq, holder }) => sql`(${seq}, ${holder})`);
  const result = await sql<Row>`
    with v(r_seq, r_holder) as (values ${sql.join(values)})
    update commands set ${handedOut(now, leaseMs, sql.ref('v.r_holder'))}
    from v
    where commands.seq = v.r_seq
    returning ${COMMAND_ROW_COLUMNS}`.execute(trx);
  return result.rows;
}

/** What a claim sets on each row it hands out; `holder` names the joined column of its session. */
function handedOut(now: number, leaseMs: number, holder: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`status = 'processing', attempts = attempts + 1, lease_expires_at = ${now + leaseMs},
    updated_at = ${now}, holder = ${holder}`;
}
