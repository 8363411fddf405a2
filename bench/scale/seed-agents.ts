import { randomUUID } from 'node:crypto';
import type { CheckinControl, ServerAddress } from '@muster/protocol';
import { sql } from 'kysely';
import { sqlGroupRegistry } from '../../packages/server/src/store/sql/groups.sql';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import { seededAgentKey } from '../support/sim/agent-keys';

/** The machine group of every simulated agent. */
export const SCALE_GROUP = 'scale.bench';

/** The machine id of simulated agent `index`. */
export function scaleMachineId(index: number): string {
  return `s${index}.${SCALE_GROUP}`;
}

import { nodesOf } from '../support/sim/placement';

const ROWS_PER_STATEMENT = 1000;
const ROWS_PER_TRANSACTION = 20_000;

/**
 * Writes the machine account of every simulated agent straight into the store, as if each had
 * enrolled and confirmed its settings: the key the simulator derives for it (seededAgentKey),
 * its primary and secondary node, and the check-in period. Enrolling 100,000 agents through an
 * install token takes about 20 minutes here (77 a second, bench:checkin), and the enrollment is
 * not what this benchmark measures. Returns the seconds it took.
 */
export async function seedAgents(
  databaseUrl: string,
  seed: string,
  agents: number,
  servers: ServerAddress[],
  periodSeconds: number,
  progress: (message: string) => void,
): Promise<number> {
  const started = performance.now();
  const { db, close } = openDatabase({ postgresUrl: databaseUrl });
  const now = Date.now();
  try {
    await sqlGroupRegistry(db).ensureGroup(SCALE_GROUP, now);
    for (let t = 0; t < agents; t += ROWS_PER_TRANSACTION) {
      await db.transaction().execute(async (trx) => {
        for (let i = t; i < Math.min(agents, t + ROWS_PER_TRANSACTION); i += ROWS_PER_STATEMENT) {
          const rows = [];
          for (let k = i; k < Math.min(agents, t + ROWS_PER_TRANSACTION, i + ROWS_PER_STATEMENT); k++) {
            const key = seededAgentKey(seed, k);
            const placed = nodesOf(k, servers.length);
            const control: CheckinControl = {
              primary: servers[placed.primary] as ServerAddress,
              secondary: servers[placed.secondary] as ServerAddress,
              periodSeconds,
              bindToServer: false,
              bandwidthKBps: 0,
            };
            rows.push({
              id: scaleMachineId(k),
              guid: randomUUID(),
              name: `s${k}`,
              group_id: SCALE_GROUP,
              org_id: 'bench',
              public_key: key.publicKeyDer.toString('base64'),
              key_fingerprint: key.fingerprint,
              hardware_id: `bench-scale-hw-${k}`,
              host_name: `scale-${k}`,
              temporary: 0,
              suspended: 0,
              remote_control_enabled: 1,
              checkin_control: JSON.stringify(control),
              applied_checkin_control: JSON.stringify(control),
              settings_revision: 1,
              applied_revision: 1,
              created_at: now,
              connected: 0,
              user_idle_seconds: 0,
              local_addresses: '[]',
            });
          }
          await trx.insertInto('machines').values(rows).execute();
        }
      });
      progress(`seeded ${Math.min(agents, t + ROWS_PER_TRANSACTION)}/${agents} agent accounts`);
    }
    await sql`vacuum analyze machines`.execute(db);
  } finally {
    await close();
  }
  return (performance.now() - started) / 1000;
}
