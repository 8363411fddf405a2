import { existsSync } from 'node:fs';
import { loadServerConfig, openSqlStore, sqliteFileOf } from '@muster/server';
import type { Command } from 'commander';

/** The store a server of these options uses, opened directly (no server needed). */
export type OfflineStore = Awaited<ReturnType<typeof openSqlStore>>;

/**
 * Adds the options that find the server's store: the same --data-dir, --database-url and
 * --config (and MUSTER_* environment) as `muster server`, so a command run beside a server
 * (running or not) works on that server's data.
 */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', "the server's data directory (SQLite store) [env MUSTER_DATA_DIR]")
    .option(
      '--database-url <url>',
      "the server's PostgreSQL URL, instead of the data directory [env MUSTER_DATABASE_URL]",
    )
    .option('--config <file>', "the server's configuration file");
}

/** Opens the store named by withStoreOptions' options, runs `work`, and closes it. */
export async function withOfflineStore<T>(
  opts: { dataDir?: string; databaseUrl?: string; config?: string },
  work: (store: OfflineStore) => Promise<T>,
): Promise<T> {
  const flags: Record<string, unknown> = {};
  if (opts.dataDir !== undefined) flags.dataDir = opts.dataDir;
  if (opts.databaseUrl !== undefined) flags.databaseUrl = opts.databaseUrl;
  const config = loadServerConfig(flags, process.env, opts.config);
  const file = sqliteFileOf(config);
  // A mistyped --data-dir would otherwise create a new, empty store and act on it.
  if (!config.databaseUrl && !existsSync(file)) {
    throw new Error(
      `no store in ${config.dataDir} (no ${file}): give the server's --data-dir, or --database-url`,
    );
  }
  const store = await openSqlStore(
    config.databaseUrl ? { postgresUrl: config.databaseUrl } : { sqliteFile: file },
  );
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
