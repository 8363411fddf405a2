import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throw-away PostgreSQL database for one benchmark run. */
export interface BenchDatabase {
  /** Connection URL of the fresh, empty database. */
  url: string;
  name: string;
  /** Drops it, ending any connection still open on it. */
  drop(): Promise<void>;
}

async function withClient(adminUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `muster_bench_<random>` on the server of `adminUrl`. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `muster_bench_${randomBytes(6).toString('hex')}`;
  // The name is made of hex digits only, so quoting it is enough.
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`).then(() => undefined));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withClient(adminUrl, (c) =>
        c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
      ),
  };
}
