import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import './terminal.css';

/** An xterm on the page and the addon that sizes it to its container. */
export interface TerminalScreen {
  terminal: Terminal;
  /** Sizes the terminal to its container (rows and columns); does nothing while it is hidden. */
  fit(): void;
  dispose(): void;
}

/** Console colours on a dark background; the DOM renderer draws them (no canvas, no WebGL). */
const THEME = { background: '#111827', foreground: '#e5e7eb', cursor: '#e5e7eb' };

/**
 * An xterm in `host`. `readOnly` is the recording player's: no cursor, no input. The addon's fit
 * runs only when the container has a size, so a terminal opened in a hidden panel keeps 80×24.
 */
export function createScreen(host: HTMLElement, options: { readOnly?: boolean } = {}): TerminalScreen {
  const terminal = new Terminal({
    theme: THEME,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 14,
    scrollback: 5000,
    cursorBlink: !options.readOnly,
    disableStdin: options.readOnly === true,
  });
  const fitter = new FitAddon();
  terminal.loadAddon(fitter);
  terminal.open(host);
  const fit = () => {
    if (host.clientWidth > 0 && host.clientHeight > 0) fitter.fit();
  };
  fit();
  return { terminal, fit, dispose: () => terminal.dispose() };
}

/**
 * Copies the terminal's selection to the clipboard; false when nothing is selected. Without
 * the Clipboard API (a page over plain HTTP on another host), the browser's copy command
 * reaches xterm's own copy handler, which puts the selection there.
 */
export async function copySelection(terminal: Terminal): Promise<boolean> {
  const text = terminal.getSelection();
  if (text === '') return false;
  if (navigator.clipboard?.writeText) await navigator.clipboard.writeText(text);
  else {
    terminal.focus();
    document.execCommand('copy');
  }
  return true;
}

/**
 * Pastes the clipboard's text into the terminal as input (xterm brackets it when the shell
 * asked for bracketed paste, so a pasted line does not run by itself). Throws a readable error
 * when the browser gives no clipboard access; Ctrl+V / Ctrl+Shift+V still paste then.
 */
export async function pasteClipboard(terminal: Terminal): Promise<void> {
  if (!navigator.clipboard?.readText)
    throw new Error('This browser lets the page read the clipboard only over HTTPS: press Ctrl+Shift+V.');
  const text = await navigator.clipboard.readText();
  if (text !== '') terminal.paste(text);
  terminal.focus();
}

/**
 * The console's keys in a terminal, before xterm sees them: Ctrl+Shift+C copies the selection
 * (instead of the browser's inspector), Ctrl+Shift+V is left to the browser, whose paste event
 * xterm takes as input, and Ctrl+Shift+M leaves the terminal (Tab belongs to the shell), so
 * the keyboard never gets stuck in it.
 */
export function consoleKeys(
  terminal: Terminal,
  actions: { copy(): void; leave(): void },
): (event: KeyboardEvent) => boolean {
  return (event) => {
    if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey)
      return true;
    const key = event.key.toLowerCase();
    if (key === 'c') {
      event.preventDefault();
      if (terminal.hasSelection()) actions.copy();
      return false;
    }
    if (key === 'v') return false;
    if (key === 'm') {
      event.preventDefault();
      actions.leave();
      return false;
    }
    return true;
  };
}
