import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use unless MUSTER_TEST_POSTGRES_URL names another. */
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throw-away PostgreSQL database. */
export interface TestPostgresDatabase {
  /** Connection URL of the fresh, empty database. */
  url: string;
  /** Drops the database, ending any connection still open on it. */
  drop(): Promise<void>;
}

/** The maintenance URL: MUSTER_TEST_POSTGRES_URL or the local default. */
export function testPostgresUrl(): string {
  return process.env.MUSTER_TEST_POSTGRES_URL ?? DEFAULT_URL;
}

/**
 * Creates a uniquely named empty database on the test PostgreSQL server. PostgreSQL is a
 * supported backend, so its tests never skip: an unreachable server throws an error that says
 * how to start one.
 */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const adminUrl = testPostgresUrl();
  const name = `muster_test_${randomBytes(8).toString('hex')}`;
  await withAdminClient(adminUrl, async (client) => {
    // The name is generated above from hex digits only, so quoting it is enough.
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdminClient(adminUrl, async (client) => {
        // FORCE ends connections a failed test may have leaked, which would otherwise block the drop.
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

async function withAdminClient(adminUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(adminUrl, error);
  }
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function unreachable(adminUrl: string, cause: unknown): Error {
  // Node reports a refused connection as an AggregateError with an empty message; its code says more.
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason = [code, message].filter((part) => part.length > 0).join(': ') || 'unknown error';
  return new Error(
    `PostgreSQL at ${redact(adminUrl)} is required by the store tests but could not be reached (${reason}). ` +
      'Start the local cluster with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
      '(or point MUSTER_TEST_POSTGRES_URL at a running server whose user may create databases).',
    { cause },
  );
}

/** Hides a password in the URL so it never lands in test output. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
