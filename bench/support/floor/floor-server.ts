/**
 * The floor: the least a TLS WebSocket server can do for the same connections. An https
 * server with a `ws` WebSocketServer on TLS 1.3 (self-signed certificate, same options as the
 * agent gateway) that accepts every connection and discards every message. Runs as a child
 * process so its RSS and CPU are its own; reports its port and counters over IPC. On request it
 * fans one frame out to every connection and times until each has answered (the least a
 * command fan-out can cost: one frame out and one back per connection).
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { MAX_AGENT_FRAME_BYTES } from '@muster/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { selfSignedCertificate } from '../../../packages/server/src/gateway/tls-credentials';
import type { FloorChildMessage, FloorParentMessage } from './floor-protocol';

const host = process.argv[2] ?? '127.0.0.1';
let received = 0;
let connections = 0;
const open = new Set<WebSocket>();
/** The fan-out under way: frames sent, answers counted, and who asked. */
let fanout: { id: number; sent: number; answered: number; startedAt: number } | null = null;

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
  open.add(ws);
  ws.on('message', () => {
    received++;
    if (fanout) answered(fanout);
  });
  ws.on('close', () => {
    connections--;
    open.delete(ws);
  });
  ws.on('error', () => {});
});
wss.on('error', () => {});
server.listen({ host, port: 0, backlog: 4096 }, () => {
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
});

/** Counts one answer to the fan-out; the last one reports the time. */
function answered(f: NonNullable<typeof fanout>): void {
  f.answered++;
  if (f.answered < f.sent) return;
  fanout = null;
  send({
    type: 'fanout-done',
    id: f.id,
    sent: f.sent,
    answered: f.answered,
    ms: performance.now() - f.startedAt,
  });
}

/**
 * Sends the frame to every open connection; their clients answer each frame once. Every
 * message received meanwhile counts as an answer, so check-ins must be off (the phase does so).
 */
function startFanout(id: number, frame: string): void {
  if (open.size === 0) {
    send({ type: 'fanout-done', id, sent: 0, answered: 0, ms: 0 });
    return;
  }
  fanout = { id, sent: open.size, answered: 0, startedAt: performance.now() };
  for (const ws of open) ws.send(frame);
}

process.on('message', (raw) => {
  const message = raw as FloorParentMessage;
  if (message.type === 'count') send({ type: 'count', id: message.id, received, connections });
  else if (message.type === 'fanout') startFanout(message.id, message.frame);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
