import {
  type AgentTerminalMessage,
  encodeTerminalOutputFrame,
  TERMINAL_CHUNK_BYTES,
  TERMINAL_INPUT_WINDOW_BYTES,
  TERMINAL_OUTPUT_WINDOW_BYTES,
} from '@muster/protocol';
import type { AgentLog } from '../agent-log';
import type { OutputPacer } from './output-pacer';
import { PtyInputWriter } from './pty-input-writer';
import type { Pty } from './pty-library';
import { PtySlaveHold } from './pty-slave-hold';
import { signalGroup, signalSession } from './session-signals';

/** Where a terminal's messages go: the agent's connection it was opened on. */
export interface TerminalLink {
  /** Sends a message; false when the connection is no longer open. */
  send(message: AgentTerminalMessage): boolean;
  /** Whether the server takes output as binary frames (see terminal-frames in the protocol). */
  readonly binaryTerminalOutput: boolean;
  /** Sends a binary frame; false when the connection is no longer open. */
  sendBinary(frame: Buffer): boolean;
}

/** Output that follows a frame within this many milliseconds is streaming: it is gathered. */
const STREAMING_MS = 5;
/** How long streaming output is gathered before it is sent (unless a whole chunk is there first). */
const GATHER_MS = 2;

/** How many frames of output a terminal holds, unsent, before it is paused. */
const HELD_FRAMES = 4;

/** How often a paused terminal looks whether its shell exited (well inside node-pty's 200 ms). */
const EXIT_WATCH_MS = 50;

/** How long a closed terminal's shell has after its hangup before it is killed. */
export const CLOSE_GRACE_MS = 2000;

/**
 * One open terminal: a shell in a pseudo-terminal, streamed over the connection it was opened
 * on. Output is sent in order, at most TERMINAL_OUTPUT_WINDOW_BYTES ahead of the server's
 * acknowledgements; past that the pseudo-terminal is paused, so a shell printing without end
 * blocks on its own output instead of filling the agent's memory.
 */
export class TerminalSession {
  /** Output sent and not yet acknowledged. */
  private unacknowledged = 0;
  /** Output read and not yet sent, in order. */
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Immediate | NodeJS.Timeout | null = null;
  /** When (performance.now) the last output frame was sent. */
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** The flush waiting is a gathering one (see scheduleFlush), not one paced to the link. */
  private gathering = false;
  private paused = false;
  /** While paused, looks for the shell's exit (see watchForExit). */
  private exitWatch: NodeJS.Timeout | null = null;
  /** The shell has exited: the terminal is read to its end, never paused again. */
  private shellGone = false;
  private exit: { exitCode: number | null; signal: number | null } | null = null;
  /** Closed, or its exit sent: nothing more is sent for it. */
  private finished = false;
  private killTimer: NodeJS.Timeout | null = null;
  private readonly input: PtyInputWriter | null;
  /** Keeps the shell's last output readable past its exit (see PtySlaveHold). */
  private readonly slaveHold: PtySlaveHold | null;

  constructor(
    readonly sessionId: string,
    readonly link: TerminalLink,
    private readonly pty: Pty,
    private readonly pacer: OutputPacer,
    private readonly log: AgentLog,
    /** Told once when the session ends (closed, or its shell exited and that was sent). */
    private readonly ended: (session: TerminalSession) => void,
  ) {
    // node-pty's UnixTerminal keeps the master descriptor; writing to it directly tells how much
    // the terminal took (see PtyInputWriter). Without one (another platform) input goes through
    // node-pty and counts as taken when handed over.
    const fd = (pty as unknown as { fd?: unknown }).fd;
    this.input =
      typeof fd === 'number'
        ? new PtyInputWriter(
            fd,
            (bytes) => this.send({ t: 'terminal-input-ack', sessionId, bytes }),
            (error) => log.warn({ sessionId, error: error.message }, 'terminal input failed'),
          )
        : null;
    this.slaveHold = PtySlaveHold.open(pty, (error) =>
      log.warn({ sessionId, error: error.message }, 'terminal: the slave end could not be held open'),
    );
    pty.onData((data: string | Buffer) => this.output(typeof data === 'string' ? Buffer.from(data) : data));
    pty.onExit(({ exitCode, signal }) => this.exited(exitCode, signal ?? 0));
  }

  /** The shell's process id. */
  get pid(): number {
    return this.pty.pid;
  }

  /** Output held back by the window (for tests and the log). */
  get outstanding(): { unacknowledged: number; pending: number; paused: boolean } {
    return { unacknowledged: this.unacknowledged, pending: this.pendingBytes, paused: this.paused };
  }

  /** Writes keystrokes; each piece the terminal takes is acknowledged. */
  write(data: Buffer): void {
    if (this.finished || data.length === 0) return;
    if (!this.input) {
      this.pty.write(data);
      this.send({ t: 'terminal-input-ack', sessionId: this.sessionId, bytes: data.length });
      return;
    }
    // The server keeps to TERMINAL_INPUT_WINDOW_BYTES; one that does not is not followed further.
    if (this.input.pending + data.length > TERMINAL_INPUT_WINDOW_BYTES) {
      this.log.warn({ sessionId: this.sessionId }, 'terminal input past its window dropped');
      return;
    }
    this.input.write(data);
  }

  /** Resizes the terminal (the shell gets SIGWINCH). */
  resize(cols: number, rows: number): void {
    if (this.finished) return;
    try {
      this.pty.resize(cols, rows);
    } catch (error) {
      this.log.warn({ sessionId: this.sessionId, error: (error as Error).message }, 'terminal resize failed');
    }
  }

  /** The server took `bytes` more output. */
  acknowledge(bytes: number): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - bytes);
    this.scheduleFlush();
    this.updateFlow();
  }

  /**
   * Ends the session: hangs up on every process of the shell's session (as a closed ssh
   * connection does) and kills the shell's process group if it is still there after a grace.
   * Nothing more is sent. A process that ignores the hangup outside the shell's group (nohup)
   * keeps running, as it would after ssh.
   */
  close(): void {
    if (this.finished) return;
    this.finish();
    this.pending.length = 0;
    this.pendingBytes = 0;
    // Read on to the end, so the library sees the terminal close and reports the exit.
    this.pty.resume();
    const pid = this.pty.pid;
    if (this.exit) return;
    signalSession(pid, 'SIGHUP');
    this.killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), CLOSE_GRACE_MS);
    this.killTimer.unref();
  }

  private output(data: Buffer): void {
    if (this.finished || data.length === 0) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    // A whole frame gathered: it goes now, not when the gathering would have ended.
    if (this.gathering && this.pendingBytes >= this.pacer.chunkBytes(this.link.binaryTerminalOutput))
      this.cancelFlush();
    this.scheduleFlush();
    this.updateFlow();
  }

  private cancelFlush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer as NodeJS.Timeout);
      clearImmediate(this.flushTimer as NodeJS.Immediate);
    }
    this.flushTimer = null;
    this.gathering = false;
  }

  /**
   * Sends what was read soon, in as few frames as keeps the echo quick. A pseudo-terminal is
   * read a few KiB at a time; after a quiet spell (a keystroke's echo, a prompt) the output leaves
   * within the same turn of the loop, and while output streams (a command printing a lot) reads
   * are gathered for up to GATHER_MS into frames of up to a chunk, each frame costing the agent,
   * the server and the viewer the same whatever its size.
   */
  private scheduleFlush(): void {
    if (this.flushTimer || this.finished || this.pendingBytes === 0) return;
    if (this.unacknowledged >= TERMINAL_OUTPUT_WINDOW_BYTES) return;
    const paced = this.pacer.delayMs();
    const streaming = performance.now() - this.lastSentAt < STREAMING_MS;
    const gather =
      streaming && this.pendingBytes < this.pacer.chunkBytes(this.link.binaryTerminalOutput) ? GATHER_MS : 0;
    const delay = Math.max(paced, gather);
    this.gathering = paced === 0 && gather > 0;
    this.flushTimer = delay > 0 ? setTimeout(() => this.flush(), delay) : setImmediate(() => this.flush());
  }

  /** Sends one frame of pending output; the next waits a turn, so others get theirs in between. */
  private flush(): void {
    this.flushTimer = null;
    this.gathering = false;
    if (this.finished) return;
    const room = TERMINAL_OUTPUT_WINDOW_BYTES - this.unacknowledged;
    const size = Math.min(this.pendingBytes, room, this.pacer.chunkBytes(this.link.binaryTerminalOutput));
    if (size > 0) {
      const data = this.take(size);
      this.unacknowledged += size;
      this.pacer.sent(size, this.link.binaryTerminalOutput);
      this.lastSentAt = performance.now();
      if (this.link.binaryTerminalOutput)
        this.link.sendBinary(encodeTerminalOutputFrame(this.sessionId, data));
      else this.send({ t: 'terminal-output', sessionId: this.sessionId, data: data.toString('base64') });
    }
    this.updateFlow();
    if (this.pendingBytes > 0) this.scheduleFlush();
    else this.finishIfExited();
  }

  private take(size: number): Buffer {
    const pieces: Buffer[] = [];
    let left = size;
    while (left > 0) {
      const head = this.pending[0] as Buffer;
      if (head.length <= left) {
        pieces.push(head);
        this.pending.shift();
        left -= head.length;
      } else {
        pieces.push(head.subarray(0, left));
        this.pending[0] = head.subarray(left);
        left = 0;
      }
    }
    this.pendingBytes -= size;
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, size);
  }

  /**
   * Pauses the pseudo-terminal while the window is full, or while more output waits than a few
   * frames (the output is paced to a bandwidth limit): what the agent holds for a terminal stays
   * small, and the shell's program blocks on its own output. Sent as fast as it is read, output
   * never pauses the terminal: each pause stalls the program printing.
   */
  private updateFlow(): void {
    if (this.finished) return;
    const full =
      !this.shellGone &&
      (this.unacknowledged >= TERMINAL_OUTPUT_WINDOW_BYTES ||
        this.pendingBytes >= HELD_FRAMES * TERMINAL_CHUNK_BYTES);
    if (full && !this.paused) {
      this.paused = true;
      this.pty.pause();
      this.watchForExit();
    } else if (!full && this.paused) {
      this.paused = false;
      this.pty.resume();
      this.stopWatchingForExit();
    }
  }

  /**
   * node-pty gives up reading a terminal 200 ms after its shell exits, whatever is still in the
   * kernel's buffer: a paused terminal would lose the last output of a shell that ended while the
   * window was full (`cat big; exit`). So while paused, the shell is looked for; once it is gone,
   * the rest (at most what the kernel buffered) is read and held until the window lets it go.
   */
  private watchForExit(): void {
    if (this.exitWatch) return;
    this.exitWatch = setInterval(() => {
      if (processExists(this.pty.pid)) return;
      this.shellGone = true;
      this.updateFlow();
    }, EXIT_WATCH_MS);
    this.exitWatch.unref();
  }

  private stopWatchingForExit(): void {
    if (this.exitWatch) clearInterval(this.exitWatch);
    this.exitWatch = null;
  }

  private exited(exitCode: number, signal: number): void {
    // node-pty has stopped reading (the shell is gone): nothing more can come through the hold.
    this.slaveHold?.release();
    this.stopWatchingForExit();
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = null;
    this.input?.stop();
    this.exit = signal ? { exitCode: null, signal } : { exitCode, signal: null };
    this.finishIfExited();
  }

  /** After the shell exited and its last output is sent, the server hears the exit. */
  private finishIfExited(): void {
    if (!this.exit || this.finished || this.pendingBytes > 0) return;
    this.send({ t: 'terminal-exit', sessionId: this.sessionId, ...this.exit });
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.slaveHold?.release();
    this.input?.stop();
    this.cancelFlush();
    this.stopWatchingForExit();
    this.ended(this);
  }

  private send(message: AgentTerminalMessage): void {
    if (!this.finished || message.t === 'terminal-exit') this.link.send(message);
  }
}

/** Whether a process (not yet reaped) exists. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
