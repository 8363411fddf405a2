import { once } from 'node:events';
import type { TLSSocket } from 'node:tls';
import type { AgentKey } from '@muster/agent';
import {
  AgentHandshake,
  type AgentPresentation,
  CHANNEL_BINDING_LABEL,
  createDecoder,
  encodeFrame,
  type ServerMessage,
  ServerToAgent,
  signedAuth,
} from '@muster/protocol';
import WebSocket from 'ws';

const decoder = createDecoder<ServerMessage>(ServerToAgent);

/**
 * A genuine agent handshake written out by hand, for tests that need to step outside what the
 * agent's own connection code does: opens a WebSocket to a test server's agent port, sends the
 * hello, checks the server's challenge and sends the auth of `key` presenting `presents`;
 * `sent` runs once the auth is on its way (to drop the connection at that moment, say).
 * Resolves with the WebSocket and a reader of the server's next message.
 */
export async function sendRawAuth(
  port: number,
  key: AgentKey,
  presents: AgentPresentation,
  sent?: (ws: WebSocket) => void,
): Promise<{ ws: WebSocket; next(): Promise<ServerMessage[keyof ServerMessage]> }> {
  const ws = new WebSocket(`wss://127.0.0.1:${port}/agent`, {
    rejectUnauthorized: false,
    perMessageDeflate: false,
  });
  let socket: TLSSocket | undefined;
  ws.on('upgrade', (response) => {
    socket = response.socket as TLSSocket;
  });
  ws.on('error', () => {});
  const next = async () => decoder.decode(((await once(ws, 'message')) as [Buffer])[0].toString('utf8'));
  await once(ws, 'open');
  const handshake = new AgentHandshake(null);
  ws.send(encodeFrame(handshake.hello()));
  const binding = (challenge: ServerMessage[keyof ServerMessage]) =>
    handshake.receive(challenge, socket?.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0)));
  const step = binding(await next());
  if (step.kind !== 'authenticate') throw new Error(`the server's challenge was not accepted: ${step.kind}`);
  ws.send(encodeFrame(signedAuth(key, step.proof, presents)), () => sent?.(ws));
  return { ws, next };
}
