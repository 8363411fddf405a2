import {
  type AgentTerminalMessage,
  type AgentTerminalMessageByType,
  dispatchMessage,
  type MessageHandlers,
  type ServerTerminalMessage,
  signProof,
  TERMINAL_CHUNK_BYTES,
  TERMINAL_INPUT_WINDOW_BYTES,
  type TerminalOutputFrame,
  terminalOpenSigningBytes,
} from '@muster/protocol';
import type { ServerIdentity } from '../services/server-identity.service';
import type { TerminalChannel, TerminalOpenRequest, TerminalViewer } from './terminal-stream';

/** What the terminal streams need of an agent's session on this node. */
export interface TerminalAgentSession {
  readonly machineId: string;
  /** Whether the session is established and may carry a terminal. */
  readonly active: boolean;
  /** Sends a terminal message; false when the connection is no longer open. */
  sendTerminal(message: ServerTerminalMessage): boolean;
}

/** Where an agent session hands its terminal messages, and says that it ended. */
export interface TerminalAgentLink {
  fromAgent(session: TerminalAgentSession, message: AgentTerminalMessage): void;
  /** Terminal output that came as a binary frame (see terminal-frames in the protocol). */
  output(session: TerminalAgentSession, frame: TerminalOutputFrame): void;
  sessionEnded(session: TerminalAgentSession): void;
}

/** One terminal stream between an agent session on this node and its viewer. */
class AgentStream implements TerminalChannel {
  /** Input bytes the agent has room for before it acknowledges more. */
  private inputCredit = TERMINAL_INPUT_WINDOW_BYTES;
  private readonly creditWaiters: Array<() => void> = [];
  /** Input is sent in order: each call waits for the one before it. */
  private inputChain: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    readonly sessionId: string,
    readonly session: TerminalAgentSession,
    readonly viewer: TerminalViewer,
    private readonly forget: (stream: AgentStream) => void,
  ) {}

  input(data: Buffer): Promise<void> {
    const run = this.inputChain.then(() => this.sendInput(data));
    this.inputChain = run.catch(() => undefined);
    return run;
  }

  private async sendInput(data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.length && !this.closed; offset += TERMINAL_CHUNK_BYTES) {
      const piece = data.subarray(offset, offset + TERMINAL_CHUNK_BYTES);
      while (this.inputCredit < piece.length && !this.closed)
        await new Promise<void>((resolve) => this.creditWaiters.push(resolve));
      if (this.closed) return;
      this.inputCredit -= piece.length;
      this.session.sendTerminal({
        t: 'terminal-input',
        sessionId: this.sessionId,
        data: piece.toString('base64'),
      });
    }
  }

  /** The agent wrote `bytes` more input to the terminal. */
  inputTaken(bytes: number): void {
    this.inputCredit = Math.min(TERMINAL_INPUT_WINDOW_BYTES, this.inputCredit + bytes);
    for (const wake of this.creditWaiters.splice(0)) wake();
  }

  resize(cols: number, rows: number): void {
    if (!this.closed)
      this.session.sendTerminal({ t: 'terminal-resize', sessionId: this.sessionId, cols, rows });
  }

  close(): void {
    if (this.closed) return;
    this.session.sendTerminal({ t: 'terminal-close', sessionId: this.sessionId });
    this.end();
  }

  /** Forgets the stream: no more input is sent, waiting input gives up. */
  end(): void {
    this.closed = true;
    for (const wake of this.creditWaiters.splice(0)) wake();
    this.forget(this);
  }
}

/**
 * The terminal streams of the agents connected to this node. Opens a pseudo-terminal on an
 * agent with a `terminal-open` signed by the server identity, routes what the agent sends to
 * the stream's viewer, and keeps each direction inside its credit window.
 */
export class AgentTerminals implements TerminalAgentLink {
  private readonly streams = new Map<string, AgentStream>();

  constructor(
    private readonly identity: () => ServerIdentity,
    private readonly clock: () => number,
  ) {}

  /** How many streams this node carries now. */
  get size(): number {
    return this.streams.size;
  }

  /**
   * Asks the agent of `session` for a terminal. The viewer hears `opened` or `refused` next.
   * Throws when the session id is already in use on this node.
   */
  open(session: TerminalAgentSession, request: TerminalOpenRequest, viewer: TerminalViewer): TerminalChannel {
    if (this.streams.has(request.sessionId))
      throw new Error(`terminal session ${request.sessionId} already open`);
    const stream = new AgentStream(request.sessionId, session, viewer, (s) => {
      if (this.streams.get(s.sessionId) === s) this.streams.delete(s.sessionId);
    });
    this.streams.set(request.sessionId, stream);
    const unsigned = { ...request, issuedAt: this.clock() };
    const signature = signProof(this.identity().privateKey, terminalOpenSigningBytes(unsigned)).toString(
      'base64',
    );
    if (!session.sendTerminal({ t: 'terminal-open', ...unsigned, signature })) {
      stream.end();
      viewer.lost('the agent disconnected');
    }
    return stream;
  }

  fromAgent(session: TerminalAgentSession, message: AgentTerminalMessage): void {
    const stream = this.streamOf(session, message.sessionId, message.t);
    if (stream) dispatchMessage(AgentTerminals.handlers, message, stream);
  }

  output(session: TerminalAgentSession, frame: TerminalOutputFrame): void {
    const stream = this.streamOf(session, frame.sessionId, 'terminal-output');
    if (stream) AgentTerminals.output(stream, frame.data);
  }

  /** The session's stream of that id; when there is none, the agent is told to stop sending. */
  private streamOf(
    session: TerminalAgentSession,
    sessionId: string,
    type: AgentTerminalMessage['t'],
  ): AgentStream | null {
    const stream = this.streams.get(sessionId);
    if (stream && stream.session === session) return stream;
    // Not a stream of this session (ended here, or never opened): the agent stops sending.
    if (type !== 'terminal-exit' && type !== 'terminal-refused')
      session.sendTerminal({ t: 'terminal-close', sessionId });
    return null;
  }

  /** Hands output to the viewer; the agent may send as much more once the viewer took it. */
  private static output(stream: AgentStream, data: Buffer): void {
    if (data.length === 0) return;
    stream.viewer.output(data, () => {
      if (!stream.closed)
        stream.session.sendTerminal({
          t: 'terminal-output-ack',
          sessionId: stream.sessionId,
          bytes: data.length,
        });
    });
  }

  /** What each agent message does to its stream; one map for every stream. */
  private static readonly handlers: MessageHandlers<AgentTerminalMessageByType, AgentStream> = {
    'terminal-opened': (m, stream) => stream.viewer.opened(m.shell),
    'terminal-refused': (m, stream) => {
      stream.end();
      stream.viewer.refused(m.reason);
    },
    // From an agent that talks JSON only (older than binary output frames).
    'terminal-output': (m, stream) => AgentTerminals.output(stream, Buffer.from(m.data, 'base64')),
    'terminal-input-ack': (m, stream) => stream.inputTaken(m.bytes),
    'terminal-exit': (m, stream) => {
      stream.end();
      stream.viewer.exit(m.exitCode, m.signal);
    },
  };

  sessionEnded(session: TerminalAgentSession): void {
    for (const stream of [...this.streams.values()]) {
      if (stream.session !== session) continue;
      stream.end();
      stream.viewer.lost('the agent disconnected');
    }
  }
}
