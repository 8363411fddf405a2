import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  CHANNEL_BINDING_LABEL,
  createDecoder,
  encodeFrame,
  FrameError,
  MAX_AGENT_FRAME_BYTES,
  proofTranscript,
  signProof,
  verifyProof,
  zeroMask,
} from '@muster/protocol';
import WebSocket from 'ws';
import type { ServerIdentity } from '../services/server-identity.service';
import {
  RELAY_PATH,
  type RelayClientFrame,
  RelayCloseCode,
  type RelayServerFrame,
  RelayServerFrames,
} from './relay-messages';
import type { TerminalChannel, TerminalOpenRequest, TerminalViewer } from './terminal-stream';

const decoder = createDecoder<RelayServerFrame>(RelayServerFrames);

/** Output this end holds for a viewer that has not taken it before it stops reading the relay. */
const RELAY_OUTPUT_HIGH_WATER = 1024 * 1024;

/** Where the node that holds the agent is reached. */
export interface RelayTarget {
  nodeId: string;
  host: string;
  port: number;
}

/**
 * Opens a terminal on an agent held by another node, through that node's relay (see
 * relay-messages.ts). The other node must prove the server identity before anything of the
 * request is sent; the viewer hears `lost` with the reason when it does not, or when the relay
 * breaks. Output is read from the relay only as fast as the viewer takes it.
 */
export function openTerminalRelay(
  target: RelayTarget,
  identity: () => ServerIdentity,
  request: TerminalOpenRequest,
  viewer: TerminalViewer,
  timeoutMs = 10_000,
): TerminalChannel {
  const host = isIP(target.host) === 6 ? `[${target.host}]` : target.host;
  const ws = new WebSocket(`wss://${host}:${target.port}${RELAY_PATH}`, {
    rejectUnauthorized: false, // the node proves the server identity over the channel binding below
    minVersion: 'TLSv1.3',
    handshakeTimeout: timeoutMs,
    maxPayload: MAX_AGENT_FRAME_BYTES,
    perMessageDeflate: false,
    generateMask: zeroMask, // inside TLS, see zeroMask
  } as WebSocket.ClientOptions);
  let socket: TLSSocket | null = null;
  const clientNonce = randomBytes(32);
  let proven = false;
  let finished = false;
  let heldBytes = 0;
  const where = `node ${target.nodeId} (${target.host}:${target.port})`;

  // Input and resizes wait until both ends proved themselves: nothing crosses before that.
  let settleProof: (proven: boolean) => void = () => undefined;
  const whenProven = new Promise<boolean>((resolve) => {
    settleProof = resolve;
  });
  const finish = (tell: () => void) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    settleProof(false);
    tell();
  };
  const timer = setTimeout(() => {
    finish(() => viewer.lost(`${where} did not answer the relay in time`));
    ws.terminate();
  }, timeoutMs);
  const send = (frame: RelayClientFrame[keyof RelayClientFrame]) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame));
  };

  ws.on('upgrade', (response: IncomingMessage) => {
    socket = response.socket as TLSSocket;
  });
  ws.on('open', () => send({ t: 'relay-hello', nonce: clientNonce.toString('base64') }));
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (finished) return;
    if (isBinary) {
      if (!proven) return;
      heldBytes += data.length;
      if (heldBytes > RELAY_OUTPUT_HIGH_WATER) ws.pause();
      viewer.output(data, () => {
        heldBytes -= data.length;
        if (heldBytes <= RELAY_OUTPUT_HIGH_WATER / 4) ws.resume();
      });
      return;
    }
    let frame: RelayServerFrame[keyof RelayServerFrame];
    try {
      frame = decoder.decode(data);
    } catch (error) {
      finish(() =>
        viewer.lost(
          `${where} sent a bad relay frame: ${error instanceof FrameError ? error.detail : 'bad frame'}`,
        ),
      );
      ws.close(RelayCloseCode.protocolError, 'bad frame');
      return;
    }
    if (frame.t === 'relay-challenge') {
      const binding = socket?.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0));
      const serverNonce = Buffer.from(frame.nonce, 'base64');
      const { privateKey, publicKeyDer } = identity();
      if (
        proven ||
        !binding ||
        !verifyProof(
          publicKeyDer,
          proofTranscript('relay-server', clientNonce, serverNonce, binding),
          Buffer.from(frame.proof, 'base64'),
        )
      ) {
        finish(() => viewer.lost(`${where} did not prove the server identity; nothing was sent to it`));
        ws.close(RelayCloseCode.notProven, 'the node did not prove the server identity');
        return;
      }
      proven = true;
      clearTimeout(timer);
      const proof = signProof(privateKey, proofTranscript('relay-client', clientNonce, serverNonce, binding));
      send({ t: 'relay-auth', proof: proof.toString('base64'), open: request });
      settleProof(true);
      return;
    }
    if (!proven) return;
    if (frame.t === 'opened') viewer.opened(frame.shell);
    else if (frame.t === 'refused') finish(() => viewer.refused(frame.reason));
    else if (frame.t === 'exit') finish(() => viewer.exit(frame.exitCode, frame.signal));
    else if (frame.t === 'lost') finish(() => viewer.lost(frame.reason));
  });
  ws.on('close', (code, reason) => {
    const why =
      code === RelayCloseCode.notProven
        ? `${where} refused the relay: ${reason.toString() || 'this node did not prove the server identity'}`
        : `the relay to ${where} broke`;
    finish(() => viewer.lost(why));
  });
  ws.on('error', (error) => {
    finish(() => viewer.lost(`the relay to ${where} failed: ${error.message}`));
  });

  return {
    input: async (data) => {
      if (!(await whenProven) || finished || ws.readyState !== ws.OPEN) return;
      await new Promise<void>((resolve) => ws.send(data, { binary: true }, () => resolve()));
    },
    resize: (cols, rows) => {
      void whenProven.then((proven) => {
        if (proven && !finished) send({ t: 'resize', cols, rows });
      });
    },
    close: () => {
      if (finished) return;
      send({ t: 'close' });
      finished = true;
      clearTimeout(timer);
      ws.close(1000, 'closed');
    },
  };
}
