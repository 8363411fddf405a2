import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TLSSocket } from 'node:tls';
import { connectAgent, generateAgentKey } from '@muster/agent';
import { encodeFrame, PROTOCOL_VERSION } from '@muster/protocol';
import { WebSocket } from 'ws';
import type { ServerConfig } from '../config';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { parseMetrics, sampleValue } from '../test-support/prometheus-text';

const token = randomBytes(32).toString('hex');

/** A listening server with a metrics token and short handshake limits. */
function liveServer(overrides: Partial<ServerConfig> = {}) {
  const server = { api: null as TestApiServer | null, port: 0 };
  before(async () => {
    server.api = await startTestApiServer(
      { metricsToken: token, handshakeTimeoutMs: 400, authFailureDelayMs: 0, ...overrides },
      { listen: true },
    );
    server.port = server.api.server.agentPorts[0] as number;
  });
  after(async () => {
    await server.api?.close();
  });
  return server;
}

/** Asserts that `action` adds exactly one handshake failure of `reason` to /metrics. */
async function counted(api: TestApiServer, reason: string, action: () => Promise<unknown>): Promise<void> {
  const failures = async () => {
    const answer = await api.server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    return sampleValue(parseMetrics(answer.body), 'muster_agent_handshake_failures_total', { reason }) ?? 0;
  };
  const before = await failures();
  await action();
  for (let i = 0; i < 100 && (await failures()) === before; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await failures(), before + 1, reason);
}

// Handshakes that fail on a live agent port, each counted under its reason in /metrics: real
// sockets, real TLS, the server as main.ts wires it.
describe('handshake failures in /metrics', () => {
  const server = liveServer();
  const count = (reason: string, action: () => Promise<unknown>) =>
    counted(server.api as TestApiServer, reason, action);
  /** A WebSocket on the agent port, open (TLS and upgrade done). */
  const socket = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${server.port}/agent`, { rejectUnauthorized: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', resolve));

  it('a frame that is not the protocol: protocol-error', async () => {
    await count('protocol-error', async () => {
      const ws = await socket();
      ws.send('not json');
      assert.equal(await closeCode(ws), 4000);
    });
  });

  it('a protocol version the server does not speak: unsupported-version', async () => {
    await count('unsupported-version', async () => {
      const ws = await socket();
      ws.send(
        encodeFrame({ t: 'hello', v: PROTOCOL_VERSION + 1, clientNonce: randomBytes(32).toString('base64') }),
      );
      assert.equal(await closeCode(ws), 4017);
    });
  });

  it('an open WebSocket that says nothing: timeout', async () => {
    await count('timeout', async () => {
      const ws = await socket();
      assert.equal(await closeCode(ws), 4002);
    });
  });

  it('an agent gone before it was welcomed: disconnected', async () => {
    await count('disconnected', async () => {
      const ws = await socket();
      ws.terminate();
    });
  });

  it('a key the server does not know, without an install token: unknown-agent', async () => {
    await count('unknown-agent', () =>
      connectAgent({
        address: { host: '127.0.0.1', port: server.port },
        key: generateAgentKey(),
        pinnedServerId: null,
        hostName: 'stranger',
        hardwareId: 'hw-stranger',
        agentVersion: 'test',
        timeoutMs: 5000,
      }).then(
        (connection) => assert.fail(`admitted as ${connection.welcome.machineId}`),
        () => undefined,
      ),
    );
  });
});

describe('handshake refused at the gate in /metrics', () => {
  const server = liveServer({ maxPendingHandshakes: 1 });

  it('a connection while the only handshake slot is held: busy', async () => {
    await counted(server.api as TestApiServer, 'busy', async () => {
      const silent = connect({ port: server.port, host: '127.0.0.1' });
      await new Promise((resolve) => silent.once('connect', resolve));
      const second = connect({ port: server.port, host: '127.0.0.1' });
      const closed = (s: typeof silent) => new Promise((resolve) => s.once('close', resolve));
      await Promise.race([closed(silent), closed(second)]);
      silent.destroy();
      second.destroy();
    });
  });
});

describe('connections refused at the node limit in /metrics', () => {
  const server = liveServer({ maxAgentConnections: 1 });
  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${server.port}/agent`, { rejectUnauthorized: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  it('a connection while the node holds its one allowed connection: full, and the slot comes back', async () => {
    const held = await open();
    // Tried: a second connection while the first is held (closed at once, counted as full).
    await counted(server.api as TestApiServer, 'full', async () => {
      await assert.rejects(open(), /socket hang up|ECONNRESET|closed|disconnected/i);
    });
    const closed = new Promise((resolve) => held.once('close', resolve));
    held.close();
    await closed;
    // Once the first one has gone, a new connection is held again.
    let reopened: WebSocket | null = null;
    for (let i = 0; i < 50 && !reopened; i++) {
      reopened = await open().catch(() => null);
      if (!reopened) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(reopened, 'a connection after the held one closed was not accepted');
    reopened.terminate();
  });
});

describe('the cost of a welcome', () => {
  const server = liveServer();

  it('reads the TLS exporter once at each end of the connection', async () => {
    const api = server.api as TestApiServer;
    const made = await api.call('POST', '/install-tokens', { group: 'lab.acme', machineName: 'exporter' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    // Each read derives a secret from the TLS session: both proofs are bound to one value, so
    // one read at the server (for both transcripts) and one at the agent (for the challenge).
    const exporter = TLSSocket.prototype.exportKeyingMaterial;
    let reads = 0;
    TLSSocket.prototype.exportKeyingMaterial = function (this: TLSSocket, ...args) {
      reads++;
      return exporter.apply(this, args);
    };
    try {
      const connection = await connectAgent({
        address: { host: '127.0.0.1', port: server.port },
        key: generateAgentKey(),
        pinnedServerId: null,
        enrollToken: made.body.token,
        hostName: 'exporter',
        hardwareId: 'hw-exporter',
        agentVersion: 'test',
        timeoutMs: 5000,
      });
      connection.close(1000, 'done');
    } finally {
      TLSSocket.prototype.exportKeyingMaterial = exporter;
    }
    assert.equal(reads, 2);
  });
});
