import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AgentConnection, connectAgent, generateAgentKey } from '@muster/agent';
import { loadServerConfig } from '../config';
import { type RunningServer, startServer } from '../main';
import { type EventStreamReader, machineEvent, openEventStream } from '../test-support/event-stream';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { callApi } from '../test-support/two-organizations';

// Two server nodes on one PostgreSQL, as two server processes would be (each its own store
// connections and LISTEN/NOTIFY bus): a console on node A follows an agent held by node B.

/** Starts one node on the shared database, in its own data directory. */
async function startNode(databaseUrl: string): Promise<{ server: RunningServer; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'muster-node-'));
  const config = loadServerConfig(
    {
      dataDir,
      databaseUrl,
      httpPort: 0,
      agentPorts: [0],
      agentHost: '127.0.0.1',
      devicePort: 0,
      deviceHost: '127.0.0.1',
      logLevel: 'silent',
    },
    {},
  );
  const server = await startServer(config);
  return {
    server,
    close: async () => {
      try {
        await server.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

describe('live events across two server nodes (PostgreSQL)', () => {
  let database: TestPostgresDatabase;
  let nodeA: Awaited<ReturnType<typeof startNode>>;
  let nodeB: Awaited<ReturnType<typeof startNode>>;
  let master = '';
  let agent: AgentConnection;
  let onA: EventStreamReader;
  let onB: EventStreamReader;
  const id = 'far.web.acme';

  before(async () => {
    database = await createTestPostgresDatabase();
    nodeA = await startNode(database.url);
    nodeB = await startNode(database.url);
    // The first node made the admin token; the second shares its store.
    master = readFileSync(nodeA.server.adminTokenFile, 'utf8').trim();
    const headers = { authorization: `Bearer ${master}` };
    onA = await openEventStream(nodeA.server.httpUrl, headers);
    onB = await openEventStream(nodeB.server.httpUrl, headers);
    const made = await callApi(nodeA.server.httpUrl, master, 'POST', '/install-tokens', {
      group: 'web.acme',
      machineName: 'far',
    });
    assert.equal(made.status, 201, made.text);
    agent = await connectAgent({
      address: { host: '127.0.0.1', port: nodeB.server.agentPorts[0] as number },
      key: generateAgentKey(),
      pinnedServerId: null,
      enrollToken: made.body.token as string,
      hostName: 'far',
      hardwareId: 'hw-far',
      agentVersion: 'multinode-test',
      timeoutMs: 10_000,
    });
  });
  after(async () => {
    onA?.close();
    onB?.close();
    agent?.close();
    await nodeA?.close();
    await nodeB?.close();
    await database?.drop();
  });

  it("a console on node A sees node B's agent come online, once", async () => {
    const online = await onA.next('online on A', machineEvent(id, 'connected'));
    assert.equal(online.data.machine.online, true);
    await onB.next('online on B', machineEvent(id, 'connected'));
    // Built once, by node B, and read from the bus by both nodes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(onA.events.filter(machineEvent(id, 'connected')).length, 1);
    assert.equal(onB.events.filter(machineEvent(id, 'connected')).length, 1);
  });

  it("a suspension made on node A reaches both nodes' consoles once each", async () => {
    const answer = await callApi(nodeA.server.httpUrl, master, 'POST', `/machines/${id}/suspend`);
    assert.equal(answer.status, 200, answer.text);
    for (const stream of [onA, onB]) {
      const suspended = await stream.next('suspended', machineEvent(id, 'suspended'));
      assert.equal(suspended.data.status, 'suspended');
    }
    // Each node builds it for its own streams, from the one bus event: never twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(onA.events.filter(machineEvent(id, 'suspended')).length, 1);
    assert.equal(onB.events.filter(machineEvent(id, 'suspended')).length, 1);
    assert.equal((await callApi(nodeB.server.httpUrl, master, 'POST', `/machines/${id}/resume`)).status, 200);
    const resumed = await onA.next('resumed on A', machineEvent(id, 'resumed'));
    assert.notEqual(resumed.data.status, 'suspended');
  });

  it("node B's agent dropping its connection shows offline on node A", async () => {
    // No closing handshake: the connection is simply gone, as when the agent process dies.
    agent.terminate();
    const offline = await onA.next('offline on A', machineEvent(id, 'disconnected'));
    assert.equal(offline.data.status, 'offline');
    assert.equal(offline.data.machine.online, false);
    assert.equal(onA.events.filter(machineEvent(id, 'disconnected')).length, 1);
  });
});
