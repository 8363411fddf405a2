import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../../../server/src/config';
import { type RunningServer, startServer } from '../../../server/src/main';
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../../../server/src/test-support/postgres';
import { certificateFingerprint } from '../tls-trust';

/** Which store the server runs on. */
export type TestBackend = 'sqlite' | 'postgres';

/** A command as the admin API shows it. */
export interface AdminCommandView {
  id: string;
  status: string;
  result: { output: string | null; error: string | null } | null;
}

/**
 * The real Muster server, started in this process on free loopback ports with its own data
 * directory (and, for PostgreSQL, its own database), so the device client is tested against
 * the device API it will meet in production: its signature checks, error codes and queue.
 */
export class RealDeviceServer {
  private constructor(
    private readonly running: RunningServer,
    private readonly dataDir: string,
    private readonly database: TestPostgresDatabase | null,
    /** The server's TLS certificate, PEM. */
    readonly cert: string,
  ) {}

  /** Starts a server on SQLite or on a fresh PostgreSQL database. */
  static async start(backend: TestBackend): Promise<RealDeviceServer> {
    const dataDir = mkdtempSync(join(tmpdir(), `muster-device-real-${backend}-`));
    const database = backend === 'postgres' ? await createTestPostgresDatabase() : null;
    try {
      const config = loadServerConfig(
        {
          dataDir,
          databaseUrl: database?.url ?? '',
          httpHost: '127.0.0.1',
          httpPort: 0,
          agentHost: '127.0.0.1',
          agentPorts: [0],
          deviceHost: '127.0.0.1',
          devicePort: 0,
          logLevel: 'silent',
        },
        {},
      );
      const running = await startServer(config);
      return new RealDeviceServer(
        running,
        dataDir,
        database,
        readFileSync(join(dataDir, 'tls-cert.pem'), 'utf8'),
      );
    } catch (error) {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Base URL of the device API. */
  get url(): string {
    return this.running.deviceUrl;
  }

  /** The Server ID devices are told at enrollment. */
  get serverId(): string {
    return this.running.serverId;
  }

  /** SHA-256 fingerprint of the certificate, for pinning. */
  get fingerprint(): string {
    return certificateFingerprint(this.cert);
  }

  /** Calls the admin API; throws on an answer other than the expected status. */
  async admin<T>(method: string, path: string, body: unknown, expectStatus: number): Promise<T> {
    const token = readFileSync(this.running.adminTokenFile, 'utf8').trim();
    const response = await fetch(`${this.running.httpUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expectStatus) {
      throw new Error(`${method} ${path}: expected ${expectStatus}, got ${response.status} ${text}`);
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  /** An enrollment token for a group and platform. */
  async enrollmentToken(group: string, platform: 'ios' | 'android'): Promise<string> {
    const answer = await this.admin<{ token: string }>(
      'POST',
      '/device-enrollment-tokens',
      { group, platform },
      201,
    );
    return answer.token;
  }

  /** Queues a command for one device; returns its id. */
  async queue(deviceId: string, type: string, params: Record<string, unknown> = {}): Promise<string> {
    const answer = await this.admin<{ items: Array<{ id: string }> }>(
      'POST',
      '/commands',
      { targets: { devices: [deviceId] }, type, params },
      201,
    );
    const id = answer.items[0]?.id;
    if (!id) throw new Error('the queue answered no command');
    return id;
  }

  /** A command as the admin API shows it. */
  command(id: string): Promise<AdminCommandView> {
    return this.admin<AdminCommandView>('GET', `/commands/${id}`, undefined, 200);
  }

  /** Stops the server and removes its data directory and database. */
  async close(): Promise<void> {
    try {
      await this.running.close();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
      await this.database?.drop();
    }
  }
}
