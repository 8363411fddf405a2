import type { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { consoleKeys, copySelection, createScreen, pasteClipboard } from '../../terminal/terminal-screen';
import {
  closeMessage,
  exitMessage,
  parseControl,
  recordingNotice,
  terminalUrl,
} from '../../terminal/terminal-words';

/** Where the terminal is: connecting, open, or closed with the sentence that says why. */
type Connection =
  | { kind: 'connecting' }
  | { kind: 'open'; shell: string | null }
  | { kind: 'closed'; text: string };

/**
 * A live shell on the machine: an xterm connected to the terminal WebSocket of the page's own
 * server. It fits its panel and follows the window (each new size goes to the agent as a
 * resize), copies and pastes through the clipboard, says that the session is recorded, and
 * says in words how it ended. Closing the panel closes the session.
 */
export function RemoteTerminal({ machineId, onClose }: { machineId: string; onClose(): void }) {
  const host = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const terminalRef = useRef<Terminal | null>(null);
  const [connection, setConnection] = useState<Connection>({ kind: 'connecting' });
  const [recordInput, setRecordInput] = useState<boolean | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [clipboardError, setClipboardError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` opens a new session.
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    setConnection({ kind: 'connecting' });
    setRecordInput(null);
    setErrors([]);
    const screen = createScreen(element);
    const { terminal } = screen;
    terminalRef.current = terminal;
    const socket = new WebSocket(terminalUrl(window.location, machineId, terminal.cols, terminal.rows));
    socket.binaryType = 'arraybuffer';
    let opened = false;
    /** Set by an exit or ended message: the close after it says nothing new. */
    let said: string | null = null;
    const encoder = new TextEncoder();
    const send = (data: string | Uint8Array) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(data);
    };

    socket.onopen = () => {
      opened = true;
      // The size may have changed while the upgrade was on its way.
      screen.fit();
      send(JSON.stringify({ type: 'resize', cols: terminal.cols, rows: terminal.rows }));
      terminal.focus();
    };
    socket.onmessage = (message: MessageEvent<ArrayBuffer | string>) => {
      if (typeof message.data !== 'string') {
        terminal.write(new Uint8Array(message.data));
        return;
      }
      const control = parseControl(message.data);
      if (!control) return;
      if (control.type === 'session') setRecordInput(control.recordInput);
      else if (control.type === 'opened') setConnection({ kind: 'open', shell: control.shell });
      else if (control.type === 'exit') said = exitMessage(control);
      else if (control.type === 'ended') said = `The session ended: ${control.reason}.`;
      else if (control.type === 'error') setErrors((now) => [...now, control.message]);
    };
    socket.onclose = (event) => {
      terminal.options.disableStdin = true;
      terminal.options.cursorBlink = false;
      setConnection({ kind: 'closed', text: said ?? closeMessage(event.code, event.reason, opened) });
    };

    const typed = terminal.onData((data) => send(encoder.encode(data)));
    // Some mouse reports are bytes, not text: sent as they are.
    const typedBytes = terminal.onBinary((data) => send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    const resized = terminal.onResize(({ cols, rows }) =>
      send(JSON.stringify({ type: 'resize', cols, rows })),
    );
    terminal.attachCustomKeyEventHandler(
      consoleKeys(terminal, {
        copy: () => void copySelection(terminal).catch(setClipboardError),
        leave: () => closeButton.current?.focus(),
      }),
    );
    // The panel's size follows the window: each change fits the terminal again.
    const observer = new ResizeObserver(() => screen.fit());
    observer.observe(element);

    return () => {
      observer.disconnect();
      typed.dispose();
      typedBytes.dispose();
      resized.dispose();
      socket.onclose = null;
      socket.onmessage = null;
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'closed in the console');
      else if (socket.readyState === WebSocket.CONNECTING)
        socket.onopen = () => socket.close(1000, 'closed in the console');
      terminalRef.current = null;
      screen.dispose();
    };
  }, [machineId, attempt]);

  const copy = async () => {
    setClipboardError(null);
    const terminal = terminalRef.current;
    if (!terminal) return;
    try {
      if (!(await copySelection(terminal)))
        setClipboardError(new Error('Select some text in the terminal first.'));
      terminal.focus();
    } catch (error) {
      setClipboardError(error);
    }
  };
  const paste = async () => {
    setClipboardError(null);
    const terminal = terminalRef.current;
    if (terminal) await pasteClipboard(terminal).catch(setClipboardError);
  };

  const closed = connection.kind === 'closed';
  return (
    <section className="panel terminal-panel" aria-labelledby="terminal-heading">
      <h2 id="terminal-heading">Terminal</h2>
      <p className="notice recorded-notice" role="status" data-testid="recorded-notice">
        {recordInput === null ? 'This session is recorded.' : recordingNotice(recordInput)}
      </p>
      <div className="terminal-bar">
        <button type="button" className="secondary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={() => void paste()} disabled={closed}>
          Paste
        </button>
        {closed ? (
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Open again
          </button>
        ) : null}
        <button type="button" className="secondary" ref={closeButton} onClick={onClose}>
          Close terminal
        </button>
        <span className="muted">
          Ctrl+Shift+C copies, Ctrl+Shift+V pastes, Ctrl+Shift+M leaves the terminal.
        </span>
      </div>
      <p className="terminal-state" aria-live="polite" data-testid="terminal-state">
        {connection.kind === 'connecting'
          ? 'Connecting…'
          : connection.kind === 'open'
            ? `Connected${connection.shell ? ` (${connection.shell})` : ''}.`
            : connection.text}
      </p>
      {errors.length > 0 ? (
        <ul className="terminal-errors error" aria-label="Terminal errors">
          {errors.map((message, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same message may come twice; the list only grows.
            <li key={i}>{message}</li>
          ))}
        </ul>
      ) : null}
      <ErrorNote error={clipboardError} />
      <div className="terminal-screen" ref={host} data-testid="terminal-screen" />
    </section>
  );
}
