import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../test-support/postgres';
import { claimStatement } from './command-claim-first.sql';
import { sqlCommandQueue } from './command-queue.sql';
import { sqlGroupRegistry } from './groups.sql';
import { migrateToLatest } from './migrate';
import { type OpenDatabase, openDatabase } from './open-database';
import { auditCommand, TEST_COMMAND_GROUP } from './test-commands';

const T0 = 1_900_000_000_000;
/** Commands pending for other machines: what a claim must not read. */
const OTHERS = 5_000;
/** Agents one claim covers: a fan-out claims for hundreds at once. */
const CLAIMED = 500;

/** One node of EXPLAIN's JSON plan (the fields read here). */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows every scan of `commands` in the plan read, kept or filtered out, over all its loops. */
function commandRowsRead(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'commands' && node['Node Type'].includes('Scan')
      ? (node['Actual Rows'] +
          (node['Rows Removed by Filter'] ?? 0) +
          (node['Rows Removed by Index Recheck'] ?? 0)) *
        node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + commandRowsRead(child), 0);
}

describe("PostgreSQL's fan-out claim", () => {
  let database: TestPostgresDatabase;
  let opened: OpenDatabase;
  before(async () => {
    database = await createTestPostgresDatabase();
    opened = openDatabase({ postgresUrl: database.url });
    await migrateToLatest(opened.db, opened.dialect);
    await sqlGroupRegistry(opened.db).ensureGroup(TEST_COMMAND_GROUP, T0);
  });
  after(async () => {
    await opened.close();
    await database.drop();
  });

  it("reads only its agents' rows, however many other commands wait", async () => {
    const queue = sqlCommandQueue(opened.db, opened.dialect);
    const others = Array.from({ length: OTHERS }, (_, i) =>
      auditCommand(`c-other-${i}`, `other${i}.lab.acme`),
    );
    await queue.enqueue(others, null, T0);
    const targets = Array.from({ length: CLAIMED }, (_, i) => `m${i}.lab.acme`);
    await queue.enqueue(
      targets.map((t) => auditCommand(`c-${t}`, t)),
      null,
      T0 + 1,
    );
    // With statistics that know the table, as a server long in use has them.
    await sql`analyze commands`.execute(opened.db);
    const holders = new Map(targets.map((t) => [t, `session-${t}`]));
    const rows = await opened.db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      try {
        const explained = await sql<{
          'QUERY PLAN': Array<{ Plan: PlanNode }>;
        }>`explain (analyze, format json) ${claimStatement('machine', holders, T0 + 2, 60_000)}`.execute(
          connection,
        );
        const plan = explained.rows[0]?.['QUERY PLAN'][0]?.Plan;
        assert.ok(plan, 'EXPLAIN gave a plan');
        return commandRowsRead(plan);
      } finally {
        await sql`rollback`.execute(connection);
      }
    });
    // Each agent's pending row, read once to pick it and once more to update it; the statement
    // written with `target_id = any(array)` read 6,000: all 5,500 in a scan, then the 500 updated.
    assert.ok(rows >= CLAIMED, `the claim read its agents' rows (${rows})`);
    assert.ok(
      rows <= 2 * CLAIMED + 10,
      `the claim read ${rows} rows of commands; ${OTHERS} others were pending`,
    );
  });

  it('still claims the first command of each agent and says which have more', async () => {
    const queue = sqlCommandQueue(opened.db, opened.dialect);
    await queue.enqueue([auditCommand('c-m1-second', 'm1.lab.acme')], null, T0 + 3);
    const answer = await queue.claimFirstPerTarget(
      'machine',
      [
        { targetId: 'm1.lab.acme', holder: 'session-1' },
        { targetId: 'm2.lab.acme', holder: 'session-2' },
        { targetId: 'nobody.lab.acme', holder: 'session-0' },
      ],
      T0 + 4,
      60_000,
    );
    assert.deepEqual(answer.claimed.map((c) => [c.id, c.status]).sort(), [
      ['c-m1.lab.acme', 'processing'],
      ['c-m2.lab.acme', 'processing'],
    ]);
    assert.deepEqual([...answer.morePending], ['m1.lab.acme']);
  });
});
