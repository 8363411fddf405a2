import type { Kysely } from 'kysely';
import type { Dialect } from '../store/sql/dialect';
import { migrateToLatest } from '../store/sql/migrate';
import { up as webhooksUp } from '../store/sql/migrations/004-webhooks.migration';
import { openDatabase } from '../store/sql/open-database';
import type { WebhookTables } from '../store/sql/webhook.schema';
import { createTestPostgresDatabase } from '../test-support/postgres';
import { createTestSqliteFile } from '../test-support/sqlite';

/** A fresh, fully migrated test database holding the webhook tables. */
export interface WebhookTestDatabase {
  db: Kysely<WebhookTables>;
  dialect: Dialect;
  /** Closes the connections and removes the database. */
  cleanup(): Promise<void>;
  /** Opens a second connection pool on the same database, as another server node would. */
  connectAgain(): { db: Kysely<WebhookTables>; close(): Promise<void> };
}

/**
 * Opens an empty database of the given dialect, runs the registered migrations and then
 * migration 004 unless the registry already ran it, so the tests pass before and after the
 * webhook migration is registered in migrate.ts.
 */
export async function openWebhookTestDatabase(dialect: Dialect): Promise<WebhookTestDatabase> {
  if (dialect === 'sqlite') {
    const file = createTestSqliteFile();
    return migrated({ sqliteFile: file.file }, async () => file.cleanup());
  }
  const database = await createTestPostgresDatabase();
  return migrated({ postgresUrl: database.url }, () => database.drop());
}

async function migrated(
  location: { sqliteFile: string } | { postgresUrl: string },
  remove: () => Promise<void>,
): Promise<WebhookTestDatabase> {
  const opened = openDatabase(location);
  const connectAgain = () => {
    const again = openDatabase(location);
    return { db: again.db as unknown as Kysely<WebhookTables>, close: again.close };
  };
  const cleanup = async () => {
    try {
      await opened.close();
    } finally {
      await remove();
    }
  };
  try {
    await migrateToLatest(opened.db, opened.dialect);
    const tables = await opened.db.introspection.getTables();
    if (!tables.some((t) => t.name === 'webhooks')) {
      await webhooksUp(opened.db as unknown as Kysely<unknown>, opened.dialect);
    }
    // Database does not list the webhook tables until the lead merges WebhookTables into it.
    return {
      db: opened.db as unknown as Kysely<WebhookTables>,
      dialect: opened.dialect,
      cleanup,
      connectAgain,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
