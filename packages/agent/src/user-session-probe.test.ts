import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AgentMessage, AgentToServer, createDecoder } from '@muster/protocol';
import { parseWhoIdle, parseWhoOutput, userSessionProbe } from './user-session-probe';

// The server's own decoder: a probe result must survive exactly what the gateway checks.
const serverDecoder = createDecoder<AgentMessage>(AgentToServer);

describe('parseWhoIdle', () => {
  test('"." is active, "old" is a day, HH:MM is hours and minutes', () => {
    assert.equal(parseWhoIdle('.'), 0);
    assert.equal(parseWhoIdle('old'), 86400);
    assert.equal(parseWhoIdle('00:05'), 300);
    assert.equal(parseWhoIdle('0:05'), 300);
    assert.equal(parseWhoIdle('02:30'), 2 * 3600 + 30 * 60);
    assert.equal(parseWhoIdle('23:59'), 23 * 3600 + 59 * 60);
  });

  test('anything else counts as active rather than failing', () => {
    for (const field of ['', '?', '5', '1:5', '12:345', 'a:bc', '-1:00'])
      assert.equal(parseWhoIdle(field), 0, field);
  });
});

describe('parseWhoOutput', () => {
  // GNU coreutils: ISO date and time are two fields.
  const gnu = [
    'alice    tty7         2024-01-15 09:12   old          1234 (:0)',
    'bob      pts/0        2024-01-15 10:01 00:07         5678 (10.0.0.2)',
    'carol    pts/1        2024-01-15 10:05   .           9012 (tmux(9000).%0)',
  ].join('\n');
  // BSD / older format: month and day are two fields, then the time.
  const bsd = [
    'alice    console      Jan 15 09:12   old          1234',
    'bob      ttys000      Jan 15 10:01 01:15         5678 (10.0.0.2)',
  ].join('\n');

  test('GNU date format: the least idle user wins', () => {
    assert.deepEqual(parseWhoOutput(gnu), { loggedOnUser: 'carol', userIdleSeconds: 0 });
  });

  test('GNU date format: idle HH:MM and "old"', () => {
    const lines = gnu.split('\n');
    assert.deepEqual(parseWhoOutput(lines[1] ?? ''), { loggedOnUser: 'bob', userIdleSeconds: 7 * 60 });
    assert.deepEqual(parseWhoOutput(lines[0] ?? ''), { loggedOnUser: 'alice', userIdleSeconds: 86400 });
    assert.deepEqual(parseWhoOutput(`${lines[0]}\n${lines[1]}\n`), {
      loggedOnUser: 'bob',
      userIdleSeconds: 420,
    });
  });

  test('BSD date format (month and day as two fields)', () => {
    assert.deepEqual(parseWhoOutput(bsd), { loggedOnUser: 'bob', userIdleSeconds: 3600 + 15 * 60 });
    assert.deepEqual(parseWhoOutput(bsd.split('\n')[0] ?? ''), {
      loggedOnUser: 'alice',
      userIdleSeconds: 86400,
    });
  });

  test('the first of equally idle users is kept', () => {
    const text = ['dave pts/2 2024-01-15 10:10 . 111', 'erin pts/3 2024-01-15 10:11 . 222'].join('\n');
    assert.deepEqual(parseWhoOutput(text), { loggedOnUser: 'dave', userIdleSeconds: 0 });
  });

  test('no sessions, blank lines and short lines mean nobody', () => {
    const nobody = { loggedOnUser: null, userIdleSeconds: 0 };
    assert.deepEqual(parseWhoOutput(''), nobody);
    assert.deepEqual(parseWhoOutput('\n\n   \n'), nobody);
    assert.deepEqual(parseWhoOutput('alice tty7 2024-01-15 09:12'), nobody);
  });

  test('indented and tab-separated lines parse', () => {
    assert.deepEqual(parseWhoOutput('  frank\tpts/4\t2024-01-15 10:12\t00:02\t333 (x)  '), {
      loggedOnUser: 'frank',
      userIdleSeconds: 120,
    });
  });
});

describe('userSessionProbe with a custom command', () => {
  test('runs the command through /bin/sh and reads its JSON', async () => {
    const probe = userSessionProbe(`echo '{"user":"carol","idleSeconds":42.9}'`);
    assert.deepEqual(await probe(), { loggedOnUser: 'carol', userIdleSeconds: 42 });
  });

  test('shell features work (the command is a shell line, not an argv)', async () => {
    const probe = userSessionProbe(`U=dora; printf '{"user":"%s","idleSeconds":%d}' "$U" $((2*60))`);
    assert.deepEqual(await probe(), { loggedOnUser: 'dora', userIdleSeconds: 120 });
  });

  test('null, empty or missing user means nobody; bad idle values become 0', async () => {
    const cases: Array<[string, { loggedOnUser: string | null; userIdleSeconds: number }]> = [
      ['{"user":null,"idleSeconds":5}', { loggedOnUser: null, userIdleSeconds: 5 }],
      ['{"user":"","idleSeconds":5}', { loggedOnUser: null, userIdleSeconds: 5 }],
      ['{"idleSeconds":5}', { loggedOnUser: null, userIdleSeconds: 5 }],
      ['{"user":7,"idleSeconds":"5"}', { loggedOnUser: null, userIdleSeconds: 0 }],
      ['{"user":"x","idleSeconds":-3}', { loggedOnUser: 'x', userIdleSeconds: 0 }],
      ['{}', { loggedOnUser: null, userIdleSeconds: 0 }],
    ];
    for (const [json, expected] of cases) {
      assert.deepEqual(await userSessionProbe(`echo '${json}'`)(), expected, json);
    }
  });

  test('a long user name is cut to what a check-in may carry', async () => {
    const result = await userSessionProbe(`echo '{"user":"${'u'.repeat(300)}","idleSeconds":1}'`)();
    assert.equal(result.loggedOnUser, 'u'.repeat(128));
  });

  test('whatever the command prints, the result fits the check-in schema', async () => {
    // A plausible mistake: printing a last-input epoch timestamp instead of seconds idle.
    for (const idle of ['1700000000', '1e400']) {
      const result = await userSessionProbe(`echo '{"user":"x","idleSeconds":${idle}}'`)();
      const checkin = { t: 'checkin', ...result, localAddresses: [], agentVersion: '0.1.0' };
      // Through JSON, as on the wire (where Infinity would become null).
      assert.doesNotThrow(() => serverDecoder.decode(JSON.stringify(checkin)), `idleSeconds ${idle}`);
      assert.equal(result.userIdleSeconds, 10 * 365 * 86400, 'capped at the schema maximum');
    }
  });

  test('a failing command or non-JSON output rejects (the agent falls back to nobody)', async () => {
    await assert.rejects(userSessionProbe('exit 3')());
    await assert.rejects(userSessionProbe('echo not json')(), SyntaxError);
  });
});

describe('userSessionProbe default', () => {
  test('never throws, and returns a schema-valid session whether or not `who` exists here', async () => {
    const result = await userSessionProbe()();
    assert.ok(result.loggedOnUser === null || typeof result.loggedOnUser === 'string');
    assert.ok(Number.isInteger(result.userIdleSeconds) && result.userIdleSeconds >= 0);
  });
});
