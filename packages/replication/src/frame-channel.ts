import type { Duplex } from 'node:stream';
import { encodeFrameParts, type Frame, FrameDecoder, FrameType, type FrameTypeCode } from './frame-codec';
import { ReplicationError, type ReplicationErrorCode } from './replication-error';

/** Anything that can pace bytes before they are written (the agent's BandwidthThrottle fits). */
export interface ByteThrottle {
  take(bytes: number): Promise<void>;
}

/**
 * Received frames held before the socket is paused: bounds per-connection memory. The kernel's
 * socket buffers keep the sender going meanwhile; 4 MiB here cost the offsite that much resident
 * memory and gained no speed.
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/**
 * What a received frame counts against MAX_QUEUED_BYTES besides its payload: the frame, its
 * parsed header and its payload's Buffer take a few hundred bytes of heap, so a stream of
 * frames without payload (a result per file) is bounded too, at 2,048 of them.
 */
export const QUEUED_FRAME_COST = 512;

/** A queued frame's share of the bound. */
function queuedCost(frame: Frame): number {
  return frame.payload.length + QUEUED_FRAME_COST;
}

/** Frames up to this size (a header, a file's result) may share a write (holdSmall). */
const COALESCE_MAX = 1024;

/**
 * Frames over one socket: ordered sends that pass through the throttle and wait for 'drain',
 * and a pull-style receive that pauses the socket while the reader is behind. A malformed or
 * oversize frame fails the channel: the peer gets a fatal error frame and the socket closes.
 */
export class FrameChannel {
  /** Frame bytes written to the socket (before TLS). */
  bytesWritten = 0;
  /** Frame bytes read from the socket (after TLS). */
  bytesRead = 0;
  private readonly decoder = new FrameDecoder();
  private readonly queue: Frame[] = [];
  /** Payload bytes and per-frame costs of the queue (queuedCost). */
  private queuedCost = 0;
  private waiter: { resolve: (f: Frame | null) => void; reject: (e: Error) => void } | undefined;
  private failure: ReplicationError | undefined;
  private ended = false;
  private closing = false;
  private sending: Promise<void> = Promise.resolve();
  /** A small frame is corked in the socket until this turn ends (holdSmall). */
  private holding = false;

  constructor(
    private readonly socket: Duplex,
    private readonly throttle?: ByteThrottle,
  ) {
    // Requests and answers are small and strictly alternate; Nagle plus delayed ACKs would add
    // ~40 ms to every round trip.
    (socket as Duplex & { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (error: Error) => this.fail(new ReplicationError('connection-lost', error.message)));
    socket.on('close', () => {
      if (!this.ended) this.fail(new ReplicationError('connection-lost', 'connection closed'));
    });
  }

  /**
   * Sends one frame, after the throttle allows it and the socket has room. The payload may come
   * in parts (a checksum and its data), written as they are, without a copy into one buffer.
   */
  send(type: FrameTypeCode, header?: object, ...payload: Buffer[]): Promise<void> {
    return this.sendParts(type, header, payload);
  }

  /**
   * Sends a frame whose payload buffer is handed over: `release` runs once the socket no
   * longer needs it (written, or the connection gone), so the buffer can be reused.
   */
  sendReleasing(type: FrameTypeCode, payload: Buffer, release: () => void): Promise<void> {
    return this.sendParts(type, undefined, [payload], release);
  }

  private sendParts(
    type: FrameTypeCode,
    header: object | undefined,
    payload: readonly Buffer[],
    release?: () => void,
  ): Promise<void> {
    let parts: Buffer[];
    try {
      parts = encodeFrameParts(type, header, payload);
    } catch (error) {
      release?.();
      return Promise.reject(error);
    }
    const turn = this.sending.then(() => this.write(parts, release));
    this.sending = turn.catch(() => undefined);
    return turn;
  }

  /** Frames received and not yet taken: none means the next receive() waits for the peer. */
  get queuedFrames(): number {
    return this.queue.length;
  }

  /** The next frame, or null once the peer has ended the stream cleanly. */
  receive(): Promise<Frame | null> {
    const frame = this.queue.shift();
    if (frame) {
      this.queuedCost -= queuedCost(frame);
      if (this.queuedCost < MAX_QUEUED_BYTES / 2 && this.socket.isPaused()) this.socket.resume();
      return Promise.resolve(frame);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Sends a fatal error frame (best effort) and closes the connection. */
  async close(code?: ReplicationErrorCode, message?: string): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (code && !this.socket.destroyed) {
      await Promise.race([
        this.send(FrameType.error, { code, message: message ?? code, fatal: true }).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]);
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private async write(parts: readonly Buffer[], release?: () => void): Promise<void> {
    let length = 0;
    for (const part of parts) length += part.length;
    try {
      if (this.throttle) await this.throttle.take(length);
      if (this.socket.destroyed || this.socket.writableEnded)
        throw new ReplicationError('connection-lost', 'connection closed');
    } catch (error) {
      release?.();
      throw error;
    }
    this.bytesWritten += length;
    // Corked, the parts leave in one writev (one TLS record run), as one buffer would.
    this.socket.cork();
    let room = true;
    for (let i = 0; i < parts.length; i++)
      room = this.socket.write(parts[i], i === parts.length - 1 && release ? () => release() : undefined);
    if (length <= COALESCE_MAX && !release) this.holdSmall();
    else {
      this.socket.uncork();
      // Small frames held back leave with this one, in the same write.
      this.releaseSmall();
    }
    // Each frame waits until the socket has taken the one before: frames written while the
    // socket is busy are encrypted together, and a TLS record then spans two frames, so a
    // connection cut inside it loses a whole frame more (the resume target is one block).
    if (room) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', closed);
        resolve();
      };
      const closed = (): void => {
        this.socket.off('drain', done);
        reject(new ReplicationError('connection-lost', 'connection closed while sending'));
      };
      this.socket.on('drain', done);
      this.socket.once('close', closed);
    });
  }

  /**
   * Keeps a small frame corked until the end of this turn of the event loop, so that the small
   * frames of a turn (a file's begin and end, the results of files committed together) leave
   * in one write and one TLS record instead of a system call and a record each: a seeding of
   * 10,000 small files sends about 30,000 such frames. The frame is still sent in this turn.
   */
  private holdSmall(): void {
    if (this.holding) {
      this.socket.uncork();
      return;
    }
    this.holding = true;
    setImmediate(() => this.releaseSmall());
  }

  private releaseSmall(): void {
    if (!this.holding) return;
    this.holding = false;
    this.socket.uncork();
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.bytesRead += chunk.length;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const failure =
        error instanceof ReplicationError ? error : new ReplicationError('frame-malformed', String(error));
      this.fail(failure);
      void this.close(failure.code, failure.message);
      return;
    }
    for (const frame of frames) {
      this.queue.push(frame);
      this.queuedCost += queuedCost(frame);
    }
    if (this.queuedCost >= MAX_QUEUED_BYTES) this.socket.pause();
    this.wake();
  }

  private fail(error: ReplicationError): void {
    if (!this.failure) this.failure = error;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const frame = this.queue.shift();
    if (frame) {
      this.waiter = undefined;
      this.queuedCost -= queuedCost(frame);
      waiter.resolve(frame);
    } else if (this.failure) {
      this.waiter = undefined;
      waiter.reject(this.failure);
    } else if (this.ended) {
      this.waiter = undefined;
      waiter.resolve(null);
    }
  }
}
