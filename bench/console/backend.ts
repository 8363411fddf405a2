import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, MUSTER_COMPILED_BIN, TestServer, tempDir } from '../../e2e/support/harness';
import type { DatabaseLocation } from '../../packages/server/src/store/sql/open-database';
import { createBenchDatabase } from '../support/postgres-db';
import { say } from '../support/progress';
import type { Backend } from './args';
import type { FleetSummary } from './fleet';
import { seedFleet } from './seed';

/** A seeded `muster server` process on one store. */
export interface SeededServer {
  backend: Backend;
  server: TestServer;
  httpUrl: string;
  adminToken: string;
  location: DatabaseLocation;
  fleet: FleetSummary;
  /** Seconds from the second start to its API answering (the store already holds the fleet). */
  restartSeconds: number;
  close(): Promise<void>;
}

/**
 * Starts a real `muster server` process (packages/cli/bin/muster.mjs, as `npm start` does) so
 * it makes and migrates its store, stops it, seeds the fleet into that store, and starts it
 * again on the seeded store. On PostgreSQL the store is a fresh database made for the run and
 * dropped at close. The server logs at its default level (info), one line per request with its
 * own time, which the measurements read to split server time from the rest.
 */
export async function startSeededServer(
  backend: Backend,
  machines: number,
  postgresAdminUrl: string,
  keep: boolean,
  consoleDir: string,
): Promise<SeededServer> {
  const dir = tempDir(`console-bench-${backend}`);
  const dataDir = join(dir.path, 'data');
  const database = backend === 'postgres' ? await createBenchDatabase(postgresAdminUrl) : null;
  const location: DatabaseLocation = database
    ? { postgresUrl: database.url }
    : { sqliteFile: join(dataDir, 'muster.db') };
  const cleanup = async () => {
    if (keep) {
      say(`kept ${dir.path}${database ? ` and database ${database.name}` : ''}`);
      return;
    }
    await database?.drop();
    dir.cleanup();
  };
  let server: TestServer | null = null;
  try {
    const options = {
      dataDir,
      // The compiled build, as `npm start` and an installation run it (npm install builds it).
      bin: MUSTER_COMPILED_BIN,
      agentPorts: [await freePort()],
      extraArgs: ['--console-dir', consoleDir],
      ...(database ? { databaseUrl: database.url } : {}),
    };
    say(`${backend}: first start of the server, to make and migrate its store`);
    const first = await TestServer.start(options);
    await first.stop();
    say(`${backend}: seeding ${machines.toLocaleString('en-US')} machines`);
    const fleet = await seedFleet(location, machines);
    say(`${backend}: seeded in ${fleet.seconds.toFixed(1)} s; starting the server again`);
    const restarted = performance.now();
    server = await first.restart();
    const restartSeconds = (performance.now() - restarted) / 1000;
    const running = server;
    return {
      backend,
      server: running,
      httpUrl: `http://127.0.0.1:${running.options.httpPort}`,
      adminToken: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
      location,
      fleet,
      restartSeconds,
      async close() {
        try {
          await running.stop();
        } finally {
          await cleanup();
        }
      },
    };
  } catch (error) {
    await server?.stop();
    await cleanup();
    throw error;
  }
}
