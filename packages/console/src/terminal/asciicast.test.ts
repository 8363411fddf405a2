import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCast, resizeOf } from './asciicast';
import { CastPlayer, type PlayerState } from './cast-player';
import { closeMessage, exitMessage, recordingNotice, terminalUrl } from './terminal-words';

const CAST = [
  '{"version":2,"width":100,"height":30,"timestamp":1764864000}',
  '[0.5,"o","$ "]',
  '[1.25,"i","ls\\r"]',
  '[0.1,"o","first"]',
  '[2,"r","120x40"]',
  '',
].join('\n');

describe('asciicast v2 recordings', () => {
  it('reads the header and the events, in the order of their time', () => {
    const cast = parseCast(CAST);
    assert.deepEqual(cast.header, { version: 2, width: 100, height: 30, timestamp: 1764864000 });
    assert.deepEqual(
      cast.events.map((e) => [e.time, e.code]),
      [
        [0.1, 'o'],
        [0.5, 'o'],
        [1.25, 'i'],
        [2, 'r'],
      ],
    );
    assert.deepEqual(resizeOf(cast.events[3] as never), { cols: 120, rows: 40 });
    assert.equal(resizeOf({ time: 0, code: 'r', data: '0x0' }), null);
    assert.equal(resizeOf({ time: 0, code: 'o', data: '120x40' }), null);
  });

  it('says what is wrong with a recording it cannot play, and where', () => {
    assert.throws(() => parseCast(''), /empty/);
    assert.throws(() => parseCast('{"version":1}'), /not asciicast version 2/);
    assert.throws(() => parseCast('{"version":2,"width":80,"height":24}\n[1,"o"'), /line 2 .*not JSON/);
    assert.throws(() => parseCast('{"version":2,"width":80,"height":24}\n{"a":1}'), /line 2 .*not an event/);
  });
});

/** A player on a hand-driven clock and timer queue. */
function harness(text: string) {
  let now = 0;
  const timers: Array<{ at: number; run: () => void; id: number }> = [];
  let ids = 0;
  const written: string[] = [];
  const states: PlayerState[] = [];
  const player = new CastPlayer(
    parseCast(text).events,
    {
      event: (e) => written.push(`${e.code}:${e.data}`),
      changed: (state) => states.push(state),
    },
    {
      set: (run, ms) => {
        timers.push({ at: now + ms, run, id: ++ids });
        return ids;
      },
      clear: (id) => {
        const at = timers.findIndex((t) => t.id === id);
        if (at >= 0) timers.splice(at, 1);
      },
    },
    () => now,
  );
  /** Moves the clock forward, running every timer due. */
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      now = next.at;
      next.run();
    }
    now = until;
  };
  return { player, written, states, advance };
}

describe('the recording player', () => {
  it('plays each event at its time, faster at a higher speed, and pauses where it is', () => {
    const h = harness(CAST);
    h.player.play();
    h.advance(99);
    assert.deepEqual(h.written, []);
    h.advance(1);
    assert.deepEqual(h.written, ['o:first']);
    h.player.pause();
    h.advance(10_000);
    assert.deepEqual(h.written, ['o:first'], 'nothing plays while paused');
    h.player.speed(2);
    h.player.play();
    // 0.4 s of recording at 2× is 200 ms.
    h.advance(199);
    assert.deepEqual(h.written, ['o:first']);
    h.advance(1);
    assert.deepEqual(h.written, ['o:first', 'o:$ ']);
    assert.equal(h.player.current.state, 'playing');
  });

  it('jumps to the end: everything left at once, then finished', () => {
    const h = harness(CAST);
    h.player.play();
    h.advance(100);
    h.player.toEnd();
    assert.deepEqual(h.written, ['o:first', 'o:$ ', 'i:ls\r', 'r:120x40']);
    assert.equal(h.player.current.state, 'finished');
    assert.equal(h.player.current.seconds, 2);
    h.advance(10_000);
    assert.equal(h.written.length, 4, 'no timer left behind');
  });

  it('finishes by itself after the last event', () => {
    const h = harness(CAST);
    h.player.play();
    h.advance(2000);
    assert.equal(h.written.length, 4);
    assert.equal(h.states.at(-1), 'finished');
  });
});

describe('terminal words', () => {
  it('opens the WebSocket on the page’s own origin, wss: under https:', () => {
    assert.equal(
      terminalUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 'pc 1.web.acme', 80, 24),
      'ws://127.0.0.1:8080/api/v1/machines/pc%201.web.acme/terminal?cols=80&rows=24',
    );
    assert.match(
      terminalUrl({ protocol: 'https:', host: 'rmm.example' }, 'a.b', 1, 1),
      /^wss:\/\/rmm\.example\//,
    );
  });

  it('says whether keystrokes are recorded, and how the session ended', () => {
    assert.match(recordingNotice(true), /what you type/);
    assert.match(recordingNotice(false), /not what you type/);
    assert.equal(exitMessage({ exitCode: 3, signal: null }), 'The shell exited with code 3.');
    assert.equal(exitMessage({ exitCode: null, signal: 9 }), 'The shell ended by signal 9.');
    assert.match(closeMessage(1006, '', false), /refused the terminal/);
    assert.match(
      closeMessage(4004, 'ended by olivia', true),
      /^An administrator ended the session: ended by olivia/,
    );
    assert.match(closeMessage(4003, '', true), /idle/);
    assert.match(closeMessage(4002, '', true), /lost/);
    assert.match(closeMessage(4001, 'remote control is disabled', true), /agent refused.*disabled/);
  });
});
