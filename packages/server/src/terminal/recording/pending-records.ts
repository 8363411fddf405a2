import { MAX_RECORDING_CHUNK_BYTES } from '../../store/terminal-record';

/**
 * A chunk at least this large is gathered into one buffer kept while output streams, instead
 * of a new buffer per chunk: buffers outside V8's heap that come and go fast are what makes V8
 * collect the whole heap often (see heap-growth.ts).
 */
const REUSED_CHUNK_FROM_BYTES = 128 * 1024;

/** A record waiting to be stored: its 13-byte head and its data, held as given. */
interface PendingRecord {
  head: Buffer;
  body: Uint8Array;
}

/**
 * The records of a recording not yet stored, in order, held as given (not copied) until they
 * are taken as a chunk. One chunk is stored at a time, so a large one is gathered into a
 * buffer used again for the next, and let go once output stops (`idle`).
 */
export class PendingRecords {
  private records: PendingRecord[] = [];
  private held = 0;
  private chunkBuffer: Buffer | null = null;

  /** Bytes of records held. */
  get bytes(): number {
    return this.held;
  }

  /** No record is held. */
  get empty(): boolean {
    return this.records.length === 0;
  }

  /** Adds a record (its data is held, not copied). */
  add(head: Buffer, body: Uint8Array): void {
    this.records.push({ head, body });
    this.held += head.length + body.length;
  }

  /**
   * The oldest records that fit in one stored chunk (at least one record), as one buffer that
   * stays valid until the next take. While a store is under way more records gather, so the
   * next chunk is larger: each store costs about the same whatever its size (a commit), and
   * larger chunks under load are what keeps a fast stream recorded at the speed it runs.
   */
  takeChunk(): Buffer {
    const parts: Uint8Array[] = [];
    let count = 0;
    let bytes = 0;
    for (const { head, body } of this.records) {
      const size = head.length + body.length;
      if (count > 0 && bytes + size > MAX_RECORDING_CHUNK_BYTES) break;
      parts.push(head, body);
      bytes += size;
      count += 1;
    }
    this.records.splice(0, count);
    this.held -= bytes;
    if (bytes < REUSED_CHUNK_FROM_BYTES) return Buffer.concat(parts, bytes);
    this.chunkBuffer ??= Buffer.allocUnsafe(MAX_RECORDING_CHUNK_BYTES);
    let at = 0;
    for (const part of parts) {
      this.chunkBuffer.set(part, at);
      at += part.length;
    }
    return this.chunkBuffer.subarray(0, bytes);
  }

  /** Output has stopped streaming: an idle terminal holds no chunk buffer. */
  idle(): void {
    if (this.records.length === 0) this.chunkBuffer = null;
  }

  /** Drops every record held. */
  clear(): void {
    this.records = [];
    this.held = 0;
    this.chunkBuffer = null;
  }
}
