import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckinControl } from '@muster/protocol';
import { loadServerConfig, type ServerConfig, sqliteFileOf } from '../config';
import { type RunningServer, type StartOptions, startServer } from '../main';
import { sqlGroupRegistry } from '../store/sql/groups.sql';
import { openDatabase } from '../store/sql/open-database';

/** An answer of the admin API: status and parsed JSON body. */
export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever shape each route answers.
  body: any;
}

/**
 * A whole `muster server` running in this process on SQLite. By default it listens on no port:
 * its API is called through Fastify's `inject`, with no socket in between; `listen: true` binds
 * loopback ports for tests that need real connections (agents, the CLI, timing under load).
 */
export interface TestApiServer {
  server: RunningServer;
  config: ServerConfig;
  /** Calls the admin API with the admin token. */
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /**
   * Calls the API as anyone: `token` (or none), raw headers and body. An event stream answers
   * with its status as soon as its headers are sent (its body is not read).
   */
  send(request: {
    method: string;
    path: string;
    token?: string | null;
    headers?: Record<string, string>;
    body?: unknown;
  }): Promise<ApiAnswer>;
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
export async function startTestApiServer(
  overrides: Partial<ServerConfig> = {},
  options: Pick<StartOptions, 'listen' | 'serializers'> = {},
): Promise<TestApiServer> {
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
    server = await startServer(config, { ...options, listen: options.listen ?? false });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const token = readFileSync(server.adminTokenFile, 'utf8').trim();
  const api: TestApiServer = {
    server,
    config,
    call(method, path, body) {
      // A string body is JSON text here (possibly malformed on purpose), as from any API client.
      const headers: Record<string, string> =
        body === undefined ? {} : { 'content-type': 'application/json' };
      return api.send({ method, path, token, body, headers });
    },
    async send(request) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.token) headers.authorization = `Bearer ${request.token}`;
      const body = request.body;
      if (body !== undefined && headers['content-type'] === undefined) {
        headers['content-type'] = typeof body === 'string' ? 'application/octet-stream' : 'application/json';
      }
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      if (server.httpUrl) {
        const abort = new AbortController();
        const response = await fetch(`${server.httpUrl}/api/v1${request.path}`, {
          method: request.method,
          headers,
          body: payload,
          signal: abort.signal,
        });
        if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
          abort.abort();
          return { status: response.status, body: null };
        }
        const text = await response.text();
        return { status: response.status, body: parse(text) };
      }
      const response = await server.app.inject({
        method: request.method as 'GET',
        url: `/api/v1${request.path}`,
        headers,
        payload,
        payloadAsStream: true,
      });
      const stream = response.stream();
      if (String(response.headers['content-type'] ?? '').includes('text/event-stream')) {
        stream.destroy();
        return { status: response.statusCode, body: null };
      }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk));
      return { status: response.statusCode, body: parse(Buffer.concat(chunks).toString('utf8')) };
    },
    async seedMachines(groupId, ids) {
      const { db, close } = openDatabase(
        config.databaseUrl ? { postgresUrl: config.databaseUrl } : { sqliteFile: sqliteFileOf(config) },
      );
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
  return api;
}

function parse(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
