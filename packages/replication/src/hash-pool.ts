import { Worker } from 'node:worker_threads';
import { sha256 } from './block-hasher';
import { HASH_WORKER_SOURCE } from './hash-worker-source';
import { weakChecksum } from './rolling-checksum';

/** A block's two hashes: SHA-256 (its identity) and rsync's weak checksum (for matching). */
export interface BlockHashes {
  strong: Buffer;
  weak: number;
}

/**
 * Data smaller than this is hashed on the calling thread: a round trip to a worker costs about
 * as much as hashing a few kilobytes.
 */
const MIN_OFFLOAD = 8 * 1024;

/**
 * Jobs gathered into one message to a worker: one round trip (and one wake-up of the worker
 * thread) per batch, not per block. Waking the worker for every block or two cost about
 * 1 CPU-second per GiB on the offsite.
 */
const BATCH_BYTES = 256 * 1024;

/** A batch that does not fill up goes out this long after its first job at the latest. */
const BATCH_WAIT_MS = 2;

interface Job {
  data: Buffer;
  resolve: (hashes: BlockHashes) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  /** Batches sent and not answered, by batch number. */
  pending: Map<number, Job[]>;
  pendingBytes: number;
}

interface WorkerReply {
  batch: number;
  strongs?: Uint8Array;
  weaks?: Uint32Array;
  error?: string;
}

/**
 * Hashes blocks (SHA-256 and weak checksum) on worker threads, so the event loop that receives
 * and writes data does not spend its time hashing it. Data in shared memory (a
 * SharedArrayBuffer, as the engine's data buffers are) is read by the worker in place; any
 * other data, and small pieces, are hashed on the calling thread. Each hash() answers for its
 * own data whatever order workers finish in. A worker that dies fails the jobs it held (the
 * caller fails the file) and is replaced on the next job; close() ends every worker and fails
 * what is still waiting. The caller must not change or reuse the data until its answer came.
 */
export class HashPool {
  private readonly workers: PoolWorker[] = [];
  private outbox: Job[] = [];
  private outboxBytes = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private nextBatch = 0;
  private closed = false;

  constructor(
    /** Worker threads at most (each is a V8 isolate: a few MiB of memory). */
    readonly size = 1,
    /** The workers' code (tests give a variant that fails on cue). */
    private readonly source = HASH_WORKER_SOURCE,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a hash pool needs at least one thread');
  }

  /** Worker threads running now (started on first use). */
  get threads(): number {
    return this.workers.length;
  }

  /**
   * Hashes `data`; rejects if the pool is closed or the worker fails. The job waits to fill a
   * batch (at most a few milliseconds): a caller about to wait for its answer calls flush().
   */
  hash(data: Buffer): Promise<BlockHashes> {
    if (this.closed) return Promise.reject(new Error('hash pool closed'));
    if (data.length < MIN_OFFLOAD || !(data.buffer instanceof SharedArrayBuffer))
      return Promise.resolve({ strong: sha256(data), weak: weakChecksum(data) });
    return new Promise((resolve, reject) => {
      this.outbox.push({ data, resolve, reject });
      this.outboxBytes += data.length;
      if (this.outboxBytes >= BATCH_BYTES) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), BATCH_WAIT_MS);
    });
  }

  /** Sends the jobs gathered so far to a worker now, without waiting for a full batch. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.outbox.length === 0 || this.closed) return;
    const jobs = this.outbox;
    this.outbox = [];
    const bytes = this.outboxBytes;
    this.outboxBytes = 0;
    const entry = this.leastBusy();
    const batch = this.nextBatch++;
    entry.pending.set(batch, jobs);
    entry.pendingBytes += bytes;
    entry.worker.ref();
    entry.worker.postMessage({
      batch,
      jobs: jobs.map(({ data }) => ({ buffer: data.buffer, offset: data.byteOffset, length: data.length })),
    });
  }

  /** Ends every worker; jobs not yet answered are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const failure = new Error('hash pool closed');
    for (const job of this.outbox) job.reject(failure);
    this.outbox = [];
    this.outboxBytes = 0;
    const workers = this.workers.splice(0);
    for (const entry of workers) this.failPending(entry, failure);
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }

  /** The worker with the least data waiting, or a new one while there are fewer than `size`. */
  private leastBusy(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const entry of this.workers) if (!best || entry.pendingBytes < best.pendingBytes) best = entry;
    if (best && (best.pendingBytes === 0 || this.workers.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): PoolWorker {
    const worker = new Worker(this.source, {
      eval: true,
      name: 'muster-hash',
      // Not the parent's options: a loader (tsx) or a profiler there would only cost memory here.
      execArgv: [],
    });
    const entry: PoolWorker = { worker, pending: new Map(), pendingBytes: 0 };
    worker.on('message', (reply: WorkerReply) => this.onReply(entry, reply));
    const gone = (error: Error): void => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      this.failPending(entry, error);
    };
    worker.on('error', (error: Error) => gone(new Error(`hash worker failed: ${error.message}`)));
    worker.on('exit', (code) => gone(new Error(`hash worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private onReply(entry: PoolWorker, reply: WorkerReply): void {
    const jobs = entry.pending.get(reply.batch);
    if (!jobs) return;
    entry.pending.delete(reply.batch);
    for (const job of jobs) entry.pendingBytes -= job.data.length;
    // An idle worker does not keep the process alive.
    if (entry.pending.size === 0) entry.worker.unref();
    const { strongs, weaks } = reply;
    if (reply.error !== undefined || !strongs || !weaks || weaks.length !== jobs.length) {
      const failure = new Error(`hash worker failed: ${reply.error ?? 'malformed reply'}`);
      for (const job of jobs) job.reject(failure);
      return;
    }
    const all = Buffer.from(strongs.buffer, strongs.byteOffset, strongs.byteLength);
    jobs.forEach((job, i) => {
      job.resolve({ strong: all.subarray(32 * i, 32 * (i + 1)), weak: weaks[i]! });
    });
  }

  private failPending(entry: PoolWorker, error: Error): void {
    for (const jobs of entry.pending.values()) for (const job of jobs) job.reject(error);
    entry.pending.clear();
    entry.pendingBytes = 0;
  }
}
