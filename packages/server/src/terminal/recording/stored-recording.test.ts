import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MusterError } from '../../domain/errors';
import { eventLine, headerLine } from './asciicast';
import { readAsciicast } from './recording-reader';
import {
  asciicastFromStored,
  RECORD_HEADER_BYTES,
  RECORDING_MAGIC,
  recordHeader,
  recordingStart,
  storedRecords,
} from './stored-recording';

const HEADER = { version: 2 as const, width: 80, height: 24, timestamp: 1_900_000_000 };

/** A record's bytes: its head and its data. */
const record = (type: 'o' | 'i' | 'r' | 'm' | 'h', timeMs: number, data: string | Buffer) => {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([recordHeader(type, timeMs, body.length), body]);
};

/** The asciicast text of stored bytes given in one piece. */
async function asText(...pieces: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const piece of asciicastFromStored(pieces)) out.push(piece);
  return Buffer.concat(out).toString('utf8');
}

/** Expects the stored bytes to be refused as a damaged recording, with the message matching. */
async function refused(bytes: Buffer, problem: RegExp): Promise<void> {
  await assert.rejects(
    asText(bytes),
    (error: unknown) =>
      error instanceof MusterError && error.code === 'invalid-input' && problem.test(error.message),
  );
}

describe('stored terminal recordings (binary records, read as asciicast v2)', () => {
  it('reads records back as asciicast events, with times in seconds and characters cut between records whole', async () => {
    const euro = Buffer.from('€');
    const stored = Buffer.concat([
      recordingStart(HEADER),
      record('o', 5, Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)])),
      record('r', 6, '100x30'),
      record('o', 1250, euro.subarray(1)),
      record('i', 1300, 'ls\r'),
      record('m', 1300, 'recording gap: 3 bytes left out (the store did not keep up)'),
      record('o', 2000, Buffer.from([0x42, 0xe4])), // ends inside a character: U+FFFD at the end
    ]);
    assert.equal(
      await asText(stored),
      headerLine(HEADER) +
        eventLine({ time: 0.005, type: 'o', data: 'a' }) +
        eventLine({ time: 0.006, type: 'r', data: '100x30' }) +
        eventLine({ time: 1.25, type: 'o', data: '€' }) +
        eventLine({ time: 1.3, type: 'i', data: 'ls\r' }) +
        eventLine({
          time: 1.3,
          type: 'm',
          data: 'recording gap: 3 bytes left out (the store did not keep up)',
        }) +
        eventLine({ time: 2, type: 'o', data: 'B' }) +
        eventLine({ time: 2, type: 'o', data: '\uFFFD' }),
    );
    // The same bytes cut at every offset in pieces of 1 to 5 bytes, empty pieces among them.
    const records: string[] = [];
    const pieces: Buffer[] = [];
    for (let at = 0, i = 0; at < stored.length; i++) {
      pieces.push(stored.subarray(at, at + (i % 5) + 1), Buffer.alloc(0));
      at += (i % 5) + 1;
    }
    for await (const r of storedRecords(pieces)) records.push(`${r.type}@${r.timeMs}:${r.data.length}`);
    assert.deepEqual(records, [
      `h@0:${JSON.stringify(HEADER).length}`,
      'o@5:2',
      'r@6:6',
      'o@1250:2',
      'i@1300:3',
      'm@1300:59',
      'o@2000:2',
    ]);
    assert.equal(await asText(...pieces), await asText(stored));
    assert.equal(
      (await readAsciicast(asciicastFromStored(pieces))).events.length,
      7,
      'a valid asciicast recording',
    );
  });

  it('passes a recording stored as asciicast text by an earlier version on unchanged', async () => {
    const text =
      headerLine(HEADER) +
      eventLine({ time: 0.5, type: 'o', data: '$ ' }) +
      eventLine({ time: 1, type: 'i', data: 'exit\r' });
    const pieces = [Buffer.alloc(0), Buffer.from(text.slice(0, 9)), Buffer.from(text.slice(9))];
    assert.equal(await asText(...pieces), text);
  });

  it('reads nothing from an empty recording', async () => {
    assert.equal(await asText(), '');
  });

  it('refuses damaged bytes with the byte where they stop being a recording', async () => {
    const start = recordingStart(HEADER);
    await refused(Buffer.from('MZ not a recording'), /byte 0: it does not start as a Muster recording/);
    await refused(RECORDING_MAGIC.subarray(0, 4), /byte 0: it does not start as a Muster recording/);
    const unknown = record('o', 1, 'x');
    unknown[0] = 0x7a; // 'z'
    await refused(
      Buffer.concat([start, unknown]),
      new RegExp(`byte ${start.length}: record type 122 is none`),
    );
    const huge = recordHeader('o', 1, 0xffffffff);
    await refused(
      Buffer.concat([start, huge]),
      new RegExp(`byte ${start.length}: a record of 4294967295 bytes is longer`),
    );
    await refused(Buffer.concat([start, record('o', -1, 'x')]), /not a number of milliseconds from 0/);
    await refused(
      Buffer.concat([start, record('o', Number.NaN, 'x')]),
      /not a number of milliseconds from 0/,
    );
    const cutShort = record('o', 1, 'hello').subarray(0, RECORD_HEADER_BYTES + 2);
    await refused(
      Buffer.concat([start, cutShort]),
      new RegExp(`byte ${start.length}: its last record is cut short`),
    );
    await refused(Buffer.concat([RECORDING_MAGIC, record('o', 1, 'x')]), /has no header/);
    await refused(Buffer.concat([start, start.subarray(RECORDING_MAGIC.length)]), /two headers/);
    await refused(Buffer.concat([RECORDING_MAGIC, record('h', 0, '{"version":1}')]), /asciicast version 2/);
  });
});
