import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import {
  CheckinControlSchema,
  DEFAULT_AGENT_PORT,
  formatServerAddress,
  hostProblem,
  isUnsetAddress,
  parseServerAddress,
  portProblem,
  ServerAddressSchema,
  sameServerAddress,
  secondaryProblem,
  UNSET_HOST,
} from './checkin-control';

describe('hostProblem', () => {
  test('accepts IPv4 addresses', () => {
    for (const host of ['10.0.0.1', '127.0.0.1', '0.0.0.0', '255.255.255.255']) {
      assert.equal(hostProblem(host), null, host);
    }
  });

  test('accepts IPv6 addresses, bare and bracketed', () => {
    for (const host of ['::1', '2001:db8::5', 'fe80::1', '::ffff:10.0.0.1', '[::1]', '[2001:db8::5]']) {
      assert.equal(hostProblem(host), null, host);
    }
  });

  test('accepts fully qualified names, with or without the root dot', () => {
    const longestLabel = 'a'.repeat(63);
    for (const host of [
      'muster.example.com',
      'muster.example.com.',
      'a.b',
      'xn--bcher-kva.example',
      'rmm-01.corp.example.org',
      `${longestLabel}.example.com`,
      '1host.example.com',
    ]) {
      assert.equal(hostProblem(host), null, host);
    }
  });

  test('a bare computer name is refused with a reason that names NetBIOS', () => {
    for (const host of ['SERVER01', 'muster', 'server01.']) {
      const problem = hostProblem(host);
      assert.ok(problem, host);
      assert.match(problem, /bare computer name/);
      assert.match(problem, /NetBIOS/);
      assert.match(problem, /fully qualified domain name/);
      assert.ok(problem.includes(`"${host}"`), 'the message quotes the host');
    }
  });

  test('names with bad labels are refused, naming the label', () => {
    const cases: Array<[string, string]> = [
      ['-muster.example.com', '-muster'],
      ['muster-.example.com', 'muster-'],
      ['muster..example.com', ''],
      ['under_score.example.com', 'under_score'],
      ['spa ce.example.com', 'spa ce'],
      [`${'a'.repeat(64)}.example.com`, 'a'.repeat(64)],
      ['muster.example.com:5721', 'com:5721'],
      ['[10.0.0.1]', '[10'],
    ];
    for (const [host, label] of cases) {
      const problem = hostProblem(host);
      assert.ok(problem, host);
      assert.match(problem, /is not a valid domain name/);
      assert.ok(problem.includes(`(bad label "${label}")`), `${host}: ${problem}`);
    }
  });

  test('names longer than 253 characters are refused', () => {
    const label = 'a'.repeat(50);
    const host253 = [label, label, label, label, 'b'.repeat(49)].join('.');
    assert.equal(host253.length, 253);
    assert.equal(hostProblem(host253), null);
    const host254 = `${host253}x`;
    assert.match(hostProblem(host254) ?? '', /longer than 253 characters/);
    assert.match(hostProblem('a.'.repeat(200)) ?? '', /longer than 253 characters/);
  });

  test('dotted numbers that are not a valid IPv4 address are refused as such', () => {
    for (const host of ['999.1.1.1', '10.0.0', '10.0.0.256', '1.2.3.4.5']) {
      assert.match(hostProblem(host) ?? '', /looks like an IPv4 address but is not a valid one/, host);
    }
  });
});

describe('portProblem', () => {
  test('accepts 1 to 65535', () => {
    for (const port of [1, 80, DEFAULT_AGENT_PORT, 65535]) assert.equal(portProblem(port), null);
  });

  test('refuses 0, 65536, fractions, negatives and NaN', () => {
    for (const port of [0, 65536, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(portProblem(port), `port ${port} is outside 1-65535`);
    }
  });
});

describe('parseServerAddress', () => {
  test('a host without a port gets the default agent port', () => {
    assert.equal(DEFAULT_AGENT_PORT, 5721);
    assert.deepEqual(parseServerAddress('muster.example.com'), { host: 'muster.example.com', port: 5721 });
    assert.deepEqual(parseServerAddress('10.0.0.1'), { host: '10.0.0.1', port: 5721 });
    assert.deepEqual(parseServerAddress('10.0.0.1', 6000), { host: '10.0.0.1', port: 6000 });
  });

  test('host:port', () => {
    assert.deepEqual(parseServerAddress('muster.example.com:5821'), {
      host: 'muster.example.com',
      port: 5821,
    });
    assert.deepEqual(parseServerAddress('10.0.0.1:1'), { host: '10.0.0.1', port: 1 });
    assert.deepEqual(parseServerAddress('10.0.0.1:65535'), { host: '10.0.0.1', port: 65535 });
  });

  test('IPv6: bracketed with and without a port, and bare', () => {
    assert.deepEqual(parseServerAddress('[::1]:5821'), { host: '::1', port: 5821 });
    assert.deepEqual(parseServerAddress('[2001:db8::5]'), { host: '2001:db8::5', port: 5721 });
    // A bare IPv6 literal has colons of its own, so none of them is read as a port separator.
    assert.deepEqual(parseServerAddress('2001:db8::5'), { host: '2001:db8::5', port: 5721 });
    assert.deepEqual(parseServerAddress('::1', 7000), { host: '::1', port: 7000 });
  });

  test('refuses bad hosts and ports, quoting the input', () => {
    const cases: Array<[string, RegExp]> = [
      ['server01', /NetBIOS/],
      ['server01:5721', /NetBIOS/],
      ['muster.example.com:0', /port 0 is outside 1-65535/],
      ['muster.example.com:65536', /port 65536 is outside/],
      // An empty or non-numeric port is refused; the wording may name the range or the digits.
      ['muster.example.com:', /: .*port/],
      ['muster.example.com:http', /: .*port/],
      ['[::1]:70000', /port 70000 is outside/],
      ['[::1]:0', /port 0 is outside/],
      ['-bad.example.com:80', /bad label/],
      ['', /bare computer name/],
    ];
    for (const [text, problem] of cases) {
      assert.throws(
        () => parseServerAddress(text),
        (error: unknown) =>
          error instanceof Error &&
          error.message.startsWith(`invalid server address "${text}": `) &&
          problem.test(error.message),
        text,
      );
    }
  });

  test('a port must be written in decimal digits', () => {
    // Number() would read these as 80, 1000 and 80.
    for (const text of [
      'muster.example.com:0x50',
      'muster.example.com:1e3',
      'muster.example.com: 80',
      '10.0.0.1:+80',
    ]) {
      assert.throws(() => parseServerAddress(text), /invalid server address/, text);
    }
  });

  test('formatServerAddress is its inverse, bracketing IPv6', () => {
    for (const text of ['muster.example.com:5721', '10.0.0.1:80', '[::1]:5821', '[2001:db8::5]:5721']) {
      assert.equal(formatServerAddress(parseServerAddress(text)), text);
    }
    assert.equal(formatServerAddress({ host: 'fe80::1', port: 1 }), '[fe80::1]:1');
  });
});

describe('schemas', () => {
  test('a server address needs a host and a port in range', () => {
    assert.ok(Value.Check(ServerAddressSchema, { host: 'a.example', port: 1 }));
    assert.ok(!Value.Check(ServerAddressSchema, { host: '', port: 1 }));
    assert.ok(!Value.Check(ServerAddressSchema, { host: 'a.example', port: 0 }));
    assert.ok(!Value.Check(ServerAddressSchema, { host: 'a.example', port: 1, extra: 1 }));
  });

  test('check-in control bounds', () => {
    const valid = {
      primary: { host: 'a.example', port: 5721 },
      secondary: null,
      periodSeconds: 30,
      bindToServer: false,
      bandwidthKBps: 0,
    };
    assert.ok(Value.Check(CheckinControlSchema, valid));
    assert.ok(!Value.Check(CheckinControlSchema, { ...valid, periodSeconds: 0 }));
    assert.ok(!Value.Check(CheckinControlSchema, { ...valid, periodSeconds: 86401 }));
    assert.ok(!Value.Check(CheckinControlSchema, { ...valid, bandwidthKBps: -1 }));
  });
});

describe('addresses a new administrator types', () => {
  test('localhost is accepted: it resolves without NetBIOS', () => {
    for (const host of ['localhost', 'LOCALHOST', 'localhost.']) assert.equal(hostProblem(host), null, host);
    assert.deepEqual(parseServerAddress('localhost'), { host: 'localhost', port: DEFAULT_AGENT_PORT });
    assert.deepEqual(parseServerAddress('localhost:5821'), { host: 'localhost', port: 5821 });
    assert.match(hostProblem('localhost2') ?? '', /bare computer name/, 'other bare names still refused');
  });

  test('a URL is refused with what to give instead', () => {
    for (const text of [
      'https://muster.example.com:5721',
      'https://muster.example.com',
      'wss://10.0.0.1:5721/agent',
    ]) {
      assert.throws(
        () => parseServerAddress(text),
        (error: Error) =>
          error.message.includes(`invalid server address "${text}"`) &&
          /give host:port without "(https|wss):\/\/"/.test(error.message) &&
          error.message.includes('agent port'),
        text,
      );
    }
  });

  test('a secondary equal to the primary is named as the problem', () => {
    const primary = { host: 'Muster.Example.com', port: 5721 };
    assert.equal(sameServerAddress(primary, { host: 'muster.example.com.', port: 5721 }), true);
    assert.equal(sameServerAddress({ host: '::1', port: 1 }, { host: '[::1]', port: 1 }), true);
    assert.equal(sameServerAddress(primary, { host: 'muster.example.com', port: 5821 }), false);
    assert.match(
      secondaryProblem(primary, { host: 'muster.example.com', port: 5721 }) ?? '',
      /the secondary server muster\.example\.com:5721 is the primary itself/,
    );
    assert.equal(secondaryProblem(primary, { host: 'backup.example.com', port: 5721 }), null);
    assert.equal(secondaryProblem(primary, null), null);
  });

  test('the placeholder of an account without an agent is recognised', () => {
    assert.equal(isUnsetAddress({ host: UNSET_HOST, port: DEFAULT_AGENT_PORT }), true);
    assert.equal(isUnsetAddress({ host: 'muster.example.com', port: DEFAULT_AGENT_PORT }), false);
  });
});
