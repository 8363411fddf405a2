import { dataBuffers } from './buffer-pool';
import { ReplicationError } from './replication-error';

/**
 * Frame types of the replication protocol. A frame is `u32 body length | u8 type | u32 header
 * length | JSON header | raw payload`, big-endian; JSON carries the small fields, the payload
 * carries bulk bytes so data is never base64-inflated.
 */
export const FrameType = {
  hello: 1,
  welcome: 2,
  fileBegin: 3,
  fileBasis: 4,
  signatureChunk: 5,
  literal: 6,
  copy: 7,
  fileEnd: 8,
  fileResult: 9,
  deleteFile: 10,
  deleteResult: 11,
  passEnd: 12,
  passDone: 13,
  error: 14,
} as const;

/** One of the FrameType values. */
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

/** A decoded frame: its type, parsed JSON header (an object) and raw payload. */
export interface Frame {
  type: FrameTypeCode;
  header: Record<string, unknown>;
  payload: Buffer;
}

/** Largest frame body accepted (type + header + payload); anything bigger closes the connection. */
export const MAX_FRAME_BODY = 2 * 1024 * 1024;

/** Largest JSON header accepted: headers hold names and numbers, never data. */
export const MAX_HEADER_BYTES = 64 * 1024;

const PREFIX = 4;
const FIXED = 1 + 4;
const KNOWN_TYPES = new Set<number>(Object.values(FrameType));

/** Encodes one frame; throws if it would exceed the limits the other end enforces. */
export function encodeFrame(type: FrameTypeCode, header?: object, payload?: Buffer): Buffer {
  const parts = encodeFrameParts(type, header, payload ? [payload] : []);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Encodes one frame as its head (prefix and JSON header) followed by the payload parts as
 * given, so that bulk data is written to the socket without being copied into a frame first.
 */
export function encodeFrameParts(
  type: FrameTypeCode,
  header: object | undefined,
  payload: readonly Buffer[],
): Buffer[] {
  const json =
    header && Object.keys(header).length > 0 ? Buffer.from(JSON.stringify(header)) : Buffer.alloc(0);
  let payloadLength = 0;
  for (const part of payload) payloadLength += part.length;
  const body = FIXED + json.length + payloadLength;
  if (json.length > MAX_HEADER_BYTES || body > MAX_FRAME_BODY)
    throw new ReplicationError('frame-too-large', `frame of ${body} bytes exceeds the limit`);
  const out = Buffer.allocUnsafe(PREFIX + FIXED + json.length);
  out.writeUInt32BE(body, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(json.length, 5);
  json.copy(out, 9);
  return [out, ...payload.filter((part) => part.length > 0)];
}

/**
 * Incremental decoder: bytes go in as they arrive, whole frames come out. Sizes from the wire
 * are checked against the limits before anything is buffered for them.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Bytes held waiting for the rest of a frame (counted against per-connection memory). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds received bytes and returns every frame now complete. Throws a ReplicationError on bad input. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < PREFIX) break;
      const head = this.peek(PREFIX + FIXED);
      const body = head.readUInt32BE(0);
      if (body > MAX_FRAME_BODY)
        throw new ReplicationError('frame-too-large', `frame of ${body} bytes exceeds ${MAX_FRAME_BODY}`);
      if (body < FIXED)
        throw new ReplicationError('frame-malformed', `frame body of ${body} bytes is too short`);
      if (this.buffered < PREFIX + body) break;
      const { bytes, owned } = this.take(PREFIX + body);
      frames.push(decodeBody(bytes.subarray(PREFIX), owned));
    }
    return frames;
  }

  private peek(length: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= length || this.chunks.length === 1) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  /**
   * Removes one frame's bytes. A frame inside one received chunk is a view of it (`owned`
   * false: its payload must be copied out to let the chunk go); one spread over several chunks
   * is gathered into a buffer of its own, its only copy.
   */
  private take(length: number): { bytes: Buffer; owned: boolean } {
    this.buffered -= length;
    const first = this.chunks[0]!;
    if (first.length >= length) {
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
      return { bytes: first.subarray(0, length), owned: false };
    }
    const out = dataBuffers.take(length);
    for (let at = 0; at < length; ) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length, length - at);
      chunk.copy(out, at, 0, n);
      at += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    return { bytes: out, owned: true };
  }
}

function decodeBody(body: Buffer, owned: boolean): Frame {
  const type = body.readUInt8(0);
  if (!KNOWN_TYPES.has(type)) throw new ReplicationError('frame-malformed', `unknown frame type ${type}`);
  const headerLength = body.readUInt32BE(1);
  if (headerLength > MAX_HEADER_BYTES || FIXED + headerLength > body.length)
    throw new ReplicationError('frame-malformed', `header length ${headerLength} does not fit the frame`);
  let header: Record<string, unknown> = {};
  if (headerLength > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8', FIXED, FIXED + headerLength));
    } catch {
      throw new ReplicationError('frame-malformed', 'frame header is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ReplicationError('frame-malformed', 'frame header is not a JSON object');
    header = parsed as Record<string, unknown>;
  }
  // A view of a receive buffer is copied out so that buffer can be released.
  const view = body.subarray(FIXED + headerLength);
  let payload = view;
  if (!owned) {
    payload = dataBuffers.take(view.length);
    view.copy(payload);
  }
  return { type: type as FrameTypeCode, header, payload };
}
