import { Transform, type TransformCallback } from 'node:stream';

/**
 * The agent's one bandwidth throttle: a token bucket every agent transfer goes through. The
 * rate is in KB/s (1 KB = 1024 bytes); 0 means unlimited. The bucket holds at most a quarter
 * second of tokens, so a burst after idling stays small.
 */
export class BandwidthThrottle {
  private bytesPerSecond = 0;
  private tokens = 0;
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(kilobytesPerSecond = 0) {
    this.setRate(kilobytesPerSecond);
  }

  /** Changes the rate; takes effect for the next bytes sent. */
  setRate(kilobytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = Math.max(0, kilobytesPerSecond) * 1024;
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  /** The rate in KB/s (0: unlimited). */
  get rateKBps(): number {
    return this.bytesPerSecond / 1024;
  }

  /** Waits until `bytes` may be sent. Callers are served in order. */
  take(bytes: number): Promise<void> {
    if (this.bytesPerSecond === 0) return Promise.resolve();
    const turn = this.queue.then(() => this.waitFor(bytes));
    this.queue = turn;
    return turn;
  }

  private capacity(): number {
    return Math.max(this.bytesPerSecond / 4, 1024);
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
  }

  private async waitFor(bytes: number): Promise<void> {
    let needed = bytes;
    while (needed > 0 && this.bytesPerSecond > 0) {
      this.refill();
      const chunk = Math.min(needed, this.capacity());
      if (this.tokens >= chunk) {
        this.tokens -= chunk;
        needed -= chunk;
        continue;
      }
      const waitMs = ((chunk - this.tokens) / this.bytesPerSecond) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
    }
  }

  /** A stream stage that passes data through at the throttle's rate. */
  stream(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        this.take(chunk.length).then(
          () => callback(null, chunk),
          (error: Error) => callback(error),
        );
      },
    });
  }
}
