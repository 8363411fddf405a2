import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MusterError } from '../../domain/errors';
import { eventLine, headerLine } from './asciicast';
import { outputText, readAsciicast } from './recording-reader';

const HEADER = headerLine({
  version: 2,
  width: 80,
  height: 24,
  timestamp: 1_900_000_000,
  env: { TERM: 'xterm' },
});

/** Reads a recording given as text, in one piece. */
const read = (text: string) => readAsciicast([Buffer.from(text, 'utf8')]);

/** Expects the reader to refuse the recording, naming the line and the problem. */
async function refused(text: string | Buffer, line: number, problem: RegExp): Promise<void> {
  await assert.rejects(
    readAsciicast([typeof text === 'string' ? Buffer.from(text, 'utf8') : text]),
    (error: unknown) =>
      error instanceof MusterError &&
      error.code === 'invalid-input' &&
      error.details?.line === line &&
      problem.test(error.message),
  );
}

describe('asciicast v2 reader', () => {
  it('reads a header and events, with or without a last line break', async () => {
    const body = `${eventLine({ time: 0.5, type: 'o', data: 'a\r\n"é"' })}${eventLine({ time: 0.5, type: 'r', data: '100x30' })}${eventLine({ time: 1.25, type: 'i', data: 'x' })}`;
    const recording = await read(HEADER + body);
    assert.deepEqual(recording.header, {
      version: 2,
      width: 80,
      height: 24,
      timestamp: 1_900_000_000,
      env: { TERM: 'xterm' },
    });
    assert.deepEqual(recording.events, [
      { time: 0.5, type: 'o', data: 'a\r\n"é"' },
      { time: 0.5, type: 'r', data: '100x30' },
      { time: 1.25, type: 'i', data: 'x' },
    ]);
    assert.equal(outputText(recording), 'a\r\n"é"');
    assert.deepEqual(await read((HEADER + body).trimEnd()), recording, 'no line break after the last line');
    assert.deepEqual((await read(HEADER)).events, [], 'a header alone is a recording of nothing');
  });

  it('refuses what is not asciicast v2, naming the line', async () => {
    await refused('', 1, /empty: it has no header/);
    await refused('not json\n', 1, /line 1: is not JSON/);
    await refused('[2, 80, 24]\n', 1, /not a JSON object/);
    await refused('{"version":1,"width":80,"height":24}\n', 1, /version 1 is not asciicast version 2/);
    await refused('{"version":2,"width":0,"height":24}\n', 1, /width and height/);
    await refused('{"version":2,"width":80,"height":24,"env":{"TERM":5}}\n', 1, /env/);
    await refused(`${HEADER}[1, "o"]\n`, 2, /an event is an array/);
    await refused(`${HEADER}[-1, "o", "x"]\n`, 2, /time is not a number of seconds from 0/);
    await refused(
      `${HEADER}[2, "o", "x"]\n[1, "o", "y"]\n`,
      3,
      /the time 1 is before the event before it \(2\)/,
    );
    await refused(`${HEADER}[1, "x", "y"]\n`, 2, /event type "x" is none of o, i, r, m/);
    await refused(`${HEADER}[1, "o", 5]\n`, 2, /data is not a string/);
    await refused(`${HEADER}[1, "r", "0x0"]\n`, 2, /resize "0x0" is not COLSxROWS/);
    await refused(`${HEADER}[1, "r", "100000000x5"]\n`, 2, /is not COLSxROWS/);
    await refused(`${HEADER}\n[1, "o", "y"]\n`, 2, /line 2: is empty/);
    await refused(
      Buffer.concat([Buffer.from(HEADER), Buffer.from([0x5b, 0xff, 0x5d, 0x0a])]),
      2,
      /not UTF-8/,
    );
  });
});
