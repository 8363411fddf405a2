import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type AgentConnection, generateAgentKey } from '@muster/agent';
import pg from 'pg';
import { connectTestAgent, testCheckin } from '../test-support/agent-connect';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { machineEvent, openEventStream } from '../test-support/event-stream';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { callApi } from '../test-support/two-organizations';

// An agent confirms its settings at every connection. A confirmation of what the store already
// holds as applied changes nothing: no write (after a restart that was one per agent) and no
// `settings-applied` event on GET /events.

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`settings confirmed again (${backend})`, () => {
    let server: TestApiServer;
    let database: TestPostgresDatabase | undefined;
    let master = '';
    const agents: AgentConnection[] = [];
    const api = (method: string, path: string, body?: unknown) =>
      callApi(server.server.httpUrl, master, method, path, body);

    /**
     * Installs a statement trigger counting UPDATE statements of machines.applied_revision and
     * returns a reader of the count (always 0 on SQLite, which has no statement triggers).
     */
    const countAcknowledgementWrites = async (): Promise<() => Promise<number>> => {
      if (!database) return async () => 0;
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(`
          CREATE TABLE IF NOT EXISTS test_ack_writes (n integer NOT NULL);
          INSERT INTO test_ack_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM test_ack_writes);
          CREATE OR REPLACE FUNCTION test_count_ack() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN UPDATE test_ack_writes SET n = n + 1; RETURN NULL; END $$;
          CREATE OR REPLACE TRIGGER test_ack_writes AFTER UPDATE OF applied_revision ON machines
            FOR EACH STATEMENT EXECUTE FUNCTION test_count_ack();`);
      } finally {
        await client.end();
      }
      const url = database.url;
      return async () => {
        const reader = new pg.Client({ connectionString: url });
        await reader.connect();
        try {
          return Number((await reader.query('SELECT n FROM test_ack_writes')).rows[0].n);
        } finally {
          await reader.end();
        }
      };
    };

    before(async () => {
      database = backend === 'postgres' ? await createTestPostgresDatabase() : undefined;
      server = await startTestApiServer(database ? { databaseUrl: database.url } : {}, { listen: true });
      master = readFileSync(server.server.adminTokenFile, 'utf8').trim();
    });
    after(async () => {
      for (const agent of agents) agent.close();
      await server?.close();
      await database?.drop();
    });

    it('settings confirmed again, in the same connection or the next, change nothing and send no event', async () => {
      const key = generateAgentKey();
      const made = await api('POST', '/install-tokens', { group: 'ack.acme', machineName: 'a4' });
      assert.equal(made.status, 201, made.text);
      const id = 'a4.ack.acme';
      const connect = async (enrollToken?: string) => {
        const agent = await connectTestAgent(server.server.agentPorts[0] as number, key, {
          name: 'a4',
          agentVersion: 'events-test',
          enrollToken,
        });
        agents.push(agent);
        return agent;
      };
      // On PostgreSQL a statement trigger counts the UPDATEs that set applied_revision (only the
      // acknowledgement's does), even those that change no row: no write, not a no-op write.
      // SQLite has no statement triggers; there the events alone are checked.
      const acknowledgementWrites = await countAcknowledgementWrites();
      const own = await openEventStream(server.server.httpUrl, { authorization: `Bearer ${master}` });
      // Anything published for the machine since `from`, after a quiet spell longer than the
      // batcher's window (so an event of the confirmation could not hide in the next one), and
      // then a check-in by another user, whose event marks the end.
      const eventsUntilCheckin = async (agent: AgentConnection, user: string, from: number) => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        agent.send(testCheckin(user));
        await own.next(
          `checked in as ${user}`,
          (e) => machineEvent(id, 'checked-in')(e) && e.data.machine.loggedOnUser === user,
        );
        return own.events
          .slice(from)
          .filter((e) => e.event === 'machine' && e.data.machineId === id)
          .map((e) => e.data.change);
      };
      try {
        const first = await connect(made.body.token as string);
        await own.next('a4 online', machineEvent(id, 'connected'));
        const revision = first.welcome.settingsRevision;
        first.send({ t: 'settings-applied', revision });
        await own.next('settings applied', machineEvent(id, 'settings-applied'));
        assert.equal((await api('GET', `/machines/${id}`)).body.settingsApplied, true);

        // The same confirmation again in this connection: nothing to write, nothing to publish.
        const writesAfterFirst = await acknowledgementWrites();
        if (backend === 'postgres') assert.equal(writesAfterFirst, 1);
        let from = own.events.length;
        first.send({ t: 'settings-applied', revision });
        assert.deepEqual(await eventsUntilCheckin(first, 'ann', from), ['checked-in']);
        assert.equal(await acknowledgementWrites(), writesAfterFirst);

        // A new connection confirms the revision the account already holds as applied, as every
        // agent does after a server restart: the session knows it from the admission's read.
        first.close();
        await own.next('a4 offline', machineEvent(id, 'disconnected'));
        const second = await connect();
        assert.equal(second.welcome.settingsRevision, revision);
        await own.next(
          'a4 online again',
          (e) => machineEvent(id, 'connected')(e) && own.events.indexOf(e) > from,
        );
        from = own.events.length;
        second.send({ t: 'settings-applied', revision });
        assert.deepEqual(await eventsUntilCheckin(second, 'bob', from), ['checked-in']);
        assert.equal(await acknowledgementWrites(), writesAfterFirst);
        assert.equal((await api('GET', `/machines/${id}`)).body.settingsApplied, true);
      } finally {
        own.close();
      }
    });
  });
}
