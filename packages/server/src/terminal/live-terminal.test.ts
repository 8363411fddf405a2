import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { newTerminalSession } from '../test-support/terminal-session';
import {
  LiveTerminal,
  type LiveTerminalDeps,
  type TerminalClient,
  type TerminalControlMessage,
} from './live-terminal';
import { outputText, readStoredRecording } from './recording/recording-reader';
import { TerminalRecorder } from './recording/terminal-recorder';
import type { TerminalChannel } from './terminal-stream';

/** The client socket's side: what the terminal told it, and how it closed it. */
function client() {
  const controls: TerminalControlMessage[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const c: TerminalClient & { controls: typeof controls; closes: typeof closes; printed: string } = {
    controls,
    closes,
    printed: '',
    output: (data, sent) => {
      c.printed += data.toString();
      sent();
    },
    control: (m) => controls.push(m),
    close: (code, reason) => closes.push({ code, reason }),
  };
  return c;
}

/** The agent's side: what the terminal asked of it. */
function channel() {
  const asked: string[] = [];
  const ch: TerminalChannel & { asked: string[] } = {
    asked,
    input: async (data) => {
      asked.push(`input ${data.toString()}`);
    },
    resize: (cols, rows) => asked.push(`resize ${cols}x${rows}`),
    close: () => asked.push('close'),
  };
  return ch;
}

// One live terminal between a client and the agent's channel, recorded into a real SQLite store.
describe('live terminal', () => {
  let backend: StoreBackend;
  let cleanup: () => void;
  const log = { warn: () => undefined };
  before(async () => {
    const file = createTestSqliteFile();
    cleanup = file.cleanup;
    backend = await openSqlStore({ sqliteFile: file.file });
  });
  after(async () => {
    await backend.close();
    cleanup();
  });

  const start = async (idleMs: number, afterEnd?: LiveTerminalDeps['afterEnd']) => {
    const session = newTerminalSession();
    const recorder = await TerminalRecorder.start(backend.terminalSessions, session);
    const c = client();
    const ch = channel();
    const terminal = new LiveTerminal(
      session,
      recorder,
      c,
      { clock: Date.now, idleMs, log, ...(afterEnd ? { afterEnd } : {}) },
      () => undefined,
    );
    terminal.attach(ch);
    return { session, terminal, c, ch };
  };

  it('ends a session with no input and no output for the idle time, and says so', async () => {
    const { session, terminal, c, ch } = await start(150);
    // Traffic keeps it alive past the idle time...
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 60));
      terminal.viewer.output(Buffer.from(`tick ${i}\n`), () => undefined);
    }
    assert.equal(c.closes.length, 0, 'still open while output flows');
    // ...and silence ends it.
    const end = await terminal.ended;
    assert.equal(end.reason, 'idle');
    assert.deepEqual(c.closes, [{ code: 4003, reason: 'the session was idle too long' }]);
    assert.deepEqual(c.controls.at(-1), { type: 'ended', reason: 'the session was idle too long' });
    assert.deepEqual(ch.asked, ['close'], 'the agent is told to close the shell');
    const stored = await backend.terminalSessions.get(session.id);
    assert.equal(stored?.endReason, 'idle');
    assert.equal(
      outputText(await readStoredRecording(backend.terminalSessions, session.id)),
      'tick 0\ntick 1\ntick 2\ntick 3\n',
    );
  });

  it('closes the client only once the end and its audit entry are stored', async () => {
    const audited: string[] = [];
    const { session, terminal, c } = await start(0, async (end) => {
      await new Promise((r) => setTimeout(r, 30)); // an audit write that takes a moment
      audited.push(end.reason);
    });
    // What a client reading the record at its socket's close would find (the old code closed first).
    let atClose: Promise<[string | null | undefined, string[]]> | null = null;
    const close = c.close;
    c.close = (code, reason) => {
      atClose = backend.terminalSessions
        .get(session.id)
        .then((stored) => [stored?.endReason, [...audited]] as [string | null | undefined, string[]]);
      close(code, reason);
    };
    terminal.end('ended-by-admin', 'an administrator ended the session', 4004, 'olivia');
    assert.deepEqual(
      c.controls.at(-1),
      { type: 'ended', reason: 'an administrator ended the session' },
      'told at once',
    );
    await terminal.ended;
    assert.deepEqual(c.closes, [{ code: 4004, reason: 'an administrator ended the session' }]);
    assert.ok(atClose, 'the client was closed');
    assert.deepEqual(await atClose, ['ended-by-admin', ['ended-by-admin']]);
  });

  it('answers a resize outside 1..1000 with an error and keeps the size; a good one reaches the agent', async () => {
    const { terminal, c, ch } = await start(0);
    terminal.resize(0, 0);
    terminal.resize(100_000, 24);
    terminal.resize('80', 24);
    terminal.resize(120, 40);
    assert.deepEqual(c.controls.filter((m) => m.type === 'error').length, 3, JSON.stringify(c.controls));
    assert.deepEqual(ch.asked, ['resize 120x40']);
    terminal.clientClosed();
    assert.equal((await terminal.ended).reason, 'closed');
  });

  it('takes no input once ended, and counts what it took before', async () => {
    const { session, terminal, ch } = await start(0);
    await terminal.input(Buffer.from('ls\r'));
    terminal.clientClosed();
    await terminal.input(Buffer.from('too late\r'));
    const end = await terminal.ended;
    assert.deepEqual(ch.asked, ['input ls\r', 'close']);
    assert.equal(end.bytesIn, 3);
    assert.equal((await backend.terminalSessions.get(session.id))?.bytesIn, 3);
  });
});
