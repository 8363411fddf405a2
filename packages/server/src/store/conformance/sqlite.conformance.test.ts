import { createTestSqliteFile } from '../../test-support/sqlite';
import { openSqlStore } from '../sql/sql-store';
import { describeStoreConformance } from './store-conformance';

// A real file rather than ':memory:' so WAL mode and the file-level pragmas are exercised too.
describeStoreConformance('sqlite', async () => {
  const { file, cleanup } = createTestSqliteFile();
  try {
    const store = await openSqlStore({ sqliteFile: file });
    return {
      store,
      location: { sqliteFile: file },
      async cleanup() {
        try {
          await store.close();
        } finally {
          cleanup();
        }
      },
    };
  } catch (error) {
    cleanup();
    throw error;
  }
});
