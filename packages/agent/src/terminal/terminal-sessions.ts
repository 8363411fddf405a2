import {
  dispatchMessage,
  type MessageHandlers,
  type ServerTerminalMessage,
  type ServerTerminalMessageByType,
  TERMINAL_OPEN_MAX_SKEW_MS,
  type TerminalOpenMessage,
  terminalOpenSigningBytes,
  verifyProof,
} from '@muster/protocol';
import type { AgentLog } from '../agent-log';
import { type LoginShell, loginShell } from './login-shell';
import { OutputPacer } from './output-pacer';
import type { PtyLoader } from './pty-library';
import { type TerminalLink, TerminalSession } from './terminal-session';

/** The most terminals an agent keeps open at once, over all its connections. */
export const MAX_TERMINAL_SESSIONS = 8;

/** A connection terminals are opened on: where they send, and the server key it verified. */
export interface TerminalConnection extends TerminalLink {
  /** The verified server identity key: a terminal-open must be signed with it. */
  readonly serverPublicKeyDer: Buffer;
}

/** What the terminal sessions need from the agent around them. */
export interface TerminalSessionsOptions {
  /** This machine's id once enrolled. */
  machineId(): string | null;
  /** The pseudo-terminal library, loaded at the first terminal. */
  pty: PtyLoader;
  /** The agent's bandwidth limit in bytes per second (0: unlimited); output is paced to it. */
  bytesPerSecond(): number;
  log: AgentLog;
  clock?: () => number;
  /** The shell to run; the agent user's login shell by default. */
  shell?: () => LoginShell;
  maxSessions?: number;
}

/** A terminal being opened: what came for it while the library loaded is applied after. */
interface Opening {
  connection: TerminalConnection;
  early: ServerTerminalMessage[];
}

/**
 * The agent's remote terminals. Opens one on a terminal-open signed by the server this
 * connection proved to be, for this machine, issued lately; runs the agent user's shell in a
 * pseudo-terminal; and ends every terminal of a connection when it ends (a terminal is bound to
 * the connection it was opened on, and its server has forgotten it by then).
 */
export class TerminalSessions {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly opening = new Map<string, Opening>();
  private readonly endedConnections = new WeakSet<TerminalConnection>();
  private readonly pacer: OutputPacer;
  private readonly clock: () => number;
  private readonly maxSessions: number;

  constructor(private readonly options: TerminalSessionsOptions) {
    this.pacer = new OutputPacer(options.bytesPerSecond);
    this.clock = options.clock ?? Date.now;
    this.maxSessions = options.maxSessions ?? MAX_TERMINAL_SESSIONS;
  }

  /** How many terminals are open (or opening). */
  get size(): number {
    return this.sessions.size + this.opening.size;
  }

  /** An open terminal, by its session id (tests, the log). */
  session(sessionId: string): TerminalSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Handles a terminal message that came on `connection`. */
  handle(connection: TerminalConnection, message: ServerTerminalMessage): void {
    if (message.t === 'terminal-open') {
      this.open(connection, message);
      return;
    }
    const opening = this.opening.get(message.sessionId);
    if (opening?.connection === connection) {
      opening.early.push(message);
      return;
    }
    const session = this.sessions.get(message.sessionId);
    // A terminal is only ever driven through the connection it was opened on.
    if (!session || session.link !== connection) return;
    dispatchMessage(TerminalSessions.handlers, message as StreamMessage, session);
  }

  /** What each message does to an open terminal; one map for every terminal. */
  private static readonly handlers: MessageHandlers<StreamMessageByType, TerminalSession> = {
    'terminal-input': (m, session) => session.write(Buffer.from(m.data, 'base64')),
    'terminal-resize': (m, session) => session.resize(m.cols, m.rows),
    'terminal-close': (_m, session) => session.close(),
    'terminal-output-ack': (m, session) => session.acknowledge(m.bytes),
  };

  /** The connection ended: every terminal opened on it is closed (its shell hung up on). */
  connectionEnded(connection: TerminalConnection): void {
    this.endedConnections.add(connection);
    for (const session of [...this.sessions.values()]) if (session.link === connection) session.close();
  }

  /** Closes every terminal (the agent stops). */
  closeAll(): void {
    for (const session of [...this.sessions.values()]) session.close();
  }

  private open(connection: TerminalConnection, message: TerminalOpenMessage): void {
    const refusal = this.refusal(connection, message);
    if (refusal) {
      this.options.log.warn(
        { sessionId: message.sessionId, user: message.user, reason: refusal },
        'terminal refused',
      );
      connection.send({ t: 'terminal-refused', sessionId: message.sessionId, reason: refusal });
      return;
    }
    const library = this.options.pty.ready;
    if (library) {
      this.start(connection, message, library);
      return;
    }
    const opening: Opening = { connection, early: [] };
    this.opening.set(message.sessionId, opening);
    this.options.pty.library().then(
      (loaded) => {
        this.opening.delete(message.sessionId);
        if (this.endedConnections.has(connection)) return;
        if (opening.early.some((m) => m.t === 'terminal-close')) return;
        const session = this.start(connection, message, loaded);
        for (const early of opening.early) this.handle(connection, early);
        return session;
      },
      (error: Error) => {
        this.opening.delete(message.sessionId);
        const reason = `the terminal library cannot be loaded on this agent: ${error.message}`.slice(0, 1024);
        this.options.log.error({ sessionId: message.sessionId, error: error.message }, 'terminal refused');
        connection.send({ t: 'terminal-refused', sessionId: message.sessionId, reason });
      },
    );
  }

  /** Why a terminal-open is refused, or null when it may open. */
  private refusal(connection: TerminalConnection, m: TerminalOpenMessage): string | null {
    const signed = verifyProof(
      connection.serverPublicKeyDer,
      terminalOpenSigningBytes(m),
      Buffer.from(m.signature, 'base64'),
    );
    if (!signed) return 'the terminal request is not signed by the server this agent trusts';
    const machineId = this.options.machineId();
    if (m.machineId !== machineId)
      return `the terminal request is for machine "${m.machineId}", not this one ("${machineId ?? 'not enrolled'}")`;
    const skewMs = m.issuedAt - this.clock();
    if (Math.abs(skewMs) > TERMINAL_OPEN_MAX_SKEW_MS) {
      const how = skewMs < 0 ? 'before' : 'after';
      return (
        `the terminal request was issued ${Math.round(Math.abs(skewMs) / 1000)} s ${how} the agent's clock ` +
        `(at most ${TERMINAL_OPEN_MAX_SKEW_MS / 1000} s allowed): check the clocks of the server and this machine`
      );
    }
    if (this.sessions.has(m.sessionId) || this.opening.has(m.sessionId))
      return `a terminal session "${m.sessionId}" is already open on this agent`;
    if (this.size >= this.maxSessions)
      return `this agent already has ${this.size} terminals open, the most it allows at once`;
    return null;
  }

  private start(
    connection: TerminalConnection,
    m: TerminalOpenMessage,
    library: NonNullable<PtyLoader['ready']>,
  ): TerminalSession | null {
    const shell = (this.options.shell ?? loginShell)();
    let session: TerminalSession;
    try {
      const pty = library.spawn(shell.path, ['-l'], {
        name: 'xterm-256color',
        cols: m.cols,
        rows: m.rows,
        cwd: shell.home,
        env: { ...process.env, TERM: 'xterm-256color', SHELL: shell.path },
        // Bytes, not text: a multi-byte character split between two reads stays whole.
        encoding: null,
      });
      session = new TerminalSession(m.sessionId, connection, pty, this.pacer, this.options.log, (ended) => {
        if (this.sessions.get(ended.sessionId) === ended) this.sessions.delete(ended.sessionId);
      });
    } catch (error) {
      const reason = `the shell ${shell.path} could not be started: ${(error as Error).message}`.slice(
        0,
        1024,
      );
      this.options.log.error({ sessionId: m.sessionId, reason }, 'terminal refused');
      connection.send({ t: 'terminal-refused', sessionId: m.sessionId, reason });
      return null;
    }
    this.sessions.set(m.sessionId, session);
    this.options.log.info(
      { sessionId: m.sessionId, user: m.user, shell: shell.path, pid: session.pid },
      'terminal opened',
    );
    connection.send({ t: 'terminal-opened', sessionId: m.sessionId, shell: shell.path });
    return session;
  }
}

/** The messages of an open terminal's stream (everything but terminal-open). */
type StreamMessageByType = Omit<ServerTerminalMessageByType, 'terminal-open'>;
type StreamMessage = StreamMessageByType[keyof StreamMessageByType];
