import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type AgentConnection, generateAgentKey } from '@muster/agent';
import type { AgentMessage } from '@muster/protocol';
import { connectTestAgent } from '../test-support/agent-connect';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { callApi } from '../test-support/two-organizations';

const CHECKIN: AgentMessage['checkin'] = {
  t: 'checkin',
  loggedOnUser: null,
  userIdleSeconds: 0,
  localAddresses: [],
  agentVersion: 'history-test',
};

interface Connection {
  endReason: string | null;
  checkins: number | null;
  remoteAddress: string;
  lastCheckinAt: string | null;
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`check-in history of real agent connections (${backend})`, () => {
    let server: TestApiServer;
    let database: TestPostgresDatabase | undefined;
    let master = '';
    const open: AgentConnection[] = [];
    const key = generateAgentKey();
    const api = (path: string) => callApi(server.server.httpUrl, master, 'GET', path);
    const connect = async (enrollToken?: string) => {
      const agent = await connectTestAgent(server.server.agentPorts[0] as number, key, {
        name: 'h1',
        agentVersion: 'history-test',
        enrollToken,
      });
      open.push(agent);
      return agent;
    };
    /** The history once it holds `count` connections, all ended (written a batch later). */
    const settled = async (id: string, count: number): Promise<Connection[]> => {
      for (let tries = 0; tries < 100; tries++) {
        const page = await api(`/machines/${id}/checkin-history`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        const items = page.body.items as Connection[];
        if (items.length === count && items.every((c) => c.endReason !== null)) return items;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the history of ${id} did not settle at ${count} ended connections`);
    };

    before(async () => {
      database = backend === 'postgres' ? await createTestPostgresDatabase() : undefined;
      server = await startTestApiServer(database ? { databaseUrl: database.url } : {}, { listen: true });
      master = readFileSync(server.server.adminTokenFile, 'utf8').trim();
    });
    after(async () => {
      for (const agent of open) agent.close();
      await server?.close();
      await database?.drop();
    });

    it('counts each connection’s check-ins in its session and says how it ended: closed, replaced, lost', async () => {
      const made = await callApi(server.server.httpUrl, master, 'POST', '/install-tokens', {
        group: 'web.acme',
        machineName: 'h1',
      });
      assert.equal(made.status, 201);
      const first = await connect(made.body.token as string);
      const id = first.welcome.machineId;
      for (let n = 0; n < 5; n++) first.send(CHECKIN);
      first.close();
      await settled(id, 1);
      const second = await connect();
      second.send(CHECKIN);
      second.send(CHECKIN);
      // A ping answered means the server has read the check-ins sent before it.
      assert.ok(await second.ping(5000));
      const third = await connect();
      third.send(CHECKIN);
      assert.ok(await third.ping(5000));
      third.terminate();
      const history = await settled(id, 3);
      assert.deepEqual(
        history.map((c) => [c.endReason, c.checkins]),
        [
          ['connection-lost', 1],
          ['replaced', 2],
          ['agent-closed', 5],
        ],
        'newest first',
      );
      assert.ok(history.every((c) => c.remoteAddress === '127.0.0.1' && c.lastCheckinAt !== null));
    });
  });
}
