import { type KeyObject, randomBytes } from 'node:crypto';
import type { AgentMessage, ServerMessage } from './agent-messages';
import { PROTOCOL_VERSION } from './agent-messages';
import { CloseCode } from './close-codes';
import { keyFingerprint, proofTranscript, signProof, verifyProof } from './handshake-proof';
import { HandshakeRefusal, type MessageVerdict } from './handshake-refusal';

/**
 * Where an agent's connection is, as the server sees it: waiting for the hello, waiting for the
 * agent's proof, admitting it (a store lookup; nothing is read meanwhile), in an established
 * session, or closed (nothing more is read).
 */
export type ServerHandshakePhase = 'hello' | 'auth' | 'admitting' | 'active' | 'closed';

/** The phase in which the server handles each agent message; anywhere else it is out of order. */
export const AGENT_MESSAGE_PHASE = {
  hello: 'hello',
  auth: 'auth',
  checkin: 'active',
  audit: 'active',
  'settings-applied': 'active',
  'command-result': 'active',
  'file-read': 'active',
  'file-status': 'active',
  'file-write': 'active',
  'file-done': 'active',
  'replication-status': 'active',
  'terminal-opened': 'active',
  'terminal-refused': 'active',
  'terminal-output': 'active',
  'terminal-input-ack': 'active',
  'terminal-exit': 'active',
} as const satisfies { readonly [K in keyof AgentMessage]: 'hello' | 'auth' | 'active' };

/** Agent message types of an established session. */
export type AgentSessionMessageType = {
  [K in keyof AgentMessage]: (typeof AGENT_MESSAGE_PHASE)[K] extends 'active' ? K : never;
}[keyof AgentMessage];

/** The agent messages of an established session, by type: what the server's handler map covers. */
export type AgentSessionMessage = Pick<AgentMessage, AgentSessionMessageType>;

/**
 * What the server does with an agent message of `type` in `phase`: handle it in its phase,
 * read nothing while admitting or closed, and close the connection on anything out of order.
 */
export function agentMessageVerdict(phase: ServerHandshakePhase, type: keyof AgentMessage): MessageVerdict {
  if (phase === 'admitting' || phase === 'closed') return 'ignore';
  if (AGENT_MESSAGE_PHASE[type] === phase) return 'handle';
  return new HandshakeRefusal(CloseCode.protocolError, `${type} not allowed during ${phase}`);
}

/** The server identity key pair that signs the server's side of the handshake. */
export interface ServerIdentityKey {
  publicKeyDer: Buffer;
  privateKey: KeyObject;
}

/** What the handshake reads from the connection around it, only when it needs it. */
export interface ServerHandshakeKeys {
  /** The server identity key in force (read at each hello). */
  serverIdentity(): ServerIdentityKey;
  /** The connection's TLS channel binding (RFC 9266 tls-exporter, 32 bytes). */
  channelBinding(): Buffer;
}

/** An agent that proved possession of its key on this connection; admission decides the rest. */
export interface ProvenAgent {
  auth: AgentMessage['auth'];
  publicKeyDer: Buffer;
  keyFingerprint: string;
}

/** What the server does with one agent message. */
export type ServerHandshakeStep =
  /** An established session's message: hand it to the session's handler map. */
  | { readonly kind: 'handle' }
  /** Read nothing: admission is running or the connection is closing. */
  | { readonly kind: 'ignore' }
  /** The hello was accepted: send the challenge (the server's proof). */
  | { readonly kind: 'reply'; readonly message: ServerMessage['challenge'] }
  /** The agent proved its key: run admission, then `welcomed()` or a refusal. */
  | { readonly kind: 'admit'; readonly agent: ProvenAgent }
  /** Close the connection (after holding it, when `refusal.hold`). */
  | { readonly kind: 'refuse'; readonly refusal: HandshakeRefusal };

const HANDLE = Object.freeze({ kind: 'handle' as const });
const IGNORE = Object.freeze({ kind: 'ignore' as const });

/**
 * The server's side of the agent link handshake as a state machine, without sockets: the server
 * proves its identity first (its signature over both nonces and the TLS channel binding), then
 * the agent proves possession of its key over the same transcript. The caller decodes frames,
 * sends what a step says and runs admission; this decides what is allowed when.
 *
 * One per connection, kept small: it holds the agent's transcript only until the agent is
 * welcomed.
 */
export class ServerHandshake {
  private current: ServerHandshakePhase = 'hello';
  /**
   * What the agent must sign, built at the hello with the server's own transcript: the TLS
   * exporter is read once per connection (each read derives a secret; the reads were 1.6-2.6 %
   * of both ends' CPU in bench:scale's reconnect storms).
   */
  private agentTranscript: Buffer | null = null;

  /** The phase the connection is in. */
  get phase(): ServerHandshakePhase {
    return this.current;
  }

  /** Whether frames are read at all (not while admitting, not once closed). */
  get reading(): boolean {
    return this.current !== 'admitting' && this.current !== 'closed';
  }

  /** Decides what one decoded agent message does now, moving the phase on as the protocol says. */
  receive(message: AgentMessage[keyof AgentMessage], keys: ServerHandshakeKeys): ServerHandshakeStep {
    const verdict = agentMessageVerdict(this.current, message.t);
    if (verdict === 'ignore') return IGNORE;
    if (verdict instanceof HandshakeRefusal) return this.refuse(verdict);
    if (message.t === 'hello') return this.hello(message, keys);
    if (message.t === 'auth') return this.auth(message);
    return HANDLE;
  }

  /** Admission accepted the agent: the session is established. False when it closed meanwhile. */
  welcomed(): boolean {
    if (this.current !== 'admitting') return false;
    this.current = 'active';
    this.agentTranscript = null;
    return true;
  }

  /**
   * The handshake time ran out: the refusal to close with, or null when the agent was already
   * welcomed (or the connection closed) and the timeout no longer applies.
   */
  expired(): HandshakeRefusal | null {
    if (this.current === 'active' || this.current === 'closed') return null;
    this.close();
    return new HandshakeRefusal(CloseCode.handshakeTimeout, 'handshake timed out');
  }

  /** The connection is closing: nothing more is read. */
  close(): void {
    this.current = 'closed';
    this.agentTranscript = null;
  }

  private hello(message: AgentMessage['hello'], keys: ServerHandshakeKeys): ServerHandshakeStep {
    if (message.v !== PROTOCOL_VERSION) {
      return this.refuse(
        new HandshakeRefusal(
          CloseCode.unsupportedVersion,
          `protocol version ${message.v} is not supported (server speaks ${PROTOCOL_VERSION})`,
        ),
      );
    }
    const identity = keys.serverIdentity();
    const clientNonce = Buffer.from(message.clientNonce, 'base64');
    const serverNonce = randomBytes(32);
    const binding = keys.channelBinding();
    const transcript = proofTranscript('server', clientNonce, serverNonce, binding);
    this.agentTranscript = proofTranscript('agent', clientNonce, serverNonce, binding);
    this.current = 'auth';
    return {
      kind: 'reply',
      message: {
        t: 'challenge',
        serverNonce: serverNonce.toString('base64'),
        serverPublicKey: identity.publicKeyDer.toString('base64'),
        serverSignature: signProof(identity.privateKey, transcript).toString('base64'),
      },
    };
  }

  private auth(message: AgentMessage['auth']): ServerHandshakeStep {
    const publicKeyDer = Buffer.from(message.publicKey, 'base64');
    const transcript = this.agentTranscript as Buffer;
    if (!verifyProof(publicKeyDer, transcript, Buffer.from(message.signature, 'base64'))) {
      return this.refuse(
        new HandshakeRefusal(CloseCode.authFailed, 'agent signature does not verify', { hold: true }),
      );
    }
    this.current = 'admitting';
    return {
      kind: 'admit',
      agent: { auth: message, publicKeyDer, keyFingerprint: keyFingerprint(publicKeyDer) },
    };
  }

  private refuse(refusal: HandshakeRefusal): ServerHandshakeStep {
    this.close();
    return { kind: 'refuse', refusal };
  }
}
