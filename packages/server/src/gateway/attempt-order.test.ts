import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AgentConnection, type AgentKey, generateAgentKey, nextAttemptAt } from '@muster/agent';
import type { AgentPresentation } from '@muster/protocol';
import type WebSocket from 'ws';
import { sqliteFileOf } from '../config';
import { openDatabase } from '../store/sql/open-database';
import { connectTestAgent } from '../test-support/agent-connect';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { sendRawAuth } from '../test-support/raw-agent-handshake';

// A node may welcome an attempt the agent has given up on after another node welcomed its next
// one; the store orders an agent's sessions by the agent's own attempt stamps (AuthSchema
// attemptAt), so the node passes each session's stamp on with its start (the store's side:
// the CheckinRecorder conformance tests).

describe("a session's start carries the agent's attempt", () => {
  let server: TestApiServer;
  const open: AgentConnection[] = [];
  const sockets: WebSocket[] = [];

  before(async () => {
    server = await startTestApiServer({}, { listen: true });
  });
  after(async () => {
    for (const connection of open) connection.close();
    for (const ws of sockets) ws.terminate();
    await server?.close();
  });

  /**
   * The stored attempt and start of a machine's holding session, once the start of a session
   * begun at `since` or later is written. The start of the enrolling connection before it may
   * be written first (the node coalesces these writes): read then, it is not the one asked for.
   */
  async function stored(machineId: string, since: number): Promise<{ attemptAt: number; startedAt: number }> {
    const { db, close } = openDatabase({ sqliteFile: sqliteFileOf(server.config) });
    try {
      for (const deadline = Date.now() + 5000; ; ) {
        const row = await db
          .selectFrom('machines')
          .select(['connected_attempt_at', 'last_seen_at'])
          .where('id', '=', machineId)
          .executeTakeFirstOrThrow();
        if (
          row.connected_attempt_at !== null &&
          row.last_seen_at !== null &&
          Number(row.last_seen_at) >= since
        )
          return { attemptAt: Number(row.connected_attempt_at), startedAt: Number(row.last_seen_at) };
        assert.ok(Date.now() < deadline, `the start of ${machineId} is written`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await close();
    }
  }

  /** Enrolls an agent with its own connection code, then closes that connection. */
  async function enrolled(name: string): Promise<AgentKey> {
    const made = await server.call('POST', '/install-tokens', {
      group: 'order.acme',
      machineName: name,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const key = generateAgentKey();
    const first = await connectTestAgent(server.server.agentPorts[0] as number, key, {
      name,
      agentVersion: 'order-test',
      enrollToken: made.body.token as string,
    });
    first.close();
    return key;
  }

  /** A genuine handshake by hand, presenting `presents`; resolves once welcomed. */
  async function rawSession(key: AgentKey, presents: AgentPresentation): Promise<void> {
    const { ws, next } = await sendRawAuth(server.server.agentPorts[0] as number, key, presents);
    sockets.push(ws);
    assert.equal((await next()).t, 'welcome');
  }

  it('stores the stamp the agent sent, and the start itself for an agent that sends none', async () => {
    const key = await enrolled('stamped');
    const stampedSince = Date.now();
    await rawSession(key, {
      hostName: 'stamped',
      hardwareId: 'hw-stamped',
      agentVersion: 'order-test',
      attemptAt: 12345,
    });
    assert.equal((await stored('stamped.order.acme', stampedSince)).attemptAt, 12345);

    const older = await enrolled('unstamped');
    const unstampedSince = Date.now();
    await rawSession(older, {
      hostName: 'unstamped',
      hardwareId: 'hw-unstamped',
      agentVersion: 'order-test',
    });
    const start = await stored('unstamped.order.acme', unstampedSince);
    assert.equal(start.attemptAt, start.startedAt);
  });

  it("the agent's connection code stamps each attempt", async () => {
    const key = await enrolled('agent');
    // An hour ahead of the clock: a stamp from the agent, not the node's time of the welcome.
    const ahead = nextAttemptAt(Date.now() + 3_600_000);
    const since = Date.now();
    const connection = await connectTestAgent(server.server.agentPorts[0] as number, key, {
      name: 'agent',
      agentVersion: 'order-test',
    });
    open.push(connection);
    assert.equal((await stored('agent.order.acme', since)).attemptAt, ahead + 1);
  });
});
