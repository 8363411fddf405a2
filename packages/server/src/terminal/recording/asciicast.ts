import { invalidInput, type MusterError } from '../../domain/errors';

/*
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header line, a JSON
 * object, then one JSON array per event, `[seconds, type, data]`, one per line. JSON escapes
 * every newline inside a string, so a line break only ever ends a line: recordings can be cut
 * into chunks anywhere between lines, and read back by splitting on "\n".
 */

/** The first line of a recording. */
export interface AsciicastHeader {
  version: 2;
  /** Columns and rows the terminal opened with. */
  width: number;
  height: number;
  /** When it started, in seconds since the epoch. */
  timestamp?: number;
  env?: Record<string, string>;
}

/** o: output, i: input (keystrokes), r: resize ("COLSxROWS"), m: a marker (here: a gap in the recording). */
export type AsciicastEventType = 'o' | 'i' | 'r' | 'm';

/** One event: when (seconds since the start), what, and its text. */
export interface AsciicastEvent {
  time: number;
  type: AsciicastEventType;
  data: string;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(['o', 'i', 'r', 'm']);
const RESIZE = /^[1-9][0-9]{0,5}x[1-9][0-9]{0,5}$/;

/** The header line, with its line break. */
export function headerLine(header: AsciicastHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** An event line, with its line break. */
export function eventLine(event: AsciicastEvent): string {
  return `${JSON.stringify([event.time, event.type, event.data])}\n`;
}

/** The data of a resize event. */
export function resizeData(cols: number, rows: number): string {
  return `${cols}x${rows}`;
}

const bad = (line: number, problem: string): MusterError =>
  invalidInput(`recording line ${line}: ${problem}`, { line });

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad(line, 'is not JSON');
  }
}

const isSize = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1;

/** Reads and checks a header line (line 1). Throws invalid-input naming what is wrong. */
export function parseHeaderLine(text: string): AsciicastHeader {
  const value = parseJson(text, 1);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(1, 'the header is not a JSON object');
  const header = value as Record<string, unknown>;
  if (header.version !== 2)
    throw bad(1, `version ${JSON.stringify(header.version)} is not asciicast version 2`);
  if (!isSize(header.width) || !isSize(header.height))
    throw bad(1, 'width and height are not whole numbers from 1');
  if (
    header.timestamp !== undefined &&
    !(typeof header.timestamp === 'number' && Number.isFinite(header.timestamp))
  )
    throw bad(1, 'timestamp is not a number');
  if (header.env !== undefined) {
    const env = header.env;
    if (
      typeof env !== 'object' ||
      env === null ||
      Array.isArray(env) ||
      Object.values(env).some((v) => typeof v !== 'string')
    )
      throw bad(1, 'env is not an object of strings');
  }
  return header as unknown as AsciicastHeader;
}

/**
 * Reads and checks an event line: a time not before `previousTime` (events are in order), a
 * known type, text data, and "COLSxROWS" for a resize.
 */
export function parseEventLine(text: string, line: number, previousTime: number): AsciicastEvent {
  const value = parseJson(text, line);
  if (!Array.isArray(value) || value.length !== 3) throw bad(line, 'an event is an array [time, type, data]');
  const [time, type, data] = value as [unknown, unknown, unknown];
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0)
    throw bad(line, 'the time is not a number of seconds from 0');
  if (time < previousTime)
    throw bad(line, `the time ${time} is before the event before it (${previousTime})`);
  if (typeof type !== 'string' || !EVENT_TYPES.has(type))
    throw bad(line, `event type ${JSON.stringify(type)} is none of o, i, r, m`);
  if (typeof data !== 'string') throw bad(line, 'the data is not a string');
  if (type === 'r' && !RESIZE.test(data)) throw bad(line, `resize ${JSON.stringify(data)} is not COLSxROWS`);
  return { time, type: type as AsciicastEventType, data };
}
