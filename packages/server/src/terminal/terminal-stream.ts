/**
 * The two faces of one remote terminal stream, as the rest of the server sees them. A stream
 * runs between a viewer (a browser or CLI socket on this node, or a relay to the node that has
 * one) and a channel towards the agent's pseudo-terminal (the agent's session on this node, or
 * a relay to the node that holds the agent). Recording and auditing sit on the viewer's node.
 */

/** The side of a terminal stream that faces the person. */
export interface TerminalViewer {
  /** The agent opened the pseudo-terminal; output follows. */
  opened(shell: string): void;
  /** The agent (or the node holding it) refused the terminal; nothing follows. */
  refused(reason: string): void;
  /**
   * Bytes the terminal printed. `taken` is called once they left this node, which gives the
   * agent credit to send more: a viewer that cannot keep up slows the shell, not the server.
   */
  output(data: Buffer, taken: () => void): void;
  /** The shell ended; nothing follows. */
  exit(exitCode: number | null, signal: number | null): void;
  /** The stream broke before the shell ended (agent gone, node gone, relay refused). */
  lost(reason: string): void;
}

/** What the viewer's side can ask of an open stream towards the agent. */
export interface TerminalChannel {
  /** Sends input in order; resolves once it is within the agent's input window (backpressure). */
  input(data: Buffer): Promise<void>;
  /** The viewer's new size, already checked. */
  resize(cols: number, rows: number): void;
  /** Ends the stream: the agent closes the pseudo-terminal and kills its shell. */
  close(): void;
}

/** A request for a terminal on one machine, decided and signed on the node that holds the agent. */
export interface TerminalOpenRequest {
  sessionId: string;
  machineId: string;
  /** The user who asked (shown in the agent's log). */
  user: string;
  cols: number;
  rows: number;
}
