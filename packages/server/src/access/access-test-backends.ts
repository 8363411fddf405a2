import type { StoreBackend } from '../store/interfaces';
import type { DatabaseLocation } from '../store/sql/open-database';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestPostgresDatabase } from '../test-support/postgres';
import { createTestSqliteFile } from '../test-support/sqlite';

/** A fresh database of one backend, for the access tests (run on SQLite and PostgreSQL). */
export interface TestDatabase {
  location: DatabaseLocation;
  drop(): Promise<void>;
}

/** The two backends, each as a maker of fresh databases. */
export const ACCESS_TEST_BACKENDS: ReadonlyArray<{ name: string; create(): Promise<TestDatabase> }> = [
  {
    name: 'sqlite',
    async create() {
      const { file, cleanup } = createTestSqliteFile();
      return { location: { sqliteFile: file }, drop: async () => cleanup() };
    },
  },
  {
    name: 'postgres',
    async create() {
      const database = await createTestPostgresDatabase();
      return { location: { postgresUrl: database.url }, drop: () => database.drop() };
    },
  },
];

/** Opens a fresh migrated store of a backend; `dispose` closes it and drops the database. */
export async function openTestStore(
  backend: (typeof ACCESS_TEST_BACKENDS)[number],
): Promise<{ store: StoreBackend; database: TestDatabase; dispose(): Promise<void> }> {
  const database = await backend.create();
  const store = await openSqlStore(database.location);
  return {
    store,
    database,
    async dispose() {
      try {
        await store.close();
      } finally {
        await database.drop();
      }
    },
  };
}
