/**
 * Alert evaluation at scale: one evaluation tick (AlertEvaluator.evaluate) over 100,000
 * machines on SQLite and PostgreSQL, when all are online (the usual case), while alerts fire,
 * and when many are offline and already alerted (steady state after an outage): incremental
 * reads, and the full read that runs every fullScanEveryMs.
 *
 *   node --import tsx bench/alerts/alerts.bench.ts [machines] [offline]
 *
 * Prints a table and writes bench/results/alerts.json. PostgreSQL at MUSTER_TEST_POSTGRES_URL
 * or 127.0.0.1:5432 (user postgres).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { AlertAdminService } from '../../packages/server/src/alerts/alert-admin.service';
import { AlertEvaluator } from '../../packages/server/src/alerts/alert-evaluator';
import type { StoreBackend } from '../../packages/server/src/store/interfaces';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import { openSqlStore } from '../../packages/server/src/store/sql/sql-store';
import { createTestPostgresDatabase } from '../../packages/server/src/test-support/postgres';
import { createTestSqliteFile } from '../../packages/server/src/test-support/sqlite';

const MACHINES = Number(process.argv[2] ?? 100_000);
const OFFLINE = Number(process.argv[3] ?? 20_000);
const GROUPS = 100;
const T0 = 1_900_000_000_000;
const CONTROL = JSON.stringify({
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
});

interface Row {
  backend: string;
  phase: string;
  ticks: number;
  medianMs: number;
  maxMs: number;
  fired: number;
}

async function seed(location: Parameters<typeof openDatabase>[0], store: StoreBackend): Promise<void> {
  for (let g = 0; g < GROUPS; g += 1) await store.groups.ensureGroup(`g${g}.acme`, T0);
  const { db, close } = openDatabase(location);
  try {
    for (let i = 0; i < MACHINES; i += 1000) {
      const rows = [];
      for (let j = i; j < Math.min(MACHINES, i + 1000); j += 1) {
        const group = `g${j % GROUPS}.acme`;
        rows.push({
          id: `m${j}.${group}`,
          guid: `guid-${j}`,
          name: `m${j}`,
          group_id: group,
          org_id: 'acme',
          temporary: 0,
          suspended: 0,
          remote_control_enabled: 1,
          checkin_control: CONTROL,
          settings_revision: 1,
          applied_revision: 1,
          created_at: T0,
          first_checkin_at: T0,
          last_seen_at: T0 + 1000,
          // The first OFFLINE machines are offline since T0 + 1000; the others connected.
          connected: j < OFFLINE ? 0 : 1,
          user_idle_seconds: 0,
          local_addresses: '[]',
        });
      }
      await db.insertInto('machines').values(rows).execute();
    }
    await sql`analyze`.execute(db);
  } finally {
    await close();
  }
}

async function timeTicks(evaluator: AlertEvaluator, clock: { at: number }, ticks: number) {
  const times: number[] = [];
  let fired = 0;
  for (let t = 0; t < ticks; t += 1) {
    clock.at += 1000;
    const start = performance.now();
    const result = await evaluator.evaluate();
    times.push(performance.now() - start);
    fired += result.fired.length;
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)] ?? 0, maxMs: times.at(-1) ?? 0, fired };
}

async function run(
  backend: string,
  open: () => Promise<{
    store: StoreBackend;
    location: Parameters<typeof openDatabase>[0];
    done(): Promise<void>;
  }>,
): Promise<Row[]> {
  const { store, location, done } = await open();
  const rows: Row[] = [];
  try {
    await seed(location, store);
    const clock = { at: T0 + 3600_000 };
    const admin = new AlertAdminService(
      store.alerts,
      async () => true,
      store.machines,
      () => clock.at,
    );
    const evaluator = new AlertEvaluator(
      store.alerts,
      store.machines,
      { intervalMs: 30_000 },
      () => clock.at,
      (e) => {
        throw e;
      },
    );
    const record = (phase: string, r: Awaited<ReturnType<typeof timeTicks>>, ticks: number) =>
      rows.push({ backend, phase, ticks, ...r });
    record('no rules', await timeTicks(evaluator, clock, 5), 5);
    // Rules of the organization, and one per group for ten groups: 12 rules over all machines.
    await admin.createRule({
      name: 'offline',
      group: 'acme',
      condition: 'offline',
      minutes: 10,
      emails: ['ops@example.com'],
    });
    await admin.createRule({ name: 'silent', group: 'acme', condition: 'never-checked-in', minutes: 60 });
    for (let g = 0; g < 10; g += 1) {
      await admin.createRule({
        name: `g${g}`,
        group: `g${g}.acme`,
        condition: 'offline',
        minutes: 30,
        webhook: true,
      });
    }
    const firing = Math.ceil((OFFLINE * 1.1) / 1000) + 1;
    record('firing (1,000 per tick)', await timeTicks(evaluator, clock, firing), firing);
    record(`steady: ${OFFLINE} offline, alerted`, await timeTicks(evaluator, clock, 10), 10);
    // The same with every evaluation a full read (as one is every fullScanEveryMs, 10 minutes).
    const fullReads = new AlertEvaluator(
      store.alerts,
      store.machines,
      { intervalMs: 30_000, fullScanEveryMs: 0 },
      () => clock.at,
      (e) => {
        throw e;
      },
    );
    record(`steady, full read: ${OFFLINE} offline`, await timeTicks(fullReads, clock, 10), 10);
  } finally {
    await done();
  }
  return rows;
}

const results: Row[] = [];
results.push(
  ...(await run('sqlite', async () => {
    const file = createTestSqliteFile();
    const store = await openSqlStore({ sqliteFile: file.file });
    return {
      store,
      location: { sqliteFile: file.file },
      done: async () => {
        await store.close();
        file.cleanup();
      },
    };
  })),
);
results.push(
  ...(await run('postgres', async () => {
    const database = await createTestPostgresDatabase();
    const store = await openSqlStore({ postgresUrl: database.url });
    return {
      store,
      location: { postgresUrl: database.url },
      done: async () => {
        await store.close();
        await database.drop();
      },
    };
  })),
);
console.log(
  `alert evaluation, ${MACHINES} machines, ${OFFLINE} offline, ${cpus().length} cores (${cpus()[0]?.model})`,
);
console.table(results);
writeFileSync(
  new URL('../results/alerts.json', import.meta.url),
  `${JSON.stringify({ machines: MACHINES, offline: OFFLINE, cores: cpus().length, cpu: cpus()[0]?.model, at: new Date().toISOString(), results }, null, 2)}\n`,
);
