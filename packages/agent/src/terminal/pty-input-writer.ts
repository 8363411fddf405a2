import { write } from 'node:fs';

/** How long a write waits before trying again when the terminal's input buffer is full. */
const RETRY_MS = 5;

/**
 * Writes terminal input to the pseudo-terminal's (non-blocking) master descriptor and tells how
 * many bytes the kernel took, as it takes them: that is what the agent acknowledges, so a server
 * flooding a shell that does not read runs out of credit instead of filling the agent's memory.
 * (node-pty's own write queues without bound and retries a full buffer in a busy loop.)
 */
export class PtyInputWriter {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private writing = false;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly fd: number,
    /** Told the bytes the terminal took, after each write. */
    private readonly written: (bytes: number) => void,
    /** Told once when the terminal refused input for good (it closed). */
    private readonly failed: (error: Error) => void,
  ) {}

  /** Input queued and not yet taken by the terminal. */
  get pending(): number {
    return this.queuedBytes;
  }

  /** Queues `data` behind what came before. */
  write(data: Buffer): void {
    if (this.stopped || data.length === 0) return;
    this.queue.push(data);
    this.queuedBytes += data.length;
    this.next();
  }

  /** Drops what is queued; nothing more is written or told. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private next(): void {
    if (this.writing || this.retry || this.stopped) return;
    const head = this.queue[0];
    if (!head) return;
    this.writing = true;
    write(this.fd, head, 0, head.length, null, (error, bytes) => {
      this.writing = false;
      if (this.stopped) return;
      if (error) {
        if (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK') {
          this.retry = setTimeout(() => {
            this.retry = null;
            this.next();
          }, RETRY_MS);
          return;
        }
        this.stop();
        this.failed(error);
        return;
      }
      if (bytes >= head.length) this.queue.shift();
      else this.queue[0] = head.subarray(bytes);
      this.queuedBytes -= bytes;
      if (bytes > 0) this.written(bytes);
      this.next();
    });
  }
}
