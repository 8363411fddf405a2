/** The JSON messages the terminal WebSocket sends beside the output bytes (terminal.routes.ts). */
export type TerminalControl =
  | { type: 'session'; id: string; machineId: string; recorded: true; recordInput: boolean }
  | { type: 'opened'; shell: string }
  | { type: 'exit'; exitCode: number | null; signal: number | null }
  | { type: 'ended'; reason: string }
  | { type: 'error'; message: string };

/** A text frame read as a control message, or null when it is not one. */
export function parseControl(text: string): TerminalControl | null {
  try {
    const message = JSON.parse(text) as { type?: unknown };
    return typeof message?.type === 'string' ? (message as TerminalControl) : null;
  } catch {
    return null;
  }
}

/** The terminal WebSocket's address on the page's own server: ws: beside http:, wss: beside https:. */
export function terminalUrl(
  page: { protocol: string; host: string },
  machineId: string,
  cols: number,
  rows: number,
): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ cols: String(cols), rows: String(rows) });
  return `${scheme}//${page.host}/api/v1/machines/${encodeURIComponent(machineId)}/terminal?${query}`;
}

/** The recording notice of a session: always recorded; keystrokes as the administrator set it. */
export function recordingNotice(recordInput: boolean): string {
  return recordInput
    ? 'This session is recorded: what the terminal shows and what you type.'
    : 'This session is recorded: what the terminal shows (not what you type).';
}

/** What the person reads when the shell exits. */
export function exitMessage(exit: { exitCode: number | null; signal: number | null }): string {
  if (exit.signal !== null && exit.signal !== 0) return `The shell ended by signal ${exit.signal}.`;
  return `The shell exited with code ${exit.exitCode ?? 'unknown'}.`;
}

/**
 * Why the terminal closed, from the socket's close code and reason, when no message before it
 * said so. `opened` is whether the upgrade succeeded: a browser is told nothing about a refused
 * upgrade (the 404 or 409 and its message), so the page names the usual causes.
 */
export function closeMessage(code: number, reason: string, opened: boolean): string {
  const why = reason ? `: ${reason}` : '';
  if (!opened)
    return 'The server refused the terminal. The machine may be offline, suspended, have remote control disabled, or be outside your scopes.';
  switch (code) {
    case 1000:
      return `The session ended${why}.`;
    case 4001:
      return `The agent refused the terminal${why}.`;
    case 4002:
      return `The connection to the agent was lost${why}.`;
    case 4003:
      return `The session ended after it was idle too long${why}.`;
    case 4004:
      return `An administrator ended the session${why}.`;
    default:
      return `The connection closed (code ${code})${why}.`;
  }
}
