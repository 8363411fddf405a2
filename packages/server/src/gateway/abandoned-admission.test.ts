import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type AgentConnection, generateAgentKey } from '@muster/agent';
import { sqliteFileOf } from '../config';
import { openDatabase } from '../store/sql/open-database';
import { connectTestAgent } from '../test-support/agent-connect';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { sendRawAuth } from '../test-support/raw-agent-handshake';
import { callApi } from '../test-support/two-organizations';

// An agent that gives up on a connection while the server is still admitting it (a handshake
// that took too long in a restart storm) and is connected again by then must stay marked
// connected. The abandoned connection used to write its end when its admission answered, and
// that end cleared the flag the agent's live connection on the same node held (bench:scale's
// SIGTERM storm left machines marked offline that were connected).

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`a connection abandoned during its admission (${backend})`, () => {
    let server: TestApiServer;
    let database: TestPostgresDatabase | undefined;
    let master = '';
    const open: AgentConnection[] = [];
    const api = (method: string, path: string, body?: unknown) =>
      callApi(server.server.httpUrl, master, method, path, body);

    before(async () => {
      database = backend === 'postgres' ? await createTestPostgresDatabase() : undefined;
      server = await startTestApiServer(database ? { databaseUrl: database.url } : {}, { listen: true });
      master = readFileSync(server.server.adminTokenFile, 'utf8').trim();
    });
    after(async () => {
      for (const connection of open) connection.close();
      await server?.close();
      await database?.drop();
    });

    it("leaves the machine marked as its live connection says, and that connection's flag in place", async () => {
      const port = server.server.agentPorts[0] as number;
      const key = generateAgentKey();
      const made = await api('POST', '/install-tokens', { group: 'race.acme', machineName: 'r1' });
      assert.equal(made.status, 201, made.text);
      const presents = { hostName: 'r1', hardwareId: 'hw-r1', agentVersion: 'race-test' };
      const live = await connectTestAgent(port, key, {
        name: 'r1',
        agentVersion: 'race-test',
        enrollToken: made.body.token as string,
      });
      open.push(live);
      let liveClosed = false;
      live.on({ close: () => (liveClosed = true) });
      // The store's own flag, which the other nodes read (this node's API would show its live
      // session whatever the store says).
      const marked = async () => {
        const { db, close } = openDatabase(
          server.config.databaseUrl
            ? { postgresUrl: server.config.databaseUrl }
            : { sqliteFile: sqliteFileOf(server.config) },
        );
        try {
          const row = await db
            .selectFrom('machines')
            .select('connected')
            .where('id', '=', 'r1.race.acme')
            .executeTakeFirstOrThrow();
          return Number(row.connected) === 1;
        } finally {
          await close();
        }
      };
      for (const deadline = Date.now() + 5000; !(await marked()); ) {
        assert.ok(Date.now() < deadline, 'the live connection is marked connected');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      // The same agent's second connection: a genuine hello and auth, then gone at once, before
      // the server could answer the auth.
      const { ws } = await sendRawAuth(port, key, presents, (socket) => socket.terminate());
      await once(ws, 'close');

      // Two coalesced writes later, what the store says agrees with what is connected.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      if (backend === 'postgres') {
        // Admission reads PostgreSQL over a socket: the abandoned connection's close is seen
        // first, so it never holds the machine and the live connection is untouched.
        assert.equal(liveClosed, false, 'the live connection was not replaced');
        assert.equal(await marked(), true, 'the machine is marked connected');
      } else {
        // SQLite answers admission before the close is read: the second connection is admitted
        // and replaces the live one, then ends; nothing is connected and nothing is marked so.
        assert.equal(await marked(), !liveClosed);
      }
    });
  });
}
