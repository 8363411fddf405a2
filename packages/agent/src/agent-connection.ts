import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  AgentHandshake,
  type AgentLinkMessage,
  type AgentMessage,
  BINARY_TERMINAL_OUTPUT_FEATURE,
  CHANNEL_BINDING_LABEL,
  CloseCode,
  createDecoder,
  dispatchMessage,
  encodeFrame,
  type FileReply,
  FrameError,
  formatServerAddress,
  MAX_AGENT_FRAME_BYTES,
  type MessageHandlers,
  namesFeature,
  SERVER_FEATURES_HEADER,
  type ServerAddress,
  type ServerMessage,
  type ServerTerminalMessage,
  ServerToAgent,
  serverMessageVerdict,
  signedAuth,
  zeroMask,
} from '@muster/protocol';
import WebSocket from 'ws';
import type { AgentKey } from './agent-key';
import { agentTlsContext } from './agent-tls-context';
import { nextAttemptAt } from './attempt-clock';
import type { BandwidthThrottle } from './throttle';

const decoder = createDecoder<ServerMessage>(ServerToAgent);

/** Why a connection attempt failed. */
export type ConnectFailure =
  | 'unresolvable'
  | 'unreachable'
  | 'identity-mismatch'
  | 'refused'
  | 'protocol'
  /** Something answered that is not a Muster agent port (the API port, a web server). */
  | 'not-agent-port';

/** A failed connection attempt, with what the agent should tell its operator. */
export class ConnectError extends Error {
  constructor(
    readonly kind: ConnectFailure,
    message: string,
    readonly closeCode?: number,
    /** The Server ID the server had proven before it closed; absent when it closed before that. */
    readonly serverId?: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** What the agent presents when it connects. */
export interface ConnectOptions {
  address: ServerAddress;
  key: AgentKey;
  /** When set, a server with another identity is refused before the agent proves anything. */
  pinnedServerId: string | null;
  enrollToken?: string;
  hostName: string;
  hardwareId: string;
  agentVersion: string;
  configured?: AgentMessage['auth']['configured'];
  /** Source address for the connection (multi-homed machines, the load simulator). */
  localAddress?: string;
  timeoutMs: number;
}

/** The server's welcome, as received. */
export type Welcome = ServerMessage['welcome'];

/** Handlers for messages the server sends after the welcome. */
export interface ConnectionEvents {
  command?: (message: ServerMessage['command']) => void;
  commandAck?: (message: ServerMessage['command-ack']) => void;
  /** A reply to a file request (put-file, get-file). */
  file?: (message: FileReply) => void;
  /** A remote terminal request or its input, size, acknowledgements or close. */
  terminal?: (message: ServerTerminalMessage) => void;
  close?: (code: number, reason: string) => void;
}

/** How many messages a connection keeps for handlers not set yet (one command and its acks fit). */
const MAX_EARLY_MESSAGES = 64;

/**
 * One authenticated connection to one server. The server proves its identity first (its
 * signature over our nonce and the TLS channel binding), so a bound agent refuses an impostor
 * before it sends anything that identifies it.
 */
export class AgentConnection {
  private events: ConnectionEvents | null = null;
  private throttle: BandwidthThrottle | null = null;
  private sending: Promise<void> = Promise.resolve();
  /**
   * What the server sent before anyone listened, in order. The server may send a command the
   * moment it has welcomed the agent, while the agent is still closing the connection it leaves
   * (a probe that won its way back to the primary is served only once the old one has closed):
   * dropped, that command would wait on the server as delivered until its lease ran out.
   */
  private early: Array<(events: ConnectionEvents) => void> = [];

  constructor(
    private readonly ws: WebSocket,
    readonly address: ServerAddress,
    readonly serverId: string,
    /** The verified server identity key: commands must be signed with it. */
    readonly serverPublicKeyDer: Buffer,
    readonly welcome: Welcome,
    /** Whether the server takes terminal output as binary frames (it named the feature at the upgrade). */
    readonly binaryTerminalOutput = false,
  ) {
    ws.on('message', (data: Buffer) => {
      let message: ServerMessage[keyof ServerMessage];
      try {
        message = decoder.decode(data);
      } catch (error) {
        this.close(CloseCode.protocolError, error instanceof FrameError ? error.detail : 'bad frame');
        return;
      }
      // A late challenge or welcome is dropped unread (see serverMessageVerdict).
      if (serverMessageVerdict('active', message.t) !== 'handle') return;
      dispatchMessage(AgentConnection.handlers, message as AgentLinkMessage[keyof AgentLinkMessage], this);
    });
    ws.on('close', (code, reason) => {
      this.closeReason = reason.toString();
      this.dispatch((e) => e.close?.(code, reason.toString()), true);
    });
  }

  /**
   * The reason the close frame that ended this connection gave ('' when it broke without one),
   * null while it is open: the connection manager reads a reconnect window from it.
   */
  closeReason: string | null = null;

  /** Where each message of an established connection goes; one map for every connection. */
  private static readonly handlers: MessageHandlers<AgentLinkMessage, AgentConnection> = {
    command: (m, c) => c.dispatch((e) => e.command?.(m)),
    'command-ack': (m, c) => c.dispatch((e) => e.commandAck?.(m)),
    'file-data': (m, c) => c.dispatch((e) => e.file?.(m)),
    'file-ack': (m, c) => c.dispatch((e) => e.file?.(m)),
    'file-error': (m, c) => c.dispatch((e) => e.file?.(m)),
    'terminal-open': (m, c) => c.dispatch((e) => e.terminal?.(m)),
    'terminal-input': (m, c) => c.dispatch((e) => e.terminal?.(m)),
    'terminal-resize': (m, c) => c.dispatch((e) => e.terminal?.(m)),
    'terminal-close': (m, c) => c.dispatch((e) => e.terminal?.(m)),
    'terminal-output-ack': (m, c) => c.dispatch((e) => e.terminal?.(m)),
  };

  /** Sets the handlers for what the server sends next, first handing them what came before. */
  on(events: ConnectionEvents): void {
    this.events = events;
    const early = this.early;
    this.early = [];
    for (const deliver of early) deliver(events);
  }

  private dispatch(deliver: (events: ConnectionEvents) => void, isClose = false): void {
    if (this.events) {
      deliver(this.events);
      return;
    }
    // A server that floods a connection nobody serves yet is not followed: the agent goes (and
    // the close is always kept, so whoever serves the connection learns that it ended).
    if (!isClose && this.early.length >= MAX_EARLY_MESSAGES) {
      this.close(CloseCode.protocolError, 'too many messages before the agent was ready');
      return;
    }
    this.early.push(deliver);
  }

  /** Sends a message; false when the connection is no longer open. */
  send(message: AgentMessage[keyof AgentMessage]): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    return this.sendFrame(encodeFrame(message));
  }

  /** Sends a binary frame (terminal output, see terminal-frames); false when no longer open. */
  sendBinary(frame: Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    return this.sendFrame(frame);
  }

  private sendFrame(frame: string | Buffer): boolean {
    if (!this.throttle || this.throttle.rateKBps === 0) {
      this.ws.send(frame);
      return true;
    }
    // Through the agent's one bandwidth throttle, in order: results, audits and check-ins
    // all share the limit the administrator set.
    const throttle = this.throttle;
    this.sending = this.sending
      .then(() => throttle.take(Buffer.byteLength(frame)))
      .then(() => {
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
      });
    return true;
  }

  /** Routes every outgoing frame through a bandwidth throttle. */
  useThrottle(throttle: BandwidthThrottle): void {
    this.throttle = throttle;
  }

  /** Sends a WebSocket ping; resolves false if no pong comes within the timeout. */
  ping(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.ws.readyState !== WebSocket.OPEN) return resolve(false);
      const timer = setTimeout(() => {
        this.ws.off('pong', onPong);
        resolve(false);
      }, timeoutMs);
      const onPong = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.ws.once('pong', onPong);
      this.ws.ping();
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(code = 1000, reason = 'agent closing'): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  /** Drops the connection without a closing handshake (the peer is gone). */
  terminate(): void {
    this.ws.terminate();
  }
}

/** TLS errors a client gets when the other end does not speak TLS at all (a plain HTTP port). */
const NOT_TLS =
  /wrong version number|packet length too long|unknown protocol|record layer failure|http request/i;

/** What the agent tells its operator when something other than an agent port answered. */
function notAgentPort(where: string, what: string): ConnectError {
  return new ConnectError(
    'not-agent-port',
    `${where} is not a Muster agent port (${what}). Give the agent port (5721 by default, the server's ` +
      '"Agent port"), not the HTTP API port, as host:port without https://',
  );
}

/** The reason a server gave for a close, spelled out where the agent knows better what to do. */
function refusal(where: string, code: number, reason: string, serverId: string | undefined): ConnectError {
  if (code === CloseCode.unknownAgent) {
    return new ConnectError(
      'refused',
      `${where} does not know this agent's key: its machine account was removed, or the server's data was ` +
        'reset. Enroll it again with an install token: muster agent --token TOKEN --state <this state directory> ' +
        `(the agent then makes a new key and a new machine account) (code ${code})`,
      code,
      serverId,
    );
  }
  return new ConnectError('refused', `${where} refused the agent: ${reason} (code ${code})`, code, serverId);
}

async function resolveHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new ConnectError(
      'unresolvable',
      `server host "${host}" does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Connects, verifies the server, authenticates, and resolves once welcomed. */
export async function connectAgent(options: ConnectOptions): Promise<AgentConnection> {
  const attemptAt = nextAttemptAt();
  const ip = await resolveHost(options.address.host);
  const target = formatServerAddress({ host: ip, port: options.address.port });
  const where = formatServerAddress(options.address);
  return new Promise<AgentConnection>((resolve, reject) => {
    const ws = new WebSocket(`wss://${target}/agent`, {
      rejectUnauthorized: false, // identity is proven by the server key, not the certificate
      secureContext: agentTlsContext(), // TLS 1.3 only; one for every connection (see there)
      servername: isIP(options.address.host) === 0 ? options.address.host : undefined,
      localAddress: options.localAddress,
      handshakeTimeout: options.timeoutMs,
      maxPayload: MAX_AGENT_FRAME_BYTES,
      perMessageDeflate: false,
      generateMask: zeroMask, // inside TLS, see zeroMask
    } as WebSocket.ClientOptions);
    let socket: TLSSocket | null = null;
    let binaryTerminalOutput = false;
    const handshake = new AgentHandshake(options.pinnedServerId);
    let done = false;
    const timer = setTimeout(
      () => fail(new ConnectError('unreachable', `${where}: handshake timed out`)),
      options.timeoutMs,
    );
    const fail = (error: ConnectError) => {
      if (done) return;
      done = true;
      handshake.close();
      clearTimeout(timer);
      ws.removeAllListeners('message');
      // The close code tells an impostor why; anything else is just dropped.
      if (error.kind === 'identity-mismatch')
        ws.close(CloseCode.serverIdentityMismatch, 'server identity is not the pinned Server ID');
      else ws.terminate();
      reject(error);
    };
    ws.on('upgrade', (response) => {
      socket = response.socket as TLSSocket;
      binaryTerminalOutput = namesFeature(
        response.headers[SERVER_FEATURES_HEADER],
        BINARY_TERMINAL_OUTPUT_FEATURE,
      );
    });
    ws.on('open', () => ws.send(encodeFrame(handshake.hello())));
    ws.on('unexpected-response', (_request, response) =>
      fail(notAgentPort(where, `it answered the agent's WebSocket with HTTP ${response.statusCode}`)),
    );
    ws.on('error', (error) =>
      fail(
        NOT_TLS.test(error.message)
          ? notAgentPort(where, 'it does not speak TLS')
          : new ConnectError('unreachable', `${where}: ${error.message}`),
      ),
    );
    ws.on('close', (code, reason) =>
      fail(refusal(where, code, reason.toString() || 'connection closed', handshake.provenServer?.serverId)),
    );
    ws.on('message', (data: Buffer) => {
      let message: ServerMessage[keyof ServerMessage];
      try {
        message = decoder.decode(data);
      } catch (error) {
        return fail(new ConnectError('protocol', `${where}: ${(error as Error).message}`));
      }
      // Only the challenge is signed over the channel binding: the exporter is read for it alone.
      const binding =
        message.t === 'challenge'
          ? socket?.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0))
          : undefined;
      const step = handshake.receive(message, binding);
      if (step.kind === 'refuse') {
        const identity = step.refusal.code === CloseCode.serverIdentityMismatch;
        return fail(
          new ConnectError(identity ? 'identity-mismatch' : 'protocol', `${where}: ${step.refusal.detail}`),
        );
      }
      if (step.kind === 'authenticate') {
        ws.send(
          encodeFrame(
            signedAuth(options.key, step.proof, {
              enrollToken: options.enrollToken || undefined,
              hostName: options.hostName,
              hardwareId: options.hardwareId,
              agentVersion: options.agentVersion,
              attemptAt,
              configured: options.configured || undefined,
            }),
          ),
        );
        return;
      }
      if (step.kind === 'welcomed') {
        done = true;
        clearTimeout(timer);
        ws.removeAllListeners('message');
        ws.removeAllListeners('close');
        ws.removeAllListeners('error');
        ws.on('error', () => ws.terminate());
        resolve(
          new AgentConnection(
            ws,
            options.address,
            step.server.serverId,
            step.server.publicKeyDer,
            step.welcome,
            binaryTerminalOutput,
          ),
        );
      }
    });
  });
}
