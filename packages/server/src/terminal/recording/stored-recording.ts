import { invalidInput, type MusterError } from '../../domain/errors';
import { MAX_RECORDING_CHUNK_BYTES } from '../../store/terminal-record';
import {
  type AsciicastEventType,
  type AsciicastHeader,
  eventLine,
  headerLine,
  parseHeaderLine,
} from './asciicast';

/*
 * How a recording is stored: the terminal's raw bytes in binary records, turned into asciicast
 * v2 text only when someone reads it. Recording asciicast as a session ran meant decoding every
 * output byte as UTF-8, JSON-escaping it and encoding it back: about half of a node's CPU
 * during a fast `cat` (bench/results/terminal.md). Reads of recordings are rare; output is not.
 *
 * The stored bytes: MAGIC, then records, each
 *   type   1 byte   an asciicast event type ('o', 'i', 'r', 'm') or 'h' (the header, first)
 *   length 4 bytes  unsigned, little-endian: bytes of data
 *   time   8 bytes  a double, little-endian: milliseconds since the session started
 *   data   length bytes: terminal bytes ('o', 'i'), UTF-8 text ('r', 'm'), JSON ('h')
 * A recorder cuts its chunks between records, but nothing here relies on it: the reader takes
 * the bytes cut anywhere. Recordings stored as asciicast text by earlier versions (they begin
 * with '{') are read back as they are.
 */

/** The first bytes of a stored recording (asciicast text begins with '{' instead). */
export const RECORDING_MAGIC: Buffer = Buffer.from('\x00MTREC1\n', 'latin1');

/** Bytes in front of each record's data. */
export const RECORD_HEADER_BYTES = 13;

/** A record's type: an asciicast event type, or the header. */
export type StoredRecordType = AsciicastEventType | 'h';

/** One record as read back. */
export interface StoredRecord {
  type: StoredRecordType;
  /** Milliseconds since the session started. */
  timeMs: number;
  data: Buffer;
}

const TYPES: ReadonlySet<number> = new Set(['o', 'i', 'r', 'm', 'h'].map((t) => t.charCodeAt(0)));

/** The 13 bytes in front of a record of `length` bytes of data. */
export function recordHeader(type: StoredRecordType, timeMs: number, length: number): Buffer {
  const head = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  head[0] = type.charCodeAt(0);
  head.writeUInt32LE(length, 1);
  head.writeDoubleLE(timeMs, 5);
  return head;
}

/** The recording's opening: MAGIC and the header record. */
export function recordingStart(header: AsciicastHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return Buffer.concat([RECORDING_MAGIC, recordHeader('h', 0, json.length), json]);
}

const corrupt = (offset: number, problem: string): MusterError =>
  invalidInput(`the stored recording is damaged at byte ${offset}: ${problem}`, { offset });

/**
 * The records of a stored recording given in pieces cut anywhere. Throws invalid-input naming
 * the byte where the bytes stop being a recording (a wrong start, an unknown record type, a
 * record longer than a stored chunk, a time that is not a number of milliseconds from 0, a
 * record cut short at the end).
 */
export async function* storedRecords(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<StoredRecord, void> {
  let carry: Buffer = Buffer.alloc(0);
  /** Offset in the whole recording of carry[0]. */
  let base = 0;
  let started = false;
  for await (const piece of pieces) {
    const data =
      carry.length === 0
        ? Buffer.from(piece.buffer, piece.byteOffset, piece.length)
        : Buffer.concat([carry, piece]);
    let at = 0;
    if (!started) {
      if (data.length < RECORDING_MAGIC.length) {
        carry = data;
        continue;
      }
      if (!data.subarray(0, RECORDING_MAGIC.length).equals(RECORDING_MAGIC))
        throw corrupt(0, 'it does not start as a Muster recording');
      started = true;
      at = RECORDING_MAGIC.length;
    }
    while (data.length - at >= RECORD_HEADER_BYTES) {
      const code = data[at] as number;
      if (!TYPES.has(code)) throw corrupt(base + at, `record type ${code} is none of h, o, i, r, m`);
      const length = data.readUInt32LE(at + 1);
      // A recorder never writes a record past a stored chunk: a larger length is damage, and
      // waiting for its end would hold the rest of the recording in memory.
      if (length > MAX_RECORDING_CHUNK_BYTES)
        throw corrupt(base + at, `a record of ${length} bytes is longer than a stored chunk`);
      const timeMs = data.readDoubleLE(at + 5);
      if (!(Number.isFinite(timeMs) && timeMs >= 0))
        throw corrupt(base + at, 'the time is not a number of milliseconds from 0');
      const end = at + RECORD_HEADER_BYTES + length;
      if (end > data.length) break;
      yield {
        type: String.fromCharCode(code) as StoredRecordType,
        timeMs,
        data: data.subarray(at + RECORD_HEADER_BYTES, end),
      };
      at = end;
    }
    carry = data.subarray(at);
    base += at;
  }
  if (!started && carry.length > 0) throw corrupt(0, 'it does not start as a Muster recording');
  if (carry.length > 0) throw corrupt(base, 'its last record is cut short');
}

/** asciicast text is handed on in pieces of about this size. */
const TEXT_PIECE_BYTES = 64 * 1024;

/**
 * A stored recording as asciicast v2 text, in pieces: terminal bytes are decoded as UTF-8 with
 * one streaming decoder per direction, so a character cut between two records is shown whole
 * and bytes that are not UTF-8 show as U+FFFD, as a terminal decoding the whole stream shows
 * them. A recording stored as asciicast text (by an earlier version) is passed on unchanged.
 */
export async function* asciicastFromStored(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer, void> {
  const source = toAsync(pieces)[Symbol.asyncIterator]();
  const first = await firstNonEmpty(source);
  if (first === null) return;
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => source };
  if (first[0] === 0x7b) {
    yield Buffer.from(first);
    for await (const piece of rest) yield Buffer.from(piece);
    return;
  }
  const decoders = { o: new TextDecoder('utf-8'), i: new TextDecoder('utf-8') };
  let lines: string[] = [];
  let size = 0;
  let lastMs = 0;
  const add = (line: string): Buffer | null => {
    lines.push(line);
    size += line.length;
    if (size < TEXT_PIECE_BYTES) return null;
    const text = Buffer.from(lines.join(''), 'utf8');
    lines = [];
    size = 0;
    return text;
  };
  let headerSeen = false;
  for await (const record of storedRecords(prepend(first, rest))) {
    let line: string;
    if (record.type === 'h') {
      if (headerSeen) throw invalidInput('the stored recording has two headers');
      headerSeen = true;
      line = headerLine(parseHeaderLine(record.data.toString('utf8')));
    } else {
      if (!headerSeen) throw invalidInput('the stored recording has no header');
      lastMs = Math.max(lastMs, record.timeMs);
      const text =
        record.type === 'o' || record.type === 'i'
          ? decoders[record.type].decode(record.data, { stream: true })
          : record.data.toString('utf8');
      // A record that ends inside a character may decode to nothing yet: it comes with the next.
      if (text === '') continue;
      line = eventLine({ time: record.timeMs / 1000, type: record.type, data: text });
    }
    const piece = add(line);
    if (piece) yield piece;
  }
  // A character cut short by the end shows as U+FFFD, as a whole-stream decode does.
  for (const type of ['o', 'i'] as const) {
    const text = decoders[type].decode();
    if (text !== '') add(eventLine({ time: lastMs / 1000, type, data: text }));
  }
  if (lines.length > 0) yield Buffer.from(lines.join(''), 'utf8');
}

function toAsync(pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in pieces) return pieces;
  return (async function* () {
    yield* pieces;
  })();
}

async function firstNonEmpty(source: AsyncIterator<Uint8Array>): Promise<Uint8Array | null> {
  for (;;) {
    const next = await source.next();
    if (next.done) return null;
    if (next.value.length > 0) return next.value;
  }
}

async function* prepend(first: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  yield* rest;
}
