import { FrameError } from './codec';
import { TERMINAL_CHUNK_BYTES } from './terminal-messages';

/**
 * Terminal output as binary WebSocket frames. In a JSON `terminal-output` message the bytes
 * travel as base64: a third more bytes through TLS on both ends, an encode on the agent and, on
 * the server, a JSON parse, a pattern check and a decode of every frame, for the one stream of
 * the protocol that carries megabytes. A binary frame carries them as they are:
 *
 *   byte 0      frame kind (1: terminal output)
 *   byte 1      length n of the session id (1..64)
 *   bytes 2..   the session id (ASCII letters, digits, `-` and `_`), then the output bytes
 *
 * Everything else stays JSON. The two sides agree on it at the WebSocket upgrade: the server
 * names the features it takes in a response header, and an agent uses binary output only when
 * its server named it, so an agent and a server of different ages keep talking JSON.
 */

/** The upgrade response header in which an agent port names the optional features it takes. */
export const SERVER_FEATURES_HEADER = 'x-muster-features';

/** The feature: the server takes terminal output as binary frames. */
export const BINARY_TERMINAL_OUTPUT_FEATURE = 'terminal-output-binary';

/** The kind byte of a terminal output frame. */
const TERMINAL_OUTPUT_KIND = 1;
const MAX_SESSION_ID_BYTES = 64;

/** One terminal output frame, decoded. */
export interface TerminalOutputFrame {
  sessionId: string;
  /** The output bytes (a view into the frame, not a copy). */
  data: Buffer;
}

/** Whether an upgrade response's features header names `feature` (a comma-separated list). */
export function namesFeature(header: string | string[] | undefined, feature: string): boolean {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.some((value) => value.split(',').some((item) => item.trim() === feature));
}

/** Builds a terminal output frame; the session id must be 1..64 bytes of the id alphabet. */
export function encodeTerminalOutputFrame(sessionId: string, data: Buffer): Buffer {
  if (!isSessionId(sessionId)) throw new Error(`not a terminal session id: ${JSON.stringify(sessionId)}`);
  const frame = Buffer.allocUnsafe(2 + sessionId.length + data.length);
  frame[0] = TERMINAL_OUTPUT_KIND;
  frame[1] = sessionId.length;
  frame.write(sessionId, 2, 'latin1');
  data.copy(frame, 2 + sessionId.length);
  return frame;
}

/** Reads a binary frame; throws a FrameError that says what is wrong with anything else. */
export function decodeTerminalOutputFrame(frame: Buffer): TerminalOutputFrame {
  if (frame.length < 2) throw new FrameError('binary frame too short');
  if (frame[0] !== TERMINAL_OUTPUT_KIND) throw new FrameError(`unknown binary frame kind ${frame[0]}`);
  const idLength = frame[1] as number;
  const dataStart = 2 + idLength;
  if (idLength < 1 || idLength > MAX_SESSION_ID_BYTES || frame.length < dataStart)
    throw new FrameError('binary terminal frame has a bad session id length');
  const sessionId = frame.toString('latin1', 2, dataStart);
  if (!isSessionId(sessionId)) throw new FrameError('binary terminal frame has a bad session id');
  const dataLength = frame.length - dataStart;
  if (dataLength === 0 || dataLength > TERMINAL_CHUNK_BYTES)
    throw new FrameError(`binary terminal frame carries ${dataLength} bytes (1 to ${TERMINAL_CHUNK_BYTES})`);
  return { sessionId, data: frame.subarray(dataStart) };
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}
