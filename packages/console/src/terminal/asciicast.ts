/** The header line of an asciicast v2 recording. */
export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds of the start, when the recorder wrote it. */
  timestamp?: number;
}

/**
 * One event of a recording: `o` output, `i` input (keystrokes), `r` a resize ("COLSxROWS"),
 * `m` a marker. `time` is in seconds from the start.
 */
export interface CastEvent {
  time: number;
  code: string;
  data: string;
}

/** A whole recording, read. */
export interface Cast {
  header: CastHeader;
  events: CastEvent[];
}

/**
 * Reads asciicast v2 text (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line,
 * then one JSON array `[time, code, data]` a line. A line that is not one is an error naming
 * its number, so a damaged recording says where; events are kept in the order of their time.
 */
export function parseCast(text: string): Cast {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const first = lines[0];
  if (first === undefined) throw new Error('the recording is empty');
  const header = JSON.parse(first) as Partial<CastHeader>;
  if (header?.version !== 2) throw new Error('the recording is not asciicast version 2');
  const events: CastEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    let event: unknown;
    try {
      event = JSON.parse(lines[i] as string);
    } catch {
      throw new Error(`line ${i + 1} of the recording is not JSON`);
    }
    if (
      !Array.isArray(event) ||
      typeof event[0] !== 'number' ||
      typeof event[1] !== 'string' ||
      typeof event[2] !== 'string'
    )
      throw new Error(`line ${i + 1} of the recording is not an event [time, code, data]`);
    events.push({ time: event[0], code: event[1], data: event[2] });
  }
  events.sort((a, b) => a.time - b.time);
  return {
    header: {
      version: 2,
      width: Number.isInteger(header.width) && (header.width as number) > 0 ? (header.width as number) : 80,
      height:
        Number.isInteger(header.height) && (header.height as number) > 0 ? (header.height as number) : 24,
      ...(typeof header.timestamp === 'number' ? { timestamp: header.timestamp } : {}),
    },
    events,
  };
}

/** A resize event's size, or null when its data is not "COLSxROWS". */
export function resizeOf(event: CastEvent): { cols: number; rows: number } | null {
  const match = /^(\d+)x(\d+)$/.exec(event.data);
  if (event.code !== 'r' || !match) return null;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return cols > 0 && rows > 0 ? { cols, rows } : null;
}
