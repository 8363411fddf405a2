import { invalidInput } from '../../domain/errors';
import type { TerminalSessionStore } from '../../store/terminal-record';
import { type AsciicastEvent, type AsciicastHeader, parseEventLine, parseHeaderLine } from './asciicast';
import { asciicastFromStored } from './stored-recording';

/** A recording read back: its header and every event, in order. */
export interface AsciicastRecording {
  header: AsciicastHeader;
  events: AsciicastEvent[];
}

/**
 * The lines of a recording given in pieces cut anywhere, even inside a character: the bytes are
 * split at line breaks before they are decoded (a line-break byte is never part of a UTF-8
 * multi-byte character), so a character cut between two pieces is read whole and a line that
 * is not UTF-8 is named by its number. The line break after the last line is optional; any
 * other empty line is an error.
 */
export async function* asciicastLines(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<string, void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 0;
  const decode = (bytes: Uint8Array): string => {
    line += 1;
    if (bytes.length === 0) throw invalidInput(`recording line ${line}: is empty`, { line });
    try {
      return decoder.decode(bytes);
    } catch {
      throw invalidInput(`recording line ${line}: is not UTF-8`, { line });
    }
  };
  let carry = Buffer.alloc(0);
  for await (const piece of pieces) {
    const data = Buffer.concat([carry, piece]);
    let from = 0;
    for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, from)) {
      yield decode(data.subarray(from, end));
      from = end + 1;
    }
    carry = data.subarray(from);
  }
  if (carry.length > 0) yield decode(carry);
}

/**
 * Parses and checks a whole recording (see asciicast.ts for what is checked). Throws
 * invalid-input naming the first bad line; a recording without a header is bad too.
 */
export async function readAsciicast(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<AsciicastRecording> {
  let header: AsciicastHeader | null = null;
  const events: AsciicastEvent[] = [];
  let line = 0;
  let time = 0;
  for await (const text of asciicastLines(pieces)) {
    line += 1;
    if (header === null) {
      header = parseHeaderLine(text);
      continue;
    }
    const event = parseEventLine(text, line, time);
    time = event.time;
    events.push(event);
  }
  if (header === null) throw invalidInput('the recording is empty: it has no header', { line: 1 });
  return { header, events };
}

/** A stored session's recording, parsed and checked (the caller has checked scope with `get`). */
export function readStoredRecording(
  store: Pick<TerminalSessionStore, 'readRecording'>,
  sessionId: string,
): Promise<AsciicastRecording> {
  return readAsciicast(asciicastFromStored(store.readRecording(sessionId)));
}

/** Everything the terminal showed: the data of the output events, in order. */
export function outputText(recording: AsciicastRecording): string {
  return recording.events
    .filter((e) => e.type === 'o')
    .map((e) => e.data)
    .join('');
}
