import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MusterError } from '../../domain/errors';
import type { StoreBackend } from '../../store/interfaces';
import { openSqlStore } from '../../store/sql/sql-store';
import type { NewTerminalSession } from '../../store/terminal-record';
import { createTestSqliteFile } from '../../test-support/sqlite';
import { newTerminalSession } from '../../test-support/terminal-session';
import { type AsciicastRecording, outputText, readAsciicast, readStoredRecording } from './recording-reader';
import { asciicastFromStored, RECORD_HEADER_BYTES, RECORDING_MAGIC } from './stored-recording';
import { type RecordingStore, TerminalRecorder, type TerminalRecorderOptions } from './terminal-recorder';

const START = 1_900_000_000_123;

/** A session starting at START (the recorder's times are relative to it). */
const newSession = (fields: Partial<NewTerminalSession> = {}) =>
  newTerminalSession({ startedAt: START, ...fields });

/** A clock the test moves by hand. */
function manualClock(at = START) {
  const clock = () => at;
  clock.advance = (ms: number) => {
    at += ms;
  };
  return clock;
}

/** Cuts bytes into pieces of the given sizes, in turn (so multi-byte characters are cut everywhere). */
function cut(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** Waits for a condition the recorder reaches on its own timer. */
async function eventually(test: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await test()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`never: ${what}`);
}

const dataOf = (recording: AsciicastRecording, type: string) =>
  recording.events.filter((e) => e.type === type).map((e) => e.data);

describe('terminal recorder (asciicast v2 on a real SQLite store)', () => {
  let backend: StoreBackend;
  let cleanup: () => void;
  before(async () => {
    const file = createTestSqliteFile();
    cleanup = file.cleanup;
    backend = await openSqlStore({ sqliteFile: file.file });
  });
  after(async () => {
    await backend.close();
    cleanup();
  });

  /** The real store, whose appends wait until `open()` is called (a store that stalls). */
  const stalledStore = () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const store: RecordingStore = {
      create: (s) => backend.terminalSessions.create(s),
      finish: (id, end) => backend.terminalSessions.finish(id, end),
      async appendRecording(id, seq, data, counts) {
        await gate;
        await backend.terminalSessions.appendRecording(id, seq, data, counts);
      },
    };
    return { store, open };
  };

  const start = (
    session: NewTerminalSession,
    options: TerminalRecorderOptions = {},
    store?: RecordingStore,
  ) => TerminalRecorder.start(store ?? backend.terminalSessions, session, options);

  it('records output byte for byte across chunks, with characters cut between reads, resizes and input', async () => {
    const clock = manualClock();
    const session = newSession();
    const recorder = await start(session, { clock, flushBytes: 256 });
    // Text of 1- to 4-byte characters, escape sequences and every control byte but none invalid.
    const controls = Buffer.from(Array.from({ length: 32 }, (_, i) => i).concat(0x7f));
    const text = Buffer.concat([
      Buffer.from('héllo wörld → 世界 🎉 \u001b[31mred\u001b[0m\r\n'),
      controls,
      Buffer.from('€'.repeat(7000)), // 21,000 bytes: cut at 8 KiB event limits, inside a character
      Buffer.from('ünïcödé ✓ 𝄞\r\n$ '),
    ]);
    const pieces = cut(text, [1, 2, 3, 5, 7, 9001, 1, 301]); // 9,001: past the 8 KiB event limit
    for (const [i, piece] of pieces.entries()) {
      clock.advance(i % 3);
      recorder.output(piece);
      if (i % 4 === 3) await recorder.flush(); // the stream in many stored chunks
      if (i === 5) recorder.resize(100, 30);
      if (i === 10)
        for (const key of cut(Buffer.from('ls -l ü\r'), [1, 1, 1, 1, 1, 1, 1, 1])) recorder.input(key);
    }
    const result = await recorder.end({ endReason: 'exit' });
    assert.equal(result.finished, true);
    assert.equal(result.complete, true);
    assert.ok(result.chunks >= 5, `several chunks (${result.chunks})`);
    assert.equal(result.bytesOut, text.length);
    assert.equal(result.bytesIn, Buffer.byteLength('ls -l ü\r'));

    const recording = await readStoredRecording(backend.terminalSessions, session.id);
    assert.deepEqual(recording.header, {
      version: 2,
      width: 80,
      height: 24,
      timestamp: Math.floor(START / 1000),
      env: { TERM: 'xterm-256color' },
    });
    assert.deepEqual(Buffer.from(outputText(recording), 'utf8'), text, 'the output, byte for byte');
    assert.ok(!outputText(recording).includes('\uFFFD'), 'no character mangled');
    assert.equal(dataOf(recording, 'i').join(''), 'ls -l ü\r');
    assert.deepEqual(dataOf(recording, 'r'), ['100x30']);
    assert.ok((recording.events.at(-1)?.time ?? 0) > 0, 'events carry their time');

    const stored = await backend.terminalSessions.get(session.id);
    assert.deepEqual(
      [stored?.endReason, stored?.bytesOut, stored?.bytesIn, stored?.recordingChunks, stored?.recordingBytes],
      ['exit', text.length, result.bytesIn, result.chunks, result.recordedBytes],
    );
    // A reader given the same bytes cut anywhere (inside characters too) reads the same recording.
    const whole: Buffer[] = [];
    for await (const chunk of backend.terminalSessions.readRecording(session.id)) whole.push(chunk);
    assert.deepEqual(
      await readAsciicast(asciicastFromStored(cut(Buffer.concat(whole), [7, 1, 3]))),
      recording,
    );
  });

  it('stores the raw bytes, not escaped text: 64 KiB of control bytes take 64 KiB and a record head each', async () => {
    const session = newSession();
    const recorder = await start(session);
    const piece = Buffer.alloc(4096, 0x1b); // each byte six of asciicast text (\u001b)
    for (let i = 0; i < 16; i++) recorder.output(piece);
    const result = await recorder.end({ endReason: 'exit' });
    const stored: Buffer[] = [];
    for await (const chunk of backend.terminalSessions.readRecording(session.id)) stored.push(chunk);
    const bytes = Buffer.concat(stored);
    assert.deepEqual(bytes.subarray(0, RECORDING_MAGIC.length), RECORDING_MAGIC);
    assert.equal(result.recordedBytes, bytes.length);
    assert.ok(bytes.length < 64 * 1024 + 16 * RECORD_HEADER_BYTES + 200, `${bytes.length} bytes stored`);
    const recording = await readStoredRecording(backend.terminalSessions, session.id);
    assert.equal(outputText(recording), '\u001b'.repeat(64 * 1024));
  });

  it('records bytes that are not UTF-8 as a terminal decoding the whole stream shows them', async () => {
    const session = newSession({ recordInput: false });
    const recorder = await start(session, { flushBytes: 64 });
    const bytes = Buffer.from([
      0x41,
      0xff,
      0xfe,
      0x80,
      0x42,
      0xe2,
      0x82,
      0x43, // lone and cut-short sequences among ASCII
      0xf0,
      0x9f,
      0x8e,
      0x89, // an emoji, cut below
      0xc3,
      0xa9,
      0x00,
      0x1b,
      0x5b,
      0x41,
      0xed,
      0xa0,
      0x80, // an encoded surrogate: invalid in UTF-8
      0xe4, // a character cut short by the end
    ]);
    for (const piece of cut(bytes, [1, 9, 2, 3])) recorder.output(piece);
    recorder.input(Buffer.from('secret\r'));
    const result = await recorder.end({ endReason: 'closed' });
    assert.equal(result.complete, true);
    assert.equal(result.bytesIn, 7, 'input is counted though not recorded');
    const recording = await readStoredRecording(backend.terminalSessions, session.id);
    assert.equal(outputText(recording), new TextDecoder().decode(bytes));
    assert.deepEqual(dataOf(recording, 'i'), [], 'input is not recorded when the session says so');
  });

  it('loses nothing when a store write fails once, or succeeds with its answer lost', async () => {
    const errors: unknown[] = [];
    let failNext = 0;
    let loseNextAnswer = 0;
    const flaky: RecordingStore = {
      create: (s) => backend.terminalSessions.create(s),
      finish: (id, end) => backend.terminalSessions.finish(id, end),
      async appendRecording(id, seq, data, counts) {
        if (seq === 1 && failNext-- > 0) throw new Error('connection reset');
        await backend.terminalSessions.appendRecording(id, seq, data, counts);
        if (seq === 2 && loseNextAnswer-- > 0) throw new Error('connection reset after commit');
      },
    };
    failNext = 1;
    loseNextAnswer = 1;
    const session = newSession();
    const recorder = await start(session, { flushBytes: 100, onError: (e) => errors.push(e) }, flaky);
    const text = Buffer.from(Array.from({ length: 60 }, (_, i) => `line ${i} ✓\r\n`).join(''));
    for (const piece of cut(text, [13])) {
      recorder.output(piece);
      await recorder.flush();
    }
    const result = await recorder.end({ endReason: 'exit' });
    assert.equal(result.complete, true);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['connection reset', 'connection reset after commit'],
      'each failure reported',
    );
    const recording = await readStoredRecording(backend.terminalSessions, session.id);
    assert.deepEqual(Buffer.from(outputText(recording)), text, 'nothing lost, nothing twice');
    assert.equal((await backend.terminalSessions.get(session.id))?.recordingChunks, result.chunks);
  });

  it('stores what it buffers every interval, without waiting for the end', async () => {
    const session = newSession();
    const recorder = await start(session, { flushIntervalMs: 20 });
    recorder.output(Buffer.from('$ echo hi\r\nhi\r\n'));
    await eventually(
      async () => ((await backend.terminalSessions.get(session.id))?.recordingChunks ?? 0) > 0,
      'a chunk stored by the timer',
    );
    const live = await readStoredRecording(backend.terminalSessions, session.id);
    assert.equal(outputText(live), '$ echo hi\r\nhi\r\n');
    assert.equal(
      (await backend.terminalSessions.get(session.id))?.bytesOut,
      15,
      'counts stored with the chunk',
    );
    await recorder.end({ endReason: 'exit' });
  });

  it('holds bounded memory while the store stalls: says when to pause, then leaves out and marks a gap', async () => {
    const { store: stalled, open } = stalledStore();
    const errors: string[] = [];
    const session = newSession();
    const recorder = await start(
      session,
      { flushBytes: 1024, maxBufferedBytes: 8192, onError: (e) => errors.push((e as Error).message) },
      stalled,
    );
    const line = Buffer.from(`${'x'.repeat(99)}\n`);
    let writable = true;
    let sent = 0;
    while (writable) {
      writable = recorder.output(line);
      sent += 1;
    }
    assert.ok(
      recorder.bufferedBytes >= 4096 && recorder.bufferedBytes < 8192,
      'paused at the high-water mark',
    );
    let resumed = false;
    const waiting = recorder.whenWritable().then(() => {
      resumed = true;
    });
    for (let i = 0; i < 200; i++) recorder.output(line); // a caller that does not pause
    assert.ok(recorder.bufferedBytes <= 8192, `never past the bound (${recorder.bufferedBytes})`);
    assert.equal(errors.length, 1, 'the gap is reported once');
    assert.match(errors[0] as string, /not keeping up/);
    assert.equal(resumed, false);
    open();
    await recorder.flush();
    await waiting;
    assert.equal(resumed, true, 'told to go on once stored');
    recorder.output(Buffer.from('after the gap\n'));
    const result = await recorder.end({ endReason: 'exit' });
    assert.equal(result.complete, false);
    assert.ok(result.droppedBytes > 0);
    assert.equal(result.bytesOut, (sent + 200) * 100 + 14, 'every byte counted, recorded or not');
    const recording = await readStoredRecording(backend.terminalSessions, session.id);
    const markers = dataOf(recording, 'm');
    assert.deepEqual(markers, [
      `recording gap: ${result.droppedBytes} bytes left out (the store did not keep up)`,
    ]);
    const output = outputText(recording);
    assert.ok(output.endsWith('after the gap\n'));
    assert.equal(
      output.length + result.droppedBytes,
      result.bytesOut,
      'what is recorded plus what is left out',
    );
  });

  it('leaves nothing out for a caller that pauses at the high-water mark with a whole window still in flight', async () => {
    const { store: stalled, open } = stalledStore();
    const errors: string[] = [];
    const session = newSession();
    // A source with 16 KiB in flight, all control bytes (each was six bytes of asciicast text).
    const window = 16 * 1024;
    const recorder = await start(
      session,
      {
        flushBytes: 1024,
        highWaterBytes: 8192,
        maxBufferedBytes: 8192 + 6 * window + 4096,
        onError: (e) => errors.push((e as Error).message),
      },
      stalled,
    );
    const piece = Buffer.alloc(1024, 0x1b);
    let writable = true;
    while (writable) writable = recorder.output(piece);
    // The piece that crossed the mark is part of the window the source had in flight.
    for (let sent = piece.length; sent < window; sent += piece.length) recorder.output(piece);
    assert.deepEqual(errors, [], 'nothing left out');
    open();
    const result = await recorder.end({ endReason: 'exit' });
    assert.equal(result.complete, true);
    assert.equal(result.droppedBytes, 0);
  });

  it('keeps a fast stream flowing for a caller that pauses when told, without waiting for the timer', {
    timeout: 30_000,
  }, async () => {
    const session = newSession();
    const recorder = await start(session, { flushIntervalMs: 600_000, maxBufferedBytes: 256 * 1024 });
    const piece = Buffer.from(`${'y'.repeat(4095)}\n`);
    let paused = 0;
    for (let sent = 0; sent < 8 * 1024 * 1024; sent += piece.length) {
      if (recorder.output(piece)) continue;
      paused += 1;
      await recorder.whenWritable();
    }
    const result = await recorder.end({ endReason: 'exit' });
    assert.ok(paused > 0, 'told to pause');
    assert.equal(result.complete, true);
    assert.equal(result.bytesOut, 8 * 1024 * 1024);
    assert.equal(
      outputText(await readStoredRecording(backend.terminalSessions, session.id)).length,
      8 * 1024 * 1024,
    );
  });

  it('stores large chunks byte for byte while the store is slow: a reused chunk buffer is not written over', {
    timeout: 30_000,
  }, async () => {
    // Each append waits 5 ms before the real store takes the chunk, so records pile up into
    // chunks of hundreds of KiB (gathered in the buffer the recorder reuses) while one is stored.
    const slow: RecordingStore = {
      create: (s) => backend.terminalSessions.create(s),
      finish: (id, end) => backend.terminalSessions.finish(id, end),
      async appendRecording(id, seq, data, counts) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await backend.terminalSessions.appendRecording(id, seq, data, counts);
      },
    };
    const session = newSession();
    const recorder = await start(
      session,
      { flushIntervalMs: 600_000, maxBufferedBytes: 4 * 1024 * 1024 },
      slow,
    );
    // Every piece differs, so a chunk written over by the next would show.
    const pieces = Array.from({ length: 1500 }, (_, i) => Buffer.from(`${i} `.repeat(700).slice(0, 4000)));
    for (const piece of pieces) {
      if (!recorder.output(piece)) await recorder.whenWritable();
    }
    const result = await recorder.end({ endReason: 'exit' });
    assert.equal(result.complete, true);
    assert.ok(result.recordedBytes / result.chunks > 128 * 1024, `large chunks (${result.chunks})`);
    const recording = await readStoredRecording(backend.terminalSessions, session.id);
    assert.equal(outputText(recording), Buffer.concat(pieces).toString('utf8'));
  });

  it('ends once: a second end returns the first result and later output is ignored', async () => {
    const clock = manualClock();
    const session = newSession();
    const recorder = await start(session, { clock });
    recorder.output(Buffer.from('bye\r\n'));
    clock.advance(4000);
    const first = await recorder.end({ endReason: 'ended-by-admin', endedBy: 'bob' });
    assert.equal(recorder.output(Buffer.from('late')), false);
    recorder.resize(10, 10);
    assert.equal(await recorder.end({ endReason: 'exit' }), first);
    const stored = await backend.terminalSessions.get(session.id);
    assert.deepEqual(
      [stored?.endedAt, stored?.endReason, stored?.endedBy, stored?.bytesOut],
      [START + 4000, 'ended-by-admin', 'bob', 5],
    );
    assert.equal(outputText(await readStoredRecording(backend.terminalSessions, session.id)), 'bye\r\n');
    assert.throws(() => recorder.resize(0, 0), MusterError, 'a size of nothing is refused');
  });

  it('stops trying once the session was ended elsewhere, and says the recording is not complete', async () => {
    const errors: unknown[] = [];
    const session = newSession();
    const recorder = await start(session, {
      onError: (e) => errors.push(e),
      endAttempts: 3,
      retryDelayMs: 1,
    });
    recorder.output(Buffer.from('running\r\n'));
    await backend.terminalSessions.finish(session.id, {
      endedAt: START + 1,
      endReason: 'node-restarted',
      endedBy: null,
      bytesIn: 0,
      bytesOut: 0,
    });
    const result = await recorder.end({ endReason: 'exit' });
    assert.deepEqual([result.finished, result.complete], [false, false]);
    assert.equal(errors.length, 1, 'one refusal, no retries against a final recording');
    assert.equal((errors[0] as MusterError).code, 'invalid-state');
    assert.equal((await backend.terminalSessions.get(session.id))?.endReason, 'node-restarted');
  });

  it('refuses to record a session whose id is taken, so no terminal opens unrecorded', async () => {
    const session = newSession();
    await (await start(session)).end({ endReason: 'exit' });
    await assert.rejects(start(session), (e: unknown) => e instanceof MusterError && e.code === 'conflict');
  });
});
