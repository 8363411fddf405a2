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
  const json =
    header && Object.keys(header).length > 0 ? Buffer.from(JSON.stringify(header)) : Buffer.alloc(0);
  const payloadLength = payload?.length ?? 0;
  const body = FIXED + json.length + payloadLength;
  if (json.length > MAX_HEADER_BYTES || body > MAX_FRAME_BODY)
    throw new ReplicationError('frame-too-large', `frame of ${body} bytes exceeds the limit`);
  const out = Buffer.allocUnsafe(PREFIX + FIXED + json.length);
  out.writeUInt32BE(body, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(json.length, 5);
  json.copy(out, 9);
  return payload && payloadLength > 0 ? Buffer.concat([out, payload]) : out;
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
      frames.push(decodeBody(this.take(PREFIX + body).subarray(PREFIX)));
    }
    return frames;
  }

  private peek(length: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= length || this.chunks.length === 1) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(length: number): Buffer {
    const joined = this.peek(length);
    const frame = joined.subarray(0, length);
    const rest = joined.subarray(length);
    this.chunks[0] = rest;
    if (rest.length === 0) this.chunks.shift();
    this.buffered -= length;
    return frame;
  }
}

function decodeBody(body: Buffer): Frame {
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
  // Copy the payload out so the connection's receive buffers can be released.
  const payload = Buffer.from(body.subarray(FIXED + headerLength));
  return { type: type as FrameTypeCode, header, payload };
}
