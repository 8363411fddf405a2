import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import {
  CHANNEL_BINDING_LABEL,
  proofTranscript,
  type ServerTerminalMessage,
  signProof,
} from '@muster/protocol';
import WebSocket, { WebSocketServer } from 'ws';
import { selfSignedCertificate } from '../gateway/tls-credentials';
import type { ServerIdentity } from '../services/server-identity.service';
import { AgentTerminals, type TerminalAgentSession } from './agent-terminals';
import { openTerminalRelay } from './relay-client';
import { RELAY_PATH } from './relay-messages';
import { acceptTerminalRelay } from './relay-server';
import type { TerminalViewer } from './terminal-stream';

function identityOf(): ServerIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }), serverId: 'x' };
}

/** A viewer that keeps what it heard, and takes output at once. */
function viewer() {
  const events: string[] = [];
  let output = '';
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const v: TerminalViewer = {
    opened: (shell) => events.push(`opened ${shell}`),
    refused: (reason) => {
      events.push(`refused ${reason}`);
      settle();
    },
    output: (data, taken) => {
      output += data.toString();
      taken();
    },
    exit: (code) => {
      events.push(`exit ${code}`);
      settle();
    },
    lost: (reason) => {
      events.push(`lost ${reason}`);
      settle();
    },
  };
  return Object.assign(v, { events, settled, text: () => output });
}

// Two nodes of one server share its identity; the relay's ends prove it to each other over the
// TLS channel binding before anything of the request crosses. The agent's session here is the
// peer of the unit under test (relay client, relay server and AgentTerminals are real).
describe('terminal relay between nodes', () => {
  const identity = identityOf();
  let server: Server;
  let port: number;
  const sent: ServerTerminalMessage[] = [];
  const session: TerminalAgentSession = {
    machineId: 'pc1.acme',
    active: true,
    sendTerminal: (m) => {
      sent.push(m);
      return true;
    },
  };
  const terminals = new AgentTerminals(() => identity, Date.now);
  const warnings: string[] = [];

  before(async () => {
    const tls = await selfSignedCertificate('localhost');
    server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.3' });
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      assert.equal(req.url, RELAY_PATH);
      acceptTerminalRelay(ws, req.socket as TLSSocket, {
        identity: () => identity,
        sessions: { get: (id) => (id === session.machineId ? session : undefined) },
        terminals,
        log: { warn: (_o, msg) => warnings.push(msg), info: () => undefined },
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const target = () => ({ nodeId: 'node-b', host: '127.0.0.1', port });
  const request = (sessionId: string) => ({
    sessionId,
    machineId: 'pc1.acme',
    user: 'olivia',
    cols: 80,
    rows: 24,
  });
  const waitFor = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(check());
  };

  test('a node holding the identity gets the terminal opened on the agent, bytes both ways, and its exit', async () => {
    const v = viewer();
    const channel = openTerminalRelay(target(), () => identity, request('r1'), v);
    await waitFor(() => sent.some((m) => m.t === 'terminal-open' && m.sessionId === 'r1'));
    terminals.fromAgent(session, { t: 'terminal-opened', sessionId: 'r1', shell: '/bin/sh' });
    terminals.fromAgent(session, {
      t: 'terminal-output',
      sessionId: 'r1',
      data: Buffer.from('hi-42\r\n').toString('base64'),
    });
    await waitFor(() => v.text() === 'hi-42\r\n');
    // The agent is credited once the bytes left the relay's node.
    await waitFor(() => sent.some((m) => m.t === 'terminal-output-ack' && m.sessionId === 'r1'));
    await channel.input(Buffer.from('echo hi\r'));
    channel.resize(100, 30);
    await waitFor(() => sent.some((m) => m.t === 'terminal-resize' && m.cols === 100));
    const input = sent.find((m) => m.t === 'terminal-input' && m.sessionId === 'r1');
    assert.equal(input?.t === 'terminal-input' && Buffer.from(input.data, 'base64').toString(), 'echo hi\r');
    terminals.fromAgent(session, { t: 'terminal-exit', sessionId: 'r1', exitCode: 0, signal: null });
    await v.settled;
    assert.deepEqual(v.events, ['opened /bin/sh', 'exit 0']);
  });

  test('a node that cannot prove the server identity is refused, and opens nothing on the agent', async () => {
    const before = sent.length;
    const v = viewer();
    openTerminalRelay(target(), identityOf, request('r2'), v);
    await v.settled;
    assert.match(
      v.events[0] ?? '',
      /^lost node node-b .* did not prove the server identity; nothing was sent to it$/,
    );
    // The impostor learned nothing and asked nothing: no terminal-open reached the agent.
    assert.equal(sent.slice(before).filter((m) => m.t === 'terminal-open').length, 0);
  });

  test("the agent's node refuses a relay whose proof is not made with the server identity", async () => {
    const before = sent.length;
    const impostor = identityOf();
    const ws = new WebSocket(`wss://127.0.0.1:${port}${RELAY_PATH}`, { rejectUnauthorized: false });
    let socket: TLSSocket | null = null;
    ws.on('upgrade', (response) => {
      socket = response.socket as TLSSocket;
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const clientNonce = Buffer.alloc(32, 7);
    ws.on('open', () => ws.send(JSON.stringify({ t: 'relay-hello', nonce: clientNonce.toString('base64') })));
    ws.on('message', (data) => {
      const challenge = JSON.parse(data.toString());
      const binding = (socket as unknown as TLSSocket).exportKeyingMaterial(
        32,
        CHANNEL_BINDING_LABEL,
        Buffer.alloc(0),
      );
      const transcript = proofTranscript(
        'relay-client',
        clientNonce,
        Buffer.from(challenge.nonce, 'base64'),
        binding,
      );
      const proof = signProof(impostor.privateKey, transcript).toString('base64');
      ws.send(JSON.stringify({ t: 'relay-auth', proof, open: request('r5') }));
    });
    assert.equal(await closed, 4401);
    assert.ok(warnings.includes('a terminal relay did not prove the server identity; refused'));
    assert.equal(sent.slice(before).filter((m) => m.t === 'terminal-open').length, 0);
  });

  test('a relay for an agent this node does not hold is told so', async () => {
    const v = viewer();
    openTerminalRelay(target(), () => identity, { ...request('r3'), machineId: 'elsewhere.acme' }, v);
    await v.settled;
    assert.deepEqual(v.events, ['lost the agent is not connected to this node']);
  });

  test('a node with nothing listening is reported lost with the reason', async () => {
    const v = viewer();
    openTerminalRelay({ nodeId: 'gone', host: '127.0.0.1', port: 1 }, () => identity, request('r4'), v);
    await v.settled;
    assert.match(v.events[0] ?? '', /^lost the relay to node gone \(127\.0\.0\.1:1\) failed: .*ECONNREFUSED/);
  });
});
