import { closeSync, constants, openSync } from 'node:fs';
import type { Pty } from './pty-library';

/**
 * The agent's own descriptor of a pseudo-terminal's slave end, held while the session runs.
 * When the last slave descriptor closes (the shell exits), Linux hangs the master up and
 * drops what it still buffered for it: a shell that printed fast and exited (`cat big; exit`)
 * lost its last KiB in every run through the agent. Held here, the slave stays open past the
 * shell's exit, so the master reads all of it; node-pty stops reading 200 ms after the exit
 * (and a paused terminal is read again once its shell is gone, see TerminalSession), then the
 * hold is released.
 */
export class PtySlaveHold {
  private fd: number | null;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * Opens the slave of `pty` (without making it the agent's controlling terminal). Null where
   * the library does not name it (not node-pty's UnixTerminal) or it cannot be opened: the
   * session then runs as before, and `onError` hears why.
   */
  static open(pty: Pty, onError: (error: Error) => void): PtySlaveHold | null {
    const name = (pty as unknown as { ptsName?: unknown }).ptsName;
    if (typeof name !== 'string' || !name.startsWith('/dev/')) return null;
    try {
      return new PtySlaveHold(openSync(name, constants.O_RDWR | constants.O_NOCTTY));
    } catch (error) {
      onError(error as Error);
      return null;
    }
  }

  /** Closes the agent's descriptor (once). */
  release(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing is held.
    }
    this.fd = null;
  }
}
