import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckinControl } from '@muster/protocol';
import { loadServerConfig, type ServerConfig, sqliteFileOf } from '../config';
import { type RunningServer, startServer } from '../main';
import { sqlGroupRegistry } from '../store/sql/groups.sql';
import { openDatabase } from '../store/sql/open-database';

/** An answer of the admin API: status and parsed JSON body. */
export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever shape each route answers.
  body: any;
}

/** A whole `muster server` running in this process on SQLite, listening on loopback ports. */
export interface TestApiServer {
  server: RunningServer;
  config: ServerConfig;
  /** Calls the admin API with the admin token. */
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /**
   * Creates never-checked-in machine accounts straight in the database, many rows per
   * statement, so tests can have 100,000 of them in about a second.
   */
  seedMachines(groupId: string, ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

/** Starts a server in its own temporary data directory; `overrides` are flags. */
export async function startTestApiServer(overrides: Partial<ServerConfig> = {}): Promise<TestApiServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-api-'));
  const config = loadServerConfig(
    {
      dataDir,
      httpPort: 0,
      agentPorts: [0],
      agentHost: '127.0.0.1',
      devicePort: 0,
      deviceHost: '127.0.0.1',
      logLevel: 'silent',
      ...overrides,
    },
    {},
  );
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const token = readFileSync(server.adminTokenFile, 'utf8').trim();
  return {
    server,
    config,
    async call(method, path, body) {
      const response = await fetch(`${server.httpUrl}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async seedMachines(groupId, ids) {
      const { db, close } = openDatabase({ sqliteFile: sqliteFileOf(config) });
      try {
        const now = Date.now();
        await sqlGroupRegistry(db).ensureGroup(groupId, now);
        await db.transaction().execute(async (trx) => {
          // SQLite binds at most 32,766 parameters per statement; 1,000 rows of 17 stay well below.
          for (let i = 0; i < ids.length; i += 1000) {
            await trx
              .insertInto('machines')
              .values(
                ids.slice(i, i + 1000).map((id) => ({
                  id,
                  guid: `guid-${id}`,
                  name: id.slice(0, id.indexOf('.')),
                  group_id: groupId,
                  org_id: groupId.slice(groupId.lastIndexOf('.') + 1),
                  temporary: 0,
                  suspended: 0,
                  remote_control_enabled: 1,
                  checkin_control: JSON.stringify(CONTROL),
                  settings_revision: 1,
                  applied_revision: 0,
                  created_at: now,
                  connected: 0,
                  user_idle_seconds: 0,
                  local_addresses: '[]',
                })),
              )
              .execute();
          }
        });
      } finally {
        await close();
      }
    },
    async close() {
      try {
        await server.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
