import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import type { Backend } from './args';

/** Where the seeded database is: the server's SQLite file or its PostgreSQL URL. */
export type SeedLocation = { sqliteFile: string } | { postgresUrl: string };

/** What was written directly into the store, and how long it took. */
export interface SeedResult {
  devices: number;
  devicesSeconds: number;
  finishedCommands: number;
  finishedSeconds: number;
}

/** What to write: devices of one group and finished commands spread over them. */
export interface SeedPlan {
  /** An existing group (made by the API's enrollment-token call). */
  group: string;
  /** Device ids to create, all in `group`. */
  deviceIds: readonly string[];
  /** A valid Ed25519 public key (SPKI DER, base64) every seeded device carries. */
  publicKey: string;
  /** Finished commands to write, spread round-robin over `finishedTargets`. */
  finishedCommands: number;
  finishedTargets: readonly string[];
  /** Called now and then with progress text. */
  progress(message: string): void;
}

const DEVICE_BATCH = 500;
const COMMAND_BATCH = 1000;
const BATCHES_PER_TRANSACTION = 20;

/**
 * Writes devices and finished commands straight into the store's tables through Kysely
 * (the server's own connection code), in batched multi-row inserts: enrolling 100,000
 * devices through the device API one by one is far too slow for a benchmark set-up. The
 * server must be stopped meanwhile (SQLite allows one writer).
 */
export async function seedStore(location: SeedLocation, plan: SeedPlan): Promise<SeedResult> {
  const { db, close } = openDatabase(location);
  const now = Date.now();
  const org = plan.group.slice(plan.group.lastIndexOf('.') + 1);
  try {
    let started = performance.now();
    for (let t = 0; t < plan.deviceIds.length; t += DEVICE_BATCH * BATCHES_PER_TRANSACTION) {
      await db.transaction().execute(async (trx) => {
        const end = Math.min(plan.deviceIds.length, t + DEVICE_BATCH * BATCHES_PER_TRANSACTION);
        for (let i = t; i < end; i += DEVICE_BATCH) {
          const rows = plan.deviceIds.slice(i, Math.min(end, i + DEVICE_BATCH)).map((id) => ({
            id,
            guid: randomUUID(),
            name: id.slice(0, id.indexOf('.')),
            group_id: plan.group,
            org_id: org,
            platform: 'android',
            public_key: plan.publicKey,
            model: 'bench-phone',
            os_version: '14',
            battery_percent: 80,
            push_channel: null,
            checkin_interval_minutes: null,
            tracking: null,
            enrolled_at: now,
            last_checkin_at: null,
          }));
          await trx.insertInto('devices').values(rows).execute();
        }
      });
    }
    const devicesSeconds = (performance.now() - started) / 1000;
    plan.progress(`seeded ${plan.deviceIds.length} devices in ${devicesSeconds.toFixed(1)} s`);

    started = performance.now();
    const targets = plan.finishedTargets;
    let lastReport = performance.now();
    for (let t = 0; t < plan.finishedCommands; t += COMMAND_BATCH * BATCHES_PER_TRANSACTION) {
      await db.transaction().execute(async (trx) => {
        const end = Math.min(plan.finishedCommands, t + COMMAND_BATCH * BATCHES_PER_TRANSACTION);
        for (let i = t; i < end; i += COMMAND_BATCH) {
          const rows = [];
          for (let k = i; k < Math.min(end, i + COMMAND_BATCH); k++) {
            // Finished over the last hour, well inside the retention time, so no sweep deletes them.
            const at = now - 3_600_000 + Math.floor((k / plan.finishedCommands) * 3_500_000);
            rows.push({
              id: randomBytes(16).toString('hex'),
              org_id: org,
              target_kind: 'device',
              target_id: targets[k % targets.length] as string,
              group_id: plan.group,
              type: 'sync',
              params: '{}',
              status: 'complete',
              priority: 0,
              attempts: 1,
              max_attempts: 3,
              lease_expires_at: null,
              expires_at: null,
              idempotency_key: null,
              created_at: at - 2000,
              updated_at: at,
              finished_at: at,
              exit_code: null,
              output: null,
              error: null,
            });
          }
          await trx.insertInto('commands').values(rows).execute();
        }
      });
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        plan.progress(`seeded ${t + COMMAND_BATCH * BATCHES_PER_TRANSACTION} finished commands`);
      }
    }
    // PostgreSQL's autovacuum would analyze a table grown this much within a minute or so; done
    // here at once so the planner sees the steady state. SQLite is left as the server leaves it.
    if ('postgresUrl' in location) await sql`ANALYZE`.execute(db);
    const finishedSeconds = (performance.now() - started) / 1000;
    plan.progress(`seeded ${plan.finishedCommands} finished commands in ${finishedSeconds.toFixed(1)} s`);
    return {
      devices: plan.deviceIds.length,
      devicesSeconds,
      finishedCommands: plan.finishedCommands,
      finishedSeconds,
    };
  } finally {
    await close();
  }
}

/** The seed location of a backend's server. */
export function seedLocation(backend: Backend, sqliteFile: string, postgresUrl: string): SeedLocation {
  return backend === 'sqlite' ? { sqliteFile } : { postgresUrl };
}
