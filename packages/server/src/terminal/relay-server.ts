import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  CHANNEL_BINDING_LABEL,
  createDecoder,
  encodeFrame,
  FrameError,
  proofTranscript,
  signProof,
  verifyProof,
} from '@muster/protocol';
import type { WebSocket } from 'ws';
import type { ServerIdentity } from '../services/server-identity.service';
import type { AgentTerminals, TerminalAgentSession } from './agent-terminals';
import {
  type RelayClientFrame,
  RelayClientFrames,
  RelayCloseCode,
  type RelayServerFrame,
} from './relay-messages';
import type { TerminalChannel, TerminalViewer } from './terminal-stream';

const decoder = createDecoder<RelayClientFrame>(RelayClientFrames);

/** How long a relay may take to prove itself before it is dropped. */
const RELAY_AUTH_TIMEOUT_MS = 10_000;

/** What the relay's server end needs of its node. */
export interface RelayServerDeps {
  identity: () => ServerIdentity;
  /** The agent sessions of this node, by machine. */
  sessions: { get(machineId: string): TerminalAgentSession | undefined };
  terminals: AgentTerminals;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** The TLS exporter value both ends of this connection compute alike (channel binding). */
function bindingOf(socket: TLSSocket): Buffer {
  return socket.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0));
}

/**
 * The end of a terminal relay on the node that holds the agent: proves the server identity to
 * the node that asked, makes that node prove it too, then opens the terminal on the local agent
 * session and pipes bytes both ways with TCP backpressure (input waits for the agent's window;
 * output is acknowledged to the agent once it left this node).
 */
export function acceptTerminalRelay(ws: WebSocket, socket: TLSSocket, deps: RelayServerDeps): void {
  const from = socket.remoteAddress ?? 'unknown';
  let clientNonce: Buffer | null = null;
  let serverNonce: Buffer | null = null;
  let channel: TerminalChannel | null = null;
  let ended = false;
  const send = (frame: RelayServerFrame[keyof RelayServerFrame]) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame));
  };
  const end = (code: number, reason: string) => {
    ended = true;
    clearTimeout(timer);
    ws.close(code, reason.slice(0, 120));
  };
  const timer = setTimeout(
    () => end(RelayCloseCode.notProven, 'the relay did not prove itself in time'),
    RELAY_AUTH_TIMEOUT_MS,
  );

  const viewer: TerminalViewer = {
    opened: (shell) => send({ t: 'opened', shell }),
    refused: (reason) => {
      send({ t: 'refused', reason });
      end(1000, 'refused');
    },
    output: (data, taken) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(data, { binary: true }, () => taken());
    },
    exit: (exitCode, signal) => {
      send({ t: 'exit', exitCode, signal });
      end(1000, 'exited');
    },
    lost: (reason) => {
      send({ t: 'lost', reason });
      end(1000, 'lost');
    },
  };

  const onText = (frame: RelayClientFrame[keyof RelayClientFrame]) => {
    if (frame.t === 'relay-hello' && clientNonce === null) {
      clientNonce = Buffer.from(frame.nonce, 'base64');
      serverNonce = randomBytes(32);
      const transcript = proofTranscript('relay-server', clientNonce, serverNonce, bindingOf(socket));
      const proof = signProof(deps.identity().privateKey, transcript).toString('base64');
      send({ t: 'relay-challenge', nonce: serverNonce.toString('base64'), proof });
      return;
    }
    if (frame.t === 'relay-auth' && clientNonce && serverNonce && channel === null) {
      const transcript = proofTranscript('relay-client', clientNonce, serverNonce, bindingOf(socket));
      if (!verifyProof(deps.identity().publicKeyDer, transcript, Buffer.from(frame.proof, 'base64'))) {
        deps.log.warn({ from }, 'a terminal relay did not prove the server identity; refused');
        end(RelayCloseCode.notProven, 'the relay did not prove the server identity');
        return;
      }
      clearTimeout(timer);
      const session = deps.sessions.get(frame.open.machineId);
      if (!session?.active) {
        viewer.lost('the agent is not connected to this node');
        return;
      }
      deps.log.info(
        { from, sessionId: frame.open.sessionId, machineId: frame.open.machineId },
        'terminal relayed',
      );
      channel = deps.terminals.open(session, frame.open, viewer);
      return;
    }
    if (frame.t === 'resize' && channel) {
      channel.resize(frame.cols, frame.rows);
      return;
    }
    if (frame.t === 'close' && channel) {
      channel.close();
      end(1000, 'closed');
      return;
    }
    end(RelayCloseCode.protocolError, `${frame.t} out of order`);
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (ended) return;
    if (isBinary) {
      if (!channel) return end(RelayCloseCode.protocolError, 'input before the terminal opened');
      // Backpressure: read no more from the other node until the agent has room for this.
      ws.pause();
      void channel.input(data).finally(() => ws.resume());
      return;
    }
    let frame: RelayClientFrame[keyof RelayClientFrame];
    try {
      frame = decoder.decode(data);
    } catch (error) {
      return end(RelayCloseCode.protocolError, error instanceof FrameError ? error.detail : 'bad frame');
    }
    onText(frame);
  });
  ws.on('close', () => {
    clearTimeout(timer);
    ended = true;
    channel?.close();
  });
  ws.on('error', () => undefined);
}
