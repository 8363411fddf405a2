import type { NewTerminalSession, TerminalEndReason } from '../store/terminal-record';
import type { TerminalRecorder } from './recording/terminal-recorder';
import type { TerminalChannel, TerminalViewer } from './terminal-stream';

/** The socket of the person at the terminal (a browser, or `muster terminal`), as the service drives it. */
export interface TerminalClient {
  /** Terminal output; `sent` is called once it left this node. */
  output(data: Buffer, sent: () => void): void;
  /** A control message (session facts, opened, exit, errors) as JSON. */
  control(message: TerminalControlMessage): void;
  /** Ends the socket with a close code and a short reason. */
  close(code: number, reason: string): void;
}

/** The JSON messages a terminal client receives beside the output bytes. */
export type TerminalControlMessage =
  | { type: 'session'; id: string; machineId: string; recorded: true; recordInput: boolean }
  | { type: 'opened'; shell: string }
  | { type: 'exit'; exitCode: number | null; signal: number | null }
  | { type: 'ended'; reason: string }
  | { type: 'error'; message: string };

/** Close codes a terminal client sees (WebSocket private range). */
export const TerminalCloseCode = {
  /** The shell ended, or the user closed the session. */
  normal: 1000,
  /** The agent refused the terminal. */
  refused: 4001,
  /** The agent's connection (or the node holding it) went away. */
  lost: 4002,
  /** No input and no output for the idle time. */
  idle: 4003,
  /** An administrator ended the session. */
  endedByAdmin: 4004,
} as const;

/** How a live terminal ended. */
export interface TerminalEnd {
  reason: TerminalEndReason;
  by: string | null;
  bytesIn: number;
  bytesOut: number;
}

/** What a live terminal needs of its node. */
export interface LiveTerminalDeps {
  clock: () => number;
  /** A session with no input and no output this long ends (0: never). */
  idleMs: number;
  log: { warn(obj: object, msg: string): void };
  /**
   * Stores what else the end leaves behind (the audit entry). It runs after the record and the
   * recording are complete and before the client's socket closes, so a client that saw its
   * socket close finds the end everywhere it looks.
   */
  afterEnd?: (end: TerminalEnd) => Promise<unknown>;
}

/** How long a client waits for the end to be stored before its socket closes anyway. */
export const END_STORE_WAIT_MS = 5000;

/**
 * One live terminal on this node: the client's socket on one side, the channel towards the
 * agent on the other, the recording beside them, and the idle timer.
 */
export class LiveTerminal {
  private channel: TerminalChannel | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private done = false;
  private resolveEnded!: (end: TerminalEnd) => void;
  /** Resolves once the session ended, its record, recording and audit entry are stored, and the client is closed. */
  readonly ended: Promise<TerminalEnd>;
  /** What the agent's side tells this terminal. */
  readonly viewer: TerminalViewer;

  constructor(
    readonly record: NewTerminalSession,
    private readonly recording: TerminalRecorder,
    private readonly client: TerminalClient,
    private readonly deps: LiveTerminalDeps,
    private readonly forget: () => void,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    client.control({
      type: 'session',
      id: record.id,
      machineId: record.machineId,
      recorded: true,
      recordInput: record.recordInput,
    });
    this.touch();
    this.viewer = {
      opened: (shell) => client.control({ type: 'opened', shell }),
      refused: (reason) =>
        this.end('refused', `the agent refused the terminal: ${reason}`, TerminalCloseCode.refused),
      output: (data, taken) => {
        if (this.done) return taken();
        // The agent may send more once the client took this and the recording keeps up.
        const recorded = this.recording.output(data);
        this.touch();
        client.output(data, () => (recorded ? taken() : void this.recording.whenWritable().then(taken)));
      },
      exit: (exitCode, signal) => {
        client.control({ type: 'exit', exitCode, signal });
        this.end('exit', 'the shell exited', TerminalCloseCode.normal, null, false);
      },
      lost: (reason) => this.end('agent-lost', reason, TerminalCloseCode.lost, null, false),
    };
  }

  /** Connects the channel towards the agent (once it exists). */
  attach(channel: TerminalChannel): void {
    this.channel = channel;
    if (this.done) channel.close();
  }

  /** Input from the client; resolves once the agent has room for it (the caller stops reading meanwhile). */
  async input(data: Buffer): Promise<void> {
    if (this.done || !this.channel || data.length === 0) return;
    const recorded = this.recording.input(data);
    this.touch();
    await this.channel.input(data);
    if (!recorded) await this.recording.whenWritable();
  }

  /** The client's new size; anything outside 1..1000 is answered with an error and changes nothing. */
  resize(cols: unknown, rows: unknown): void {
    const ok = (n: unknown): n is number =>
      Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1000;
    if (!ok(cols) || !ok(rows)) {
      this.client.control({
        type: 'error',
        message: `a terminal size is 1 to 1000 columns and rows; got ${String(cols)}x${String(rows)}, kept the size`,
      });
      return;
    }
    if (this.done || !this.channel) return;
    this.recording.resize(cols, rows);
    this.channel.resize(cols, rows);
  }

  /** The client went away (closed its socket). */
  clientClosed(): void {
    this.end('closed', 'the client closed the session', TerminalCloseCode.normal);
  }

  /** Ends the session once: closes the agent's side and the client, completes the recording and the record. */
  end(
    reason: TerminalEndReason,
    message: string,
    code: number,
    by: string | null = null,
    closeChannel = true,
  ): void {
    if (this.done) return;
    this.done = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (closeChannel) this.channel?.close();
    if (reason !== 'exit') this.client.control({ type: 'ended', reason: message });
    this.forget();
    // The socket closes once the end is stored (or after a bounded wait on a stalled store):
    // whoever reacts to the close, a person or a script, then reads the finished record.
    let closed = false;
    const closeClient = () => {
      if (closed) return;
      closed = true;
      this.client.close(code, message.slice(0, 120));
    };
    const stalled = setTimeout(closeClient, END_STORE_WAIT_MS);
    void this.complete(reason, by).then((end) => {
      clearTimeout(stalled);
      closeClient();
      this.resolveEnded(end);
    });
  }

  private async complete(reason: TerminalEndReason, by: string | null): Promise<TerminalEnd> {
    try {
      const result = await this.recording.end({ endReason: reason, endedBy: by, endedAt: this.deps.clock() });
      if (!result.complete)
        this.deps.log.warn(
          { sessionId: this.record.id, droppedBytes: result.droppedBytes },
          'terminal recording is incomplete',
        );
    } catch (error) {
      this.deps.log.warn(
        { err: error, sessionId: this.record.id },
        'terminal session end could not be stored',
      );
    }
    const end = { reason, by, bytesIn: this.recording.bytesIn, bytesOut: this.recording.bytesOut };
    try {
      await this.deps.afterEnd?.(end);
    } catch (error) {
      this.deps.log.warn(
        { err: error, sessionId: this.record.id },
        'terminal session end could not be audited',
      );
    }
    return end;
  }

  private touch(): void {
    if (this.deps.idleMs <= 0 || this.done) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else
      this.idleTimer = setTimeout(
        () => this.end('idle', 'the session was idle too long', TerminalCloseCode.idle),
        this.deps.idleMs,
      );
  }
}
