import { type KeyObject, randomBytes } from 'node:crypto';
import type { AgentMessage, ServerMessage } from './agent-messages';
import { PROTOCOL_VERSION } from './agent-messages';
import { CloseCode } from './close-codes';
import { keyFingerprint, proofTranscript, signProof, verifyProof } from './handshake-proof';
import { HandshakeRefusal, type MessageVerdict } from './handshake-refusal';

/**
 * Where a connection is, as the agent sees it: about to say hello, waiting for the server's
 * challenge, waiting for the welcome, established, or closed.
 */
export type AgentHandshakePhase = 'hello' | 'challenge' | 'welcome' | 'active' | 'closed';

/** The phase in which the agent handles each server message. */
export const SERVER_MESSAGE_PHASE = {
  challenge: 'challenge',
  welcome: 'welcome',
  command: 'active',
  'command-ack': 'active',
  'file-data': 'active',
  'file-ack': 'active',
  'file-error': 'active',
  'terminal-open': 'active',
  'terminal-input': 'active',
  'terminal-resize': 'active',
  'terminal-close': 'active',
  'terminal-output-ack': 'active',
} as const satisfies { readonly [K in keyof ServerMessage]: 'challenge' | 'welcome' | 'active' };

/** Server message types of an established connection. */
export type AgentLinkMessageType = {
  [K in keyof ServerMessage]: (typeof SERVER_MESSAGE_PHASE)[K] extends 'active' ? K : never;
}[keyof ServerMessage];

/** The server messages of an established connection, by type: what the agent's handler map covers. */
export type AgentLinkMessage = Pick<ServerMessage, AgentLinkMessageType>;

/**
 * What the agent does with a server message of `type` in `phase`. Before the welcome anything
 * out of order ends the attempt; once established, a late challenge or welcome is dropped
 * unread (no server sends one, and it changes nothing the agent relies on).
 */
export function serverMessageVerdict(phase: AgentHandshakePhase, type: keyof ServerMessage): MessageVerdict {
  if (phase === 'closed') return 'ignore';
  if (SERVER_MESSAGE_PHASE[type] === phase) return 'handle';
  if (phase === 'active') return 'ignore';
  return new HandshakeRefusal(CloseCode.protocolError, `unexpected ${type} during handshake`);
}

/** The inputs both proofs of one connection sign (see proofTranscript). */
export interface HandshakeProof {
  clientNonce: Buffer;
  serverNonce: Buffer;
  /** The connection's TLS channel binding (RFC 9266 tls-exporter, 32 bytes). */
  binding: Buffer;
}

/** A server that proved its identity on this connection. */
export interface ProvenServer {
  /** The Server ID: fingerprint of the server identity key. */
  serverId: string;
  /** The server identity key: commands must be signed with it. */
  publicKeyDer: Buffer;
}

/** An Ed25519 key pair an agent proves possession of. */
export interface AgentProofKey {
  privateKey: KeyObject;
  publicKeyDer: Buffer;
}

/** What the agent's auth message says about it besides the proof. */
export type AgentPresentation = Omit<AgentMessage['auth'], 't' | 'publicKey' | 'signature'>;

/**
 * The agent's auth message: `key`'s signature over the connection's proof inputs, and what the
 * agent presents. Optional fields left undefined are left out of the message.
 */
export function signedAuth(
  key: AgentProofKey,
  proof: HandshakeProof,
  presents: AgentPresentation,
): AgentMessage['auth'] {
  const transcript = proofTranscript('agent', proof.clientNonce, proof.serverNonce, proof.binding);
  return {
    t: 'auth',
    publicKey: key.publicKeyDer.toString('base64'),
    signature: signProof(key.privateKey, transcript).toString('base64'),
    ...(presents.enrollToken === undefined ? {} : { enrollToken: presents.enrollToken }),
    hostName: presents.hostName,
    hardwareId: presents.hardwareId,
    agentVersion: presents.agentVersion,
    ...(presents.attemptAt === undefined ? {} : { attemptAt: presents.attemptAt }),
    ...(presents.configured === undefined ? {} : { configured: presents.configured }),
  };
}

/** What the agent does with one server message. */
export type AgentHandshakeStep =
  /** An established connection's message: hand it to the agent's handler map. */
  | { readonly kind: 'handle' }
  /** Drop it unread. */
  | { readonly kind: 'ignore' }
  /** The server proved its identity: send `signedAuth(key, proof, presents)`. */
  | { readonly kind: 'authenticate'; readonly server: ProvenServer; readonly proof: HandshakeProof }
  /** The server welcomed the agent: the connection is established. */
  | { readonly kind: 'welcomed'; readonly server: ProvenServer; readonly welcome: ServerMessage['welcome'] }
  /**
   * End the attempt. A close code of serverIdentityMismatch means the server is not who it must
   * be (its proof failed, or it is not the pinned Server ID): close with that code so the server
   * learns why; for anything else the agent just drops the connection.
   */
  | { readonly kind: 'refuse'; readonly refusal: HandshakeRefusal };

const HANDLE = Object.freeze({ kind: 'handle' as const });
const IGNORE = Object.freeze({ kind: 'ignore' as const });

/**
 * The agent's side of the agent link handshake as a state machine, without sockets. The agent
 * says hello with a fresh nonce; the server answers with its proof, which is checked (and, for a
 * bound agent, its Server ID against the pinned one) before the agent sends anything that
 * identifies it; then the agent proves its own key and waits for the welcome.
 *
 * The caller opens the socket, sends `hello()`, decodes what comes back, feeds it to `receive`
 * with the TLS channel binding, and does what the step says.
 */
export class AgentHandshake {
  private current: AgentHandshakePhase = 'hello';
  private server: ProvenServer | null = null;

  constructor(
    /** When set, a server with another identity is refused before the agent proves anything. */
    private readonly pinnedServerId: string | null,
    /** The agent's nonce for this connection; fresh unless a test replays a run. */
    readonly clientNonce: Buffer = randomBytes(32),
  ) {}

  /** The phase the connection is in. */
  get phase(): AgentHandshakePhase {
    return this.current;
  }

  /** The server that proved its identity on this connection; null before its challenge checked out. */
  get provenServer(): ProvenServer | null {
    return this.server;
  }

  /** The hello that opens the handshake; said once, first. */
  hello(): AgentMessage['hello'] {
    if (this.current !== 'hello') throw new Error(`hello already said (phase ${this.current})`);
    this.current = 'challenge';
    return { t: 'hello', v: PROTOCOL_VERSION, clientNonce: this.clientNonce.toString('base64') };
  }

  /**
   * Decides what one decoded server message does now, moving the phase on as the protocol says.
   * `binding` is the connection's TLS channel binding; only the challenge needs it.
   */
  receive(message: ServerMessage[keyof ServerMessage], binding: Buffer | undefined): AgentHandshakeStep {
    const verdict = serverMessageVerdict(this.current, message.t);
    if (verdict === 'ignore') return IGNORE;
    if (verdict instanceof HandshakeRefusal) return this.refuse(verdict);
    if (message.t === 'challenge') return this.challenge(message, binding);
    if (message.t === 'welcome') {
      this.current = 'active';
      return { kind: 'welcomed', server: this.server as ProvenServer, welcome: message };
    }
    return HANDLE;
  }

  /** The connection is closing: nothing more is read. */
  close(): void {
    this.current = 'closed';
  }

  private challenge(message: ServerMessage['challenge'], binding: Buffer | undefined): AgentHandshakeStep {
    if (!binding) return this.refuse(new HandshakeRefusal(CloseCode.protocolError, 'no TLS channel binding'));
    const publicKeyDer = Buffer.from(message.serverPublicKey, 'base64');
    const serverNonce = Buffer.from(message.serverNonce, 'base64');
    const proof: HandshakeProof = { clientNonce: this.clientNonce, serverNonce, binding };
    const transcript = proofTranscript('server', proof.clientNonce, serverNonce, binding);
    if (!verifyProof(publicKeyDer, transcript, Buffer.from(message.serverSignature, 'base64'))) {
      return this.refuse(
        new HandshakeRefusal(CloseCode.serverIdentityMismatch, "the server's identity proof does not verify"),
      );
    }
    const serverId = keyFingerprint(publicKeyDer);
    if (this.pinnedServerId && serverId !== this.pinnedServerId) {
      return this.refuse(
        new HandshakeRefusal(
          CloseCode.serverIdentityMismatch,
          'server identity is not the pinned Server ID',
          {
            detail: `the server has Server ID ${serverId}, not the pinned ${this.pinnedServerId}: refusing to check in (bind to server is on)`,
          },
        ),
      );
    }
    this.server = { serverId, publicKeyDer };
    this.current = 'welcome';
    return { kind: 'authenticate', server: this.server, proof };
  }

  private refuse(refusal: HandshakeRefusal): AgentHandshakeStep {
    this.close();
    return { kind: 'refuse', refusal };
  }
}
