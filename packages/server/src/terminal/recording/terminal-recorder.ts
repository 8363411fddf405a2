import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, invalidInput, MusterError } from '../../domain/errors';
import type {
  NewTerminalSession,
  TerminalEndReason,
  TerminalSessionStore,
} from '../../store/terminal-record';
import { resizeData } from './asciicast';
import { PendingRecords } from './pending-records';
import { RECORD_HEADER_BYTES, recordHeader, recordingStart, type StoredRecordType } from './stored-recording';

/** What the recorder needs of the store. */
export type RecordingStore = Pick<TerminalSessionStore, 'create' | 'appendRecording' | 'finish'>;

/** Tuning of a recorder; every field has a default. */
export interface TerminalRecorderOptions {
  /** TERM named in the recording's header. Default xterm-256color. */
  term?: string;
  /**
   * A store starts once this much is buffered (else at the interval). It takes everything
   * buffered then, up to the store's chunk limit. Default 64 KiB.
   */
  flushBytes?: number;
  /** Whatever is buffered is stored at least this often. Default 1,000 ms. */
  flushIntervalMs?: number;
  /**
   * The most the recorder holds while the store does not keep up (or is down): past it, events
   * are left out of the recording and a marker says how much. `output` asks the caller to pause
   * at half of it. Default 1 MiB, held only during a burst (an idle terminal holds nothing once
   * its buffer is stored): each store costs a commit of a few milliseconds whatever its size, so
   * the burst a stream of tens of MiB/s needs in flight is what lets it be recorded at that
   * speed. Keep it above 64 KiB (a record holds up to 8 KiB of terminal bytes).
   */
  maxBufferedBytes?: number;
  /**
   * Past this much held, `output` and `input` return false (pause the source). Default half of
   * maxBufferedBytes. A caller whose source keeps sending what it already had in flight (the
   * agent's credit window) sets it that much, times the worst growth of bytes into recording
   * text, below maxBufferedBytes, so nothing it sends is ever left out.
   */
  highWaterBytes?: number;
  /** Tries of the final store at the end before the rest is given up. Default 3. */
  endAttempts?: number;
  /** Pause between those tries. Default 200 ms. */
  retryDelayMs?: number;
  /** Epoch milliseconds. Default Date.now. */
  clock?: () => number;
  /** Hears store failures and left-out events (the session goes on regardless). */
  onError?: (error: unknown) => void;
}

/** How a session ends, as the recorder is told. */
export interface RecorderEnd {
  endReason: TerminalEndReason;
  /** The administrator who ended it ('ended-by-admin'), else null. */
  endedBy?: string | null;
  /** Default: the clock now. */
  endedAt?: number;
}

/** What a recording came to. */
export interface RecordingResult {
  /** Whether this end was stored (false if the session had been ended before, or the store failed). */
  finished: boolean;
  /** Every event reached the store: nothing left out, nothing lost at the end. */
  complete: boolean;
  chunks: number;
  /** Bytes of recording stored. */
  recordedBytes: number;
  /** Terminal bytes (output, and input when recorded) left out of the recording. */
  droppedBytes: number;
  bytesIn: number;
  bytesOut: number;
}

/** Bytes of terminal data per record at most: each is one asciicast event when read back. */
const MAX_EVENT_BYTES = 8 * 1024;

/**
 * Records one terminal session into the store while it runs, as the terminal's raw bytes in
 * binary records (stored-recording.ts), read back as asciicast v2. Nothing is decoded or
 * escaped while the session runs: recording asciicast text live (UTF-8 decoding, JSON
 * escaping, encoding back) was half of a node's CPU during a fast `cat`. The bytes given to
 * `output` and `input` are held as they are until stored: a caller must not change them after.
 *
 * Events are buffered and stored in chunks (at flushBytes, at least every flushIntervalMs, and
 * at the end). A chunk the store fails to take (a lost connection, a busy database) is kept
 * and tried again, with its number, at the next flush, so one failed write loses nothing; a
 * write whose answer was lost is recognised by the store's "stored already". A refusal (the
 * session was ended elsewhere) stops the recording. Memory stays bounded: `output` returns false
 * past the high-water mark (half of maxBufferedBytes) so the caller can pause the agent
 * (whenWritable), and past maxBufferedBytes events are left out, counted, and marked in the
 * recording as a gap.
 */
export class TerminalRecorder {
  private readonly flushBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly highWaterBytes: number;
  private readonly clock: () => number;
  private readonly onError: (error: unknown) => void;
  /** Records not yet in a chunk. */
  private readonly records = new PendingRecords();
  /** The chunk being stored, or refused last time and to be tried again. */
  private unstored: { seq: number; data: Buffer } | null = null;
  private nextSeq = 0;
  private recordedBytes = 0;
  private lastTime = 0;
  private dropped = 0;
  /** Events were left out since the last marker (and how many terminal bytes they held). */
  private gapOpen = false;
  private gapBytes = 0;
  private leftOut = false;
  private broken = false;
  private flushing: Promise<boolean> | null = null;
  /** storeAll is running: records pushed now are stored before it returns. */
  private storing = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  private ending: Promise<RecordingResult> | null = null;
  private counts = { bytesIn: 0, bytesOut: 0 };

  private constructor(
    private readonly store: RecordingStore,
    private readonly session: NewTerminalSession,
    private readonly options: TerminalRecorderOptions,
  ) {
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.highWaterBytes = Math.min(
      options.highWaterBytes ?? this.maxBufferedBytes / 2,
      this.maxBufferedBytes,
    );
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? (() => {});
  }

  /**
   * Records the session as opened (TerminalSessionStore.create) and starts its recording with
   * the header. Throws what create throws (a taken id): no terminal should open unrecorded.
   */
  static async start(
    store: RecordingStore,
    session: NewTerminalSession,
    options: TerminalRecorderOptions = {},
  ): Promise<TerminalRecorder> {
    await store.create(session);
    const recorder = new TerminalRecorder(store, session, options);
    const start = recordingStart({
      version: 2,
      width: session.cols,
      height: session.rows,
      timestamp: Math.floor(session.startedAt / 1000),
      env: { TERM: options.term ?? 'xterm-256color' },
    });
    recorder.push(start, new Uint8Array(0));
    recorder.timer = setInterval(() => void recorder.flush(), options.flushIntervalMs ?? 1000);
    recorder.timer.unref();
    return recorder;
  }

  /** Bytes from the user to the machine so far (recorded or not). */
  get bytesIn(): number {
    return this.counts.bytesIn;
  }

  /** Bytes from the machine to the user so far. */
  get bytesOut(): number {
    return this.counts.bytesOut;
  }

  /** Recording bytes held in memory, not yet stored. */
  get bufferedBytes(): number {
    return this.records.bytes + (this.unstored?.data.length ?? 0);
  }

  /**
   * Records output from the machine. Returns false when the recorder holds more than its
   * high-water mark: read no more from the agent until whenWritable() resolves.
   */
  output(data: Uint8Array): boolean {
    if (this.ending) return false;
    this.counts.bytesOut += data.length;
    this.terminalBytes('o', data);
    return this.writable();
  }

  /** Records input from the user (counted always, recorded when the session records input). */
  input(data: Uint8Array): boolean {
    if (this.ending) return false;
    this.counts.bytesIn += data.length;
    if (this.session.recordInput) this.terminalBytes('i', data);
    return this.writable();
  }

  /** Records a new terminal size. */
  resize(cols: number, rows: number): void {
    if (!(Number.isInteger(cols) && Number.isInteger(rows) && cols >= 1 && rows >= 1))
      throw invalidInput(`a terminal size is whole columns and rows from 1, not ${cols}x${rows}`);
    if (this.ending) return;
    this.event('r', Buffer.from(resizeData(cols, rows)), 0);
  }

  /** Resolves once the recorder is below its high-water mark again (at once if it is, or it ended). */
  whenWritable(): Promise<void> {
    if (this.writable() || this.ending || this.broken) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Stores everything buffered now (after any store already under way). Resolves true when
   * nothing is left unstored, false when the store failed (reported; tried again later).
   */
  flush(): Promise<boolean> {
    const previous = this.flushing ?? Promise.resolve(true);
    const next = previous
      .then(() => this.storeAll())
      .catch((error: unknown) => {
        this.onError(error);
        return false;
      });
    this.flushing = next;
    void next.finally(() => {
      if (this.flushing === next) this.flushing = null;
    });
    return next;
  }

  /**
   * Ends the recording and the session: a final store (tried
   * endAttempts times), then TerminalSessionStore.finish with the counts. Called again, it
   * returns the first call's result; output and input after it are ignored.
   */
  end(end: RecorderEnd): Promise<RecordingResult> {
    this.ending ??= this.finish(end);
    return this.ending;
  }

  private async finish(end: RecorderEnd): Promise<RecordingResult> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.markGap();
    let stored = false;
    const attempts = Math.max(1, this.options.endAttempts ?? 3);
    for (let attempt = 1; attempt <= attempts && !this.broken; attempt++) {
      stored = await this.flush();
      if (stored) break;
      if (attempt < attempts) await sleep(this.options.retryDelayMs ?? 200);
    }
    const lost = this.bufferedBytes;
    if (!stored && lost > 0)
      this.onError(
        new Error(`terminal session ${this.session.id}: ${lost} bytes of its recording were not stored`),
      );
    this.releaseWaiters();
    let finished = false;
    try {
      finished = await this.store.finish(this.session.id, {
        endedAt: end.endedAt ?? this.clock(),
        endReason: end.endReason,
        endedBy: end.endedBy ?? null,
        bytesIn: this.counts.bytesIn,
        bytesOut: this.counts.bytesOut,
      });
    } catch (error) {
      this.onError(error);
    }
    return {
      finished,
      complete: stored && !this.leftOut && !this.broken,
      chunks: this.nextSeq,
      recordedBytes: this.recordedBytes,
      droppedBytes: this.dropped,
      bytesIn: this.counts.bytesIn,
      bytesOut: this.counts.bytesOut,
    };
  }

  private writable(): boolean {
    return this.bufferedBytes < this.highWaterBytes;
  }

  /** Terminal bytes as records of at most MAX_EVENT_BYTES bytes each. */
  private terminalBytes(type: 'o' | 'i', data: Uint8Array): void {
    for (let at = 0; at < data.length; at += MAX_EVENT_BYTES) {
      const piece = data.subarray(at, at + MAX_EVENT_BYTES);
      this.event(type, piece, piece.length);
    }
  }

  private event(type: StoredRecordType, data: Uint8Array, rawBytes: number): void {
    // Whole milliseconds since the start, never going back (a clock set back).
    const timeMs = Math.max(this.lastTime, Math.round(this.clock() - this.session.startedAt));
    if (!this.broken) this.markGap();
    if (
      this.broken ||
      this.gapOpen ||
      this.bufferedBytes + RECORD_HEADER_BYTES + data.length > this.maxBufferedBytes
    ) {
      if (!this.gapOpen && !this.broken)
        this.onError(
          new Error(
            `terminal session ${this.session.id}: the recording is not keeping up; events are left out until it does`,
          ),
        );
      this.gapOpen = true;
      this.leftOut = true;
      this.gapBytes += rawBytes;
      this.dropped += rawBytes;
      return;
    }
    this.lastTime = timeMs;
    this.push(recordHeader(type, timeMs, data.length), data);
  }

  /** Writes a marker where events were left out, once there is room for it. */
  private markGap(): void {
    if (!this.gapOpen) return;
    const text = Buffer.from(`recording gap: ${this.gapBytes} bytes left out (the store did not keep up)`);
    if (this.bufferedBytes + RECORD_HEADER_BYTES + text.length > this.maxBufferedBytes) return;
    this.gapOpen = false;
    this.gapBytes = 0;
    this.push(recordHeader('m', this.lastTime, text.length), text);
  }

  private push(head: Buffer, body: Uint8Array): void {
    this.records.add(head, body);
    // While a store runs its loop takes these records too; only an idle recorder starts one.
    if (this.records.bytes >= this.flushBytes && !this.storing) void this.flush();
  }

  /** Stores the unstored chunk, then the buffered records chunk by chunk; false at the first failure. */
  private async storeAll(): Promise<boolean> {
    this.storing = true;
    try {
      return await this.storeEach();
    } finally {
      this.storing = false;
      // Records pushed while the loop was returning (a waiter resumed by its last store ran first).
      if (this.records.bytes >= this.flushBytes && !this.broken && !this.ending) void this.flush();
    }
  }

  private async storeEach(): Promise<boolean> {
    while (!this.broken) {
      if (!this.unstored) {
        if (this.records.empty) break;
        this.unstored = { seq: this.nextSeq, data: this.records.takeChunk() };
      }
      const { seq, data } = this.unstored;
      try {
        await this.store.appendRecording(this.session.id, seq, data, { ...this.counts });
      } catch (error) {
        if (!this.storedAlready(error, seq)) {
          this.onError(error);
          // A refusal (the session ended or is gone, the chunk out of order) will not change on
          // a retry; anything else (a lost connection, a busy database) may.
          if (error instanceof MusterError) this.breakOff();
          return false;
        }
      }
      this.nextSeq = seq + 1;
      this.recordedBytes += data.length;
      this.unstored = null;
      this.releaseWaiters();
    }
    this.records.idle();
    return this.bufferedBytes === 0;
  }

  /** A repeat refused because an earlier try did store the chunk (its answer was lost). */
  private storedAlready(error: unknown, seq: number): boolean {
    if (!(error instanceof MusterError) || error.code !== ErrorCode.conflict) return false;
    const expected = error.details?.expected;
    return typeof expected === 'number' && expected === seq + 1;
  }

  /**
   * The store will never take this recording (the session ended elsewhere, or is gone):
   * what is buffered is dropped instead of held for retries that cannot succeed.
   */
  private breakOff(): void {
    this.broken = true;
    this.leftOut = true;
    this.records.clear();
    this.unstored = null;
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    if (!this.writable() && !this.broken) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
