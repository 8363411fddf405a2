import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { CloseCode, encodeFrame, type ServerMessage } from '@muster/protocol';
import WebSocket, { WebSocketServer } from 'ws';
import { AgentConnection, type Welcome } from './agent-connection';

const WELCOME: Welcome = {
  t: 'welcome',
  machineId: 'pc1.web.acme',
  guid: '7b0e3d0c-0000-4000-8000-000000000000',
  checkinControl: {
    primary: { host: '127.0.0.1', port: 5721 },
    secondary: null,
    periodSeconds: 30,
    bindToServer: false,
    bandwidthKBps: 0,
  },
  settingsRevision: 1,
  auditRequired: false,
};

function command(id: string): ServerMessage['command'] {
  return {
    t: 'command',
    id,
    machineId: 'pc1.web.acme',
    type: 'shell',
    params: { script: 'true' },
    issuedAt: 1_700_000_000_000,
    attempt: 1,
    signature: Buffer.alloc(64).toString('base64'),
  };
}

/**
 * A real WebSocket peer (plain, on loopback) that sends the given frames as soon as a client is
 * connected, then (unless told not to) closes with 4321; the agent's connection is built around the client socket
 * after the handshake, as `connect` builds it after the welcome.
 */
async function connectionReceiving(
  frames: string[],
  closeAfter = true,
): Promise<{ connection: AgentConnection; stop(): void }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  server.on('connection', (peer) => {
    for (const frame of frames) peer.send(frame);
    if (closeAfter) peer.close(4321, 'done');
  });
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  // Built in the open event itself, before any frame can be read (as `connect` builds it in the
  // welcome's own message event).
  const connection = await new Promise<AgentConnection>((resolve) =>
    ws.once('open', () =>
      resolve(new AgentConnection(ws, { host: '127.0.0.1', port: 5721 }, 'id', Buffer.alloc(0), WELCOME)),
    ),
  );
  return { connection, stop: () => server.close() };
}

// Without the early buffer the close is lost too and a test would wait forever: each has a limit.
describe('AgentConnection', { timeout: 10_000 }, () => {
  it('keeps what the server sends before the handlers are set, and hands it over in order', async () => {
    const { connection, stop } = await connectionReceiving([
      encodeFrame(command('c1')),
      encodeFrame({ t: 'command-ack', id: 'c0' }),
    ]);
    try {
      // The connection sits unserved while the frames and the close arrive (as a probe's does
      // while the agent closes the connection it leaves).
      await new Promise((r) => setTimeout(r, 200));
      const seen: string[] = [];
      const closed = new Promise<number>((resolve) =>
        connection.on({
          command: (m) => seen.push(`command ${m.id}`),
          commandAck: (m) => seen.push(`ack ${m.id}`),
          close: (code) => resolve(code),
        }),
      );
      assert.equal(await closed, 4321);
      assert.deepEqual(seen, ['command c1', 'ack c0']);
    } finally {
      stop();
    }
  });

  it('leaves a server that floods a connection nobody serves yet, still reporting the close', async () => {
    const flood = Array.from({ length: 100 }, (_, i) => encodeFrame({ t: 'command-ack', id: `c${i}` }));
    const { connection, stop } = await connectionReceiving(flood, false);
    try {
      await new Promise((r) => setTimeout(r, 200));
      let acks = 0;
      const closed = new Promise<number>((resolve) =>
        connection.on({ commandAck: () => acks++, close: (code) => resolve(code) }),
      );
      assert.equal(await closed, CloseCode.protocolError);
      assert.equal(acks, 64, 'the first 64 are handed over, the rest refused');
    } finally {
      stop();
    }
  });
});
