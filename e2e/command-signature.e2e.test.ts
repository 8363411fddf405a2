import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import {
  type AgentMessage,
  AgentToServer,
  CHANNEL_BINDING_LABEL,
  commandSigningBytes,
  createDecoder,
  encodeFrame,
  proofTranscript,
  signProof,
} from '@muster/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { selfSignedCertificate } from '../packages/server/src/gateway/tls-credentials';
import { type Proc, startAgent, tempDir, waitFor } from './support/harness';

const decode = createDecoder<AgentMessage>(AgentToServer).decode;
type Result = AgentMessage['command-result'];

/**
 * A protocol peer standing in for a server: it proves identity A at the handshake (so the
 * unbound agent trusts it), then sends commands signed by A or by another key B.
 */
class PeerServer {
  private readonly identity = generateKeyPairSync('ed25519').privateKey;
  readonly results: Result[] = [];
  socket: WebSocket | null = null;
  private server: Server | null = null;

  async start(): Promise<number> {
    const tls = await selfSignedCertificate('peer');
    this.server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.3' });
    const wss = new WebSocketServer({ server: this.server });
    wss.on('connection', (ws, req) => this.session(ws, req.socket as TLSSocket));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  private session(ws: WebSocket, socket: TLSSocket): void {
    const binding = socket.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0));
    const serverNonce = randomBytes(32);
    ws.on('message', (data: Buffer) => {
      const m = decode(data);
      if (m.t === 'hello') {
        const transcript = proofTranscript(
          'server',
          Buffer.from(m.clientNonce, 'base64'),
          serverNonce,
          binding,
        );
        const publicKey = createPublicKey(this.identity).export({ format: 'der', type: 'spki' });
        ws.send(
          encodeFrame({
            t: 'challenge',
            serverNonce: serverNonce.toString('base64'),
            serverPublicKey: publicKey.toString('base64'),
            serverSignature: signProof(this.identity, transcript).toString('base64'),
          }),
        );
      } else if (m.t === 'auth') {
        ws.send(
          encodeFrame({
            t: 'welcome',
            machineId: 'pc.peer.acme',
            guid: '00000000-0000-4000-8000-000000000000',
            checkinControl: {
              primary: { host: '127.0.0.1', port: 1 },
              secondary: null,
              periodSeconds: 30,
              bindToServer: false,
              bandwidthKBps: 0,
            },
            settingsRevision: 1,
            auditRequired: false,
          }),
        );
        this.socket = ws;
      } else if (m.t === 'command-result') {
        this.results.push(m);
        ws.send(encodeFrame({ t: 'command-ack', id: m.id }));
      }
    });
  }

  /** Sends a shell command signed by `signer` (the proven identity unless told otherwise). */
  send(id: string, script: string, signer?: KeyObject): void {
    const unsigned = {
      id,
      machineId: 'pc.peer.acme',
      type: 'shell',
      params: { script },
      issuedAt: Date.now(),
    };
    const signature = signProof(signer ?? this.identity, commandSigningBytes(unsigned)).toString('base64');
    this.socket?.send(encodeFrame({ t: 'command', ...unsigned, attempt: 1, signature }));
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

describe('command signatures', () => {
  const dir = tempDir('signature');
  const peer = new PeerServer();
  let agent: Proc;

  before(async () => {
    const port = await peer.start();
    agent = startAgent('sig', {
      stateDir: join(dir.path, 'agent'),
      server: `127.0.0.1:${port}`,
      token: 'mit_any',
    });
    await waitFor('agent connected to the peer', () => peer.socket !== null);
  });
  after(async () => {
    await agent.stop();
    peer.close();
    dir.cleanup();
  });

  it('refuses a command signed by another key, with a reported error, and does not run it', async () => {
    const marker = join(dir.path, 'forged-ran');
    peer.send('forged1', `touch ${marker}`, generateKeyPairSync('ed25519').privateKey);
    const result = await waitFor('refusal', () => peer.results.find((r) => r.id === 'forged1'));
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /signature does not verify against the trusted server identity/);
    await assert.rejects(
      import('node:fs/promises').then((fs) => fs.access(marker)),
      'the forged command did not run',
    );
  });

  it('runs the same command signed by the server identity it verified', async () => {
    peer.send('genuine1', 'echo genuine');
    const result = await waitFor('result', () => peer.results.find((r) => r.id === 'genuine1'));
    assert.equal(result.status, 'complete');
    assert.match(result.output ?? '', /genuine/);
  });
});
