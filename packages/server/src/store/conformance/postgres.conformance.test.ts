import { createTestPostgresDatabase } from '../../test-support/postgres';
import { openSqlStore } from '../sql/sql-store';
import { describeStoreConformance } from './store-conformance';

// Each test group gets its own database, so groups never see each other's rows.
describeStoreConformance('postgres', async () => {
  const database = await createTestPostgresDatabase();
  try {
    const store = await openSqlStore({ postgresUrl: database.url });
    return {
      store,
      location: { postgresUrl: database.url },
      async cleanup() {
        try {
          await store.close();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
});
