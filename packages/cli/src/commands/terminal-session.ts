import WebSocket from 'ws';
import type { ApiClient } from '../api-client';

/** The three standard streams a terminal session drives (the process's own, or a test's). */
export interface TerminalStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** A terminal size in columns and rows. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The close codes of the terminal WebSocket (packages/server/src/terminal/live-terminal.ts). */
const CloseCode = { normal: 1000, refused: 4001, lost: 4002, idle: 4003, endedByAdmin: 4004 } as const;

/** Input the socket may hold unsent before stdin is paused: typing never needs more, a paste may. */
const INPUT_HIGH_WATER = 1024 * 1024;

/** Ctrl-D: what the remote shell is sent when piped input ends, so it ends as it would on a pipe. */
const END_OF_INPUT = Buffer.from([4]);

/** With piped input: how long after the terminal opened it is typed if the shell printed nothing. */
const NO_PROMPT_READY_MS = 2000;

/** How long the remote terminal prints nothing, after piped input ended, before Ctrl-D is typed. */
const QUIET_BEFORE_END_MS = 300;

/**
 * Opens the terminal WebSocket on a machine with the client's API address and token and hands it
 * to `session` in the same event that upgraded it: the server's first message can arrive with
 * the upgrade, and a listener added a tick later would miss it. Resolves with what `session`
 * resolves with; a refusal before the upgrade (unknown machine, no permission, remote control
 * off, suspended, offline) rejects with the server's ApiError, and an unreachable server says so.
 */
export function openTerminalSocket<T>(
  client: ApiClient,
  machine: string,
  size: TerminalSize | null,
  session: (socket: WebSocket) => Promise<T>,
): Promise<T> {
  const { url, headers } = client.webSocketTarget(`/machines/${encodeURIComponent(machine)}/terminal`);
  if (size) {
    url.searchParams.set('cols', String(size.cols));
    url.searchParams.set('rows', String(size.rows));
  }
  const socket = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(session(socket)));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => reject(client.refusal(response.statusCode ?? 0, body)));
    });
    socket.once('error', (error) =>
      reject(
        new Error(`cannot reach the Muster API at ${url.origin.replace(/^ws/, 'http')}: ${error.message}`),
      ),
    );
  });
}

/** The size of the terminal the session shows in, clamped to what the server accepts (1..1000). */
export function sizeOf(tty: NodeJS.WriteStream): TerminalSize {
  const [cols, rows] = tty.getWindowSize();
  const clamp = (n: number) => Math.min(1000, Math.max(1, Math.trunc(n) || 1));
  return { cols: clamp(cols), rows: clamp(rows) };
}

/** The stream whose window size the remote terminal follows: stdout, else stderr, when a terminal. */
export function sizeSource(streams: TerminalStreams): NodeJS.WriteStream | null {
  if (streams.stdout.isTTY) return streams.stdout;
  if (streams.stderr.isTTY) return streams.stderr;
  return null;
}

/** Why a session that did not end with its shell's exit ended, for the one line the user reads. */
function endedWhy(code: number, reason: string, ended: string | null): string {
  const detail = ended ?? reason;
  const why =
    code === CloseCode.endedByAdmin
      ? 'the session was ended by an administrator'
      : code === CloseCode.idle
        ? 'the session was ended after being idle'
        : code === CloseCode.refused
          ? 'the agent refused the terminal'
          : code === CloseCode.lost
            ? "the connection to the machine's agent was lost"
            : code === CloseCode.normal
              ? 'the session ended before the shell exited'
              : `the server closed the terminal (WebSocket close ${code})`;
  return detail && detail !== why ? `${why}: ${detail}` : why;
}

/**
 * Runs a terminal session on an open socket until it ends, and resolves with the exit code for
 * `muster terminal`: the remote shell's own (128 + signal when a signal ended it), or 1 when the
 * session ended otherwise (refused, agent lost, idle, ended by an administrator), said on stderr.
 *
 * With stdin a terminal, it is put in raw mode (every key, Ctrl-C included, goes to the remote
 * shell), the remote terminal follows the local window's size, and the mode is restored however
 * the session ends. With stdin a pipe, its bytes are typed as they come, and once it ended and
 * the remote terminal went quiet, Ctrl-D is typed (a shell with nothing left to run ends).
 */
export function runTerminalSession(socket: WebSocket, streams: TerminalStreams): Promise<number> {
  const { stdin, stdout, stderr } = streams;
  const interactive = stdin.isTTY === true;
  const window = interactive ? sizeSource(streams) : null;
  let raw = false;
  // Node's raw mode keeps the terminal's newline translation (ONLCR): a plain \n ends a line.
  const say = (line: string) => stderr.write(`muster: ${line}\n`);
  const restore = () => {
    if (raw) {
      stdin.setRawMode(false);
      raw = false;
    }
  };

  let exit: { exitCode: number | null; signal: number | null } | null = null;
  let ended: string | null = null;
  let outputPaused = false;
  let inputEnded = false;
  let sawOutput = false;
  let quietTimer: NodeJS.Timeout | null = null;

  // Piped input is typed once the shell is ready: after its first output (the prompt) and a
  // quiet moment, or a while after the terminal opened if it prints nothing. Typed earlier, a
  // starting bash can drop it (seen: a piped line echoed by the terminal, then never run).
  let readyTimer: NodeJS.Timeout | null = null;
  let ready = interactive;
  const becomeReady = () => {
    if (ready) return;
    ready = true;
    stdin.resume();
  };
  const readySoon = (ms: number) => {
    if (ready) return;
    if (readyTimer) clearTimeout(readyTimer);
    readyTimer = setTimeout(becomeReady, ms);
  };
  const onOutput = (data: Buffer) => {
    sawOutput = true;
    readySoon(QUIET_BEFORE_END_MS);
    if (inputEnded) typeEndWhenQuiet();
    // Read no more from the server until the local terminal took what it has (the server then
    // holds the agent back through its window).
    if (stdout.write(data) || outputPaused) return;
    outputPaused = true;
    socket.pause();
    stdout.once('drain', () => {
      outputPaused = false;
      socket.resume();
    });
  };
  const onControl = (text: string) => {
    let message: { type?: unknown; [key: string]: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === 'session')
      say(
        `session ${String(message.id)} on ${String(message.machineId)} is recorded (output${message.recordInput ? ' and keystrokes' : ''})`,
      );
    else if (message.type === 'opened') readySoon(NO_PROMPT_READY_MS);
    else if (message.type === 'exit')
      exit = { exitCode: message.exitCode as number | null, signal: message.signal as number | null };
    else if (message.type === 'ended') ended = String(message.reason);
    else if (message.type === 'error') say(String(message.message));
  };
  socket.on('message', (data: Buffer, isBinary: boolean) =>
    isBinary ? onOutput(data) : onControl(data.toString('utf8')),
  );

  const onInput = (data: Buffer) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(data, { binary: true }, () => {
      if (stdin.isPaused() && socket.bufferedAmount < INPUT_HIGH_WATER / 4) stdin.resume();
    });
    if (socket.bufferedAmount > INPUT_HIGH_WATER) stdin.pause();
  };
  // Ctrl-D typed while the shell is still starting is lost (the line discipline turns it into a
  // NUL when the shell leaves canonical mode), so it is typed once the terminal has been quiet
  // for a moment, as a person would: after the output of what was piped stopped.
  const typeEndWhenQuiet = () => {
    if (quietTimer) clearTimeout(quietTimer);
    quietTimer = setTimeout(() => {
      if (socket.readyState === socket.OPEN) socket.send(END_OF_INPUT, { binary: true });
    }, QUIET_BEFORE_END_MS);
  };
  const onInputEnd = () => {
    inputEnded = true;
    // Before the shell printed anything it may still be starting: the first output arms the timer.
    if (sawOutput) typeEndWhenQuiet();
  };
  const onResize = () => {
    if (!window || socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify({ type: 'resize', ...sizeOf(window) }));
  };
  // Killed from outside: end the session and give the terminal back as it was.
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    socket.close(CloseCode.normal, `muster terminal got ${signal}`);
    process.exit(signal === 'SIGHUP' ? 129 : 143);
  };

  if (interactive) {
    stdin.setRawMode(true);
    raw = true;
  }
  process.once('exit', restore);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  if (window) process.on('SIGWINCH', onResize);
  stdin.on('data', onInput);
  if (!interactive) stdin.once('end', onInputEnd);
  // A pipe is read once the shell is ready (see becomeReady); a person types after the prompt.
  if (interactive) stdin.resume();
  else stdin.pause();

  return new Promise((resolve) => {
    let socketError: string | null = null;
    socket.on('error', (error) => {
      socketError = error.message;
    });
    socket.once('close', (code, reasonBytes) => {
      if (quietTimer) clearTimeout(quietTimer);
      if (readyTimer) clearTimeout(readyTimer);
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      stdin.pause();
      process.off('SIGWINCH', onResize);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      restore();
      process.off('exit', restore);
      const finished = exit as { exitCode: number | null; signal: number | null } | null;
      if (finished) {
        if (finished.exitCode !== null) return resolve(finished.exitCode);
        if (finished.signal !== null) {
          say(`the remote shell was killed by signal ${finished.signal}`);
          return resolve(128 + finished.signal);
        }
      }
      const reason = reasonBytes.toString('utf8') || socketError || '';
      say(endedWhy(code, reason, ended));
      resolve(1);
    });
  });
}
