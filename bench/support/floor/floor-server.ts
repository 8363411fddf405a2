/**
 * The floor: the least a TLS WebSocket server can do for the same connections. An https
 * server with a `ws` WebSocketServer on TLS 1.3 (self-signed certificate, same options as the
 * agent gateway) that accepts every connection and discards every message. Runs as a child
 * process so its RSS and CPU are its own; reports its port and counters over IPC.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { MAX_AGENT_FRAME_BYTES } from '@muster/protocol';
import { WebSocketServer } from 'ws';
import { selfSignedCertificate } from '../../../packages/server/src/gateway/tls-credentials';
import type { FloorChildMessage, FloorParentMessage } from './floor-protocol';

const host = process.argv[2] ?? '127.0.0.1';
let received = 0;
let connections = 0;

function send(message: FloorChildMessage): void {
  process.send?.(message);
}

const tls = await selfSignedCertificate('muster-bench-floor');
const server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.3' }, (_req, res) => {
  res.writeHead(426).end();
});
server.headersTimeout = 15_000;
const wss = new WebSocketServer({
  server,
  maxPayload: MAX_AGENT_FRAME_BYTES,
  perMessageDeflate: false,
  clientTracking: false,
});
wss.on('connection', (ws) => {
  connections++;
  ws.on('message', () => {
    received++;
  });
  ws.on('close', () => {
    connections--;
  });
  ws.on('error', () => {});
});
wss.on('error', () => {});
server.listen({ host, port: 0, backlog: 4096 }, () => {
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
});

process.on('message', (raw) => {
  const message = raw as FloorParentMessage;
  if (message.type === 'count') send({ type: 'count', id: message.id, received, connections });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
