import { createTestPostgresDatabase } from '../test-support/postgres';
import type { Bus } from './bus';
import { describeBusContract } from './bus.contract';
import { postgresBus } from './postgres.bus';

// Two nodes on one fresh database, as two server processes would be. Without a reachable
// PostgreSQL these tests fail with instructions; they never skip.
describeBusContract('postgres', async (onError) => {
  const database = await createTestPostgresDatabase();
  const nodes: Bus[] = [];
  const close = async () => {
    try {
      for (const node of nodes) await node.close();
    } finally {
      await database.drop();
    }
  };
  try {
    nodes.push(await postgresBus(database.url, onError));
    nodes.push(await postgresBus(database.url, onError));
    return { nodes, close };
  } catch (error) {
    await close();
    throw error;
  }
});
