import { TERMINAL_CHUNK_BYTES } from '@muster/protocol';

/** Bytes a terminal-output frame adds around its data: the JSON fields and the frame header. */
const FRAME_OVERHEAD_BYTES = 128;

/**
 * Paces the terminal output of all of an agent's sessions to its bandwidth limit. Every frame
 * the agent sends waits its turn in the one throttle queue, in order; were terminal output
 * handed over as fast as the shell prints, a check-in would queue behind a whole window of it.
 * So with a limit in force, output is cut into pieces of an eighth of a second of the link and
 * the next piece is handed over only when the throttle has had time to send the last one: a
 * check-in or a command result waits behind one piece at most. Without a limit, nothing waits.
 */
export class OutputPacer {
  /** When (performance.now) the throttle will have sent what terminals handed it so far. */
  private busyUntil = 0;

  constructor(
    /** The agent's bandwidth limit in bytes per second; 0 is unlimited. */
    private readonly bytesPerSecond: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The most output bytes one frame may carry now; `binary`: sent as they are, not as base64. */
  chunkBytes(binary: boolean): number {
    const rate = this.bytesPerSecond();
    if (rate <= 0) return TERMINAL_CHUNK_BYTES;
    // An eighth of a second of the link; base64 makes 3 bytes 4 on the wire.
    const wire = rate / 8;
    return Math.max(1024, Math.min(TERMINAL_CHUNK_BYTES, Math.floor(binary ? wire : (wire * 3) / 4)));
  }

  /** Milliseconds until the next piece may be handed to the connection. */
  delayMs(): number {
    if (this.bytesPerSecond() <= 0) return 0;
    return Math.max(0, this.busyUntil - this.now());
  }

  /** A piece of `bytes` output bytes was handed to the connection (`binary`: not as base64). */
  sent(bytes: number, binary: boolean): void {
    const rate = this.bytesPerSecond();
    if (rate <= 0) return;
    const wire = (binary ? bytes : Math.ceil(bytes / 3) * 4) + FRAME_OVERHEAD_BYTES;
    this.busyUntil = Math.max(this.busyUntil, this.now()) + (wire / rate) * 1000;
  }
}
