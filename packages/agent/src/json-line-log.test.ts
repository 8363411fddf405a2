import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createJsonLineLog, isLogLevel } from './json-line-log';

/** A log whose lines are collected, parsed, at a fixed clock. */
function collecting(level: Parameters<typeof createJsonLineLog>[0]['level']) {
  const lines: string[] = [];
  const log = createJsonLineLog({
    level,
    base: { component: 'agent' },
    write: (line) => lines.push(line),
    now: () => 1_700_000_000_000,
  });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the agent JSON line log', () => {
  test('one line per call: level number, time, base fields, the fields, msg, a newline', () => {
    const { log, lines } = collecting('info');
    log.warn({ server: 'a.example.com:5721', attempt: 2 }, 'disconnected');
    assert.deepEqual(lines, [
      '{"level":40,"time":1700000000000,"component":"agent","server":"a.example.com:5721","attempt":2,"msg":"disconnected"}\n',
    ]);
  });

  test('lines under the level are dropped; silent drops everything', () => {
    const atWarn = collecting('warn');
    atWarn.log.info({}, 'quiet');
    atWarn.log.warn({}, 'loud');
    atWarn.log.error({}, 'louder');
    assert.deepEqual(
      atWarn.parsed().map((l) => [l.level, l.msg]),
      [
        [40, 'loud'],
        [50, 'louder'],
      ],
    );
    const silent = collecting('silent');
    silent.log.error({}, 'never');
    assert.equal(silent.lines.length, 0);
  });

  test('an Error field keeps its message and stack; a bigint is written as text', () => {
    const { log, parsed } = collecting('info');
    log.error({ err: new TypeError('bad frame'), bytes: 12n }, 'failed');
    const [line] = parsed();
    const err = line?.err as { type: string; message: string; stack: string };
    assert.equal(err.type, 'TypeError');
    assert.equal(err.message, 'bad frame');
    assert.match(err.stack, /TypeError: bad frame/);
    assert.equal(line?.bytes, '12');
  });

  test('fields with a cycle still log the message and say why the fields are missing', () => {
    const { log, parsed } = collecting('info');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info({ cyclic }, 'still here');
    const [line] = parsed();
    assert.equal(line?.msg, 'still here');
    assert.match(String(line?.logError), /circular/i);
    assert.equal(line?.cyclic, undefined);
  });

  test('a line field cannot hide the message or the level', () => {
    const { log, parsed } = collecting('info');
    log.info({ msg: 'forged', level: 99, time: 5 }, 'real');
    const [line] = parsed();
    assert.equal(line?.msg, 'real');
    assert.equal(line?.level, 30);
    assert.equal(line?.time, 1_700_000_000_000);
  });

  test('level names: the known ones and nothing else, prototype names included', () => {
    for (const name of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      assert.ok(isLogLevel(name));
    for (const name of ['INFO', 'verbose', '', 'toString', '__proto__'])
      assert.equal(isLogLevel(name), false);
  });
});
