import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Kind, type TSchema, Type } from '@sinclair/typebox';
import {
  type AgentMessage,
  AgentToServer,
  type Inventory,
  MAX_AGENT_FRAME_BYTES,
  PROTOCOL_VERSION,
  type ServerMessage,
  ServerToAgent,
} from './agent-messages';
import type { CheckinControl } from './checkin-control';
import { createDecoder, encodeFrame, FrameError } from './codec';

const agentDecoder = createDecoder<AgentMessage>(AgentToServer);
const serverDecoder = createDecoder<ServerMessage>(ServerToAgent);

const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

const control: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: { host: '::1', port: 5821 },
  periodSeconds: 30,
  bindToServer: true,
  bandwidthKBps: 64,
};

const inventory: Inventory = {
  hostName: 'web01.example.com',
  os: { platform: 'linux', release: '6.1.0', version: '#1 SMP', arch: 'x64' },
  cpu: { model: 'Example CPU', cores: 8 },
  memoryBytes: 16 * 1024 ** 3,
  disks: [{ mount: '/', totalBytes: 1e12, freeBytes: 5e11 }],
  networkInterfaces: [{ name: 'eth0', mac: '00:11:22:33:44:55', addresses: ['10.0.0.5', 'fe80::1'] }],
  hardwareId: 'hw-1',
};

/**
 * One valid message of every type each side sends, the fixtures the negative cases mutate.
 * Partial so that a message type added elsewhere fails the "every type" test below rather
 * than the type check of this file.
 */
const validAgentMessages = {
  hello: { t: 'hello', v: PROTOCOL_VERSION, clientNonce: b64(32) },
  auth: {
    t: 'auth',
    publicKey: b64(44),
    signature: b64(64),
    enrollToken: 'mit_abc',
    hostName: 'web01.example.com',
    hardwareId: 'hw-1',
    agentVersion: '0.1.0',
    configured: { primary: { host: '10.0.0.1', port: 5721 }, secondary: null },
  },
  checkin: {
    t: 'checkin',
    loggedOnUser: 'alice',
    userIdleSeconds: 12,
    localAddresses: ['10.0.0.5'],
    agentVersion: '0.1.0',
  },
  audit: { t: 'audit', inventory },
  'settings-applied': { t: 'settings-applied', revision: 3 },
  'command-result': { t: 'command-result', id: 'c1', status: 'complete', exitCode: 0, output: 'ok\n' },
  'file-read': { t: 'file-read', commandId: 'c2', offset: 0, length: 131072 },
  'file-status': { t: 'file-status', commandId: 'c3' },
  'file-write': { t: 'file-write', commandId: 'c3', offset: 0, data: b64(99) },
  'file-done': { t: 'file-done', commandId: 'c3', size: 99, sha256: 'a'.repeat(64) },
  'replication-status': {
    t: 'replication-status',
    role: 'local-server',
    id: 'l1',
    running: true,
    error: null,
    state: 'idle',
    active: true,
    lastContactAt: 1_700_000_000_000,
    lastTransferAt: 1_700_000_000_000,
    bytesRemaining: 0,
    rateBytesPerSecond: 0,
    etaSeconds: null,
    nextRunAt: null,
    lastPass: {
      at: 1_700_000_000_000,
      complete: true,
      filesSent: 1,
      bytesSent: 10,
      literalBytes: 5,
      matchedBytes: 100,
      resumedBytes: 0,
      durationMs: 3,
    },
  },
  'terminal-opened': { t: 'terminal-opened', sessionId: 's1', shell: '/bin/bash' },
  'terminal-refused': { t: 'terminal-refused', sessionId: 's1', reason: 'the signature does not verify' },
  'terminal-output': { t: 'terminal-output', sessionId: 's1', data: b64(30) },
  'terminal-input-ack': { t: 'terminal-input-ack', sessionId: 's1', bytes: 30 },
  'terminal-exit': { t: 'terminal-exit', sessionId: 's1', exitCode: 0, signal: null },
} satisfies Partial<{ [K in keyof AgentMessage]: AgentMessage[K] }>;

const validServerMessages = {
  challenge: { t: 'challenge', serverNonce: b64(32), serverPublicKey: b64(44), serverSignature: b64(64) },
  welcome: {
    t: 'welcome',
    machineId: 'web01.web.acme',
    guid: '7b0e3d0c-0000-4000-8000-000000000000',
    checkinControl: control,
    settingsRevision: 1,
    auditRequired: true,
  },
  command: {
    t: 'command',
    id: 'c1',
    machineId: 'web01.web.acme',
    type: 'shell',
    params: { command: 'uptime', nested: { a: [1, 2] } },
    issuedAt: 1_700_000_000_000,
    attempt: 1,
    signature: b64(64),
  },
  'command-ack': { t: 'command-ack', id: 'c1' },
  'file-data': { t: 'file-data', commandId: 'c2', offset: 0, data: b64(30), eof: true },
  'file-ack': { t: 'file-ack', commandId: 'c3', received: 99, fileId: 'f1' },
  'file-error': { t: 'file-error', commandId: 'c3', message: 'hash mismatch', reset: true },
  'terminal-open': {
    t: 'terminal-open',
    sessionId: 's1',
    machineId: 'pc1.web.acme',
    user: 'olivia',
    cols: 80,
    rows: 24,
    issuedAt: 1_700_000_000_000,
    signature: b64(64),
  },
  'terminal-input': { t: 'terminal-input', sessionId: 's1', data: b64(3) },
  'terminal-resize': { t: 'terminal-resize', sessionId: 's1', cols: 120, rows: 40 },
  'terminal-close': { t: 'terminal-close', sessionId: 's1' },
  'terminal-output-ack': { t: 'terminal-output-ack', sessionId: 's1', bytes: 30 },
} satisfies Partial<{ [K in keyof ServerMessage]: ServerMessage[K] }>;

/** Asserts the frame is refused with a FrameError whose detail matches. */
function assertRejected(
  frame: string | Buffer,
  detail: RegExp,
  decoder: { decode(frame: string | Buffer): unknown } = agentDecoder,
): FrameError {
  let caught: unknown;
  try {
    decoder.decode(frame);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof FrameError, `expected a FrameError for ${String(frame).slice(0, 80)}`);
  assert.match(caught.detail, detail);
  assert.equal(caught.message, caught.detail);
  assert.equal(caught.name, 'FrameError');
  return caught;
}

const withChange = (message: object, change: Record<string, unknown>) =>
  JSON.stringify({ ...message, ...change });

describe('frame decoding: valid frames', () => {
  test('every message type of both directions has a fixture here', () => {
    assert.deepEqual(Object.keys(validAgentMessages).sort(), Object.keys(AgentToServer).sort());
    assert.deepEqual(Object.keys(validServerMessages).sort(), Object.keys(ServerToAgent).sort());
  });

  for (const [type, message] of Object.entries(validAgentMessages)) {
    test(`agent→server ${type} round-trips through encodeFrame/decode`, () => {
      const frame = encodeFrame(message);
      assert.deepEqual(agentDecoder.decode(frame), message);
      // The gateway hands ws Buffers to the decoder, so both input kinds must work.
      assert.deepEqual(agentDecoder.decode(Buffer.from(frame)), message);
    });
  }
  for (const [type, message] of Object.entries(validServerMessages)) {
    test(`server→agent ${type} round-trips through encodeFrame/decode`, () => {
      assert.deepEqual(serverDecoder.decode(encodeFrame(message)), message);
    });
  }

  test('optional auth fields may be left out', () => {
    const { enrollToken: _token, configured: _configured, ...bare } = validAgentMessages.auth;
    assert.deepEqual(agentDecoder.decode(JSON.stringify(bare)), bare);
  });

  test('a null logged-on user and an empty secondary address are valid', () => {
    const checkin = { ...validAgentMessages.checkin, loggedOnUser: null };
    assert.deepEqual(agentDecoder.decode(JSON.stringify(checkin)), checkin);
    const welcome = { ...validServerMessages.welcome, checkinControl: { ...control, secondary: null } };
    assert.deepEqual(serverDecoder.decode(JSON.stringify(welcome)), welcome);
  });

  test('each direction refuses the other direction’s messages', () => {
    assertRejected(encodeFrame(validServerMessages.welcome), /^unknown message type "welcome"$/);
    assertRejected(encodeFrame(validAgentMessages.hello), /^unknown message type "hello"$/, serverDecoder);
  });
});

describe('frame decoding: invalid frames throw FrameError', () => {
  test('not JSON', () => {
    for (const frame of [
      '',
      '{',
      '{"t":"hello"',
      'hello',
      "{'t':'hello'}",
      Buffer.from([0xff, 0x00, 0x80]),
    ]) {
      assertRejected(frame, /^frame is not valid JSON$/);
    }
  });

  test('JSON that is not an object', () => {
    for (const frame of ['null', '1', '"hello"', 'true', '[]', '[{"t":"hello"}]']) {
      assertRejected(frame, /^frame is not a JSON object$/);
    }
  });

  test('missing or non-string type', () => {
    for (const frame of [
      '{}',
      '{"v":1}',
      '{"t":1}',
      '{"t":null}',
      '{"t":["hello"]}',
      '{"t":{"t":"hello"}}',
    ]) {
      assertRejected(frame, /^frame has no message type$/);
    }
  });

  test('unknown type, including prototype names a plain-object lookup would find', () => {
    for (const t of ['goodbye', 'Hello', 'toString', 'constructor', '__proto__', 'hasOwnProperty', '']) {
      assertRejected(JSON.stringify({ t }), new RegExp(`^unknown message type "${t}"$`));
    }
  });

  test('a type is compiled when its first frame arrives, not when the decoder is built', () => {
    // A schema of a kind TypeCompiler does not know throws when compiled: building the decoder
    // must not touch it, decoding another type must not either, only a frame of its own type.
    const uncompilable = { [Kind]: 'NoSuchKind' } as unknown as TSchema;
    const decoder = createDecoder<{ ok: { t: 'ok' }; odd: { t: 'odd' } }>({
      ok: Type.Object({ t: Type.Literal('ok') }),
      odd: uncompilable,
    });
    assert.deepEqual(decoder.decode('{"t":"ok"}'), { t: 'ok' });
    assert.deepEqual(decoder.decode('{"t":"ok"}'), { t: 'ok' });
    assert.throws(() => decoder.decode('{"t":"odd"}'), /NoSuchKind|Unknown/i);
  });

  test('an unknown type name is cut in the detail so a close reason stays short', () => {
    const error = assertRejected(JSON.stringify({ t: 'x'.repeat(5000) }), /^unknown message type "x+"$/);
    assert.equal(error.detail, `unknown message type "${'x'.repeat(40)}"`);
  });

  test('schema violations name the message and the offending path', () => {
    const { hello, auth, checkin, audit } = validAgentMessages;
    const cases: Array<[string, RegExp]> = [
      [withChange(hello, { v: '1' }), /^invalid hello message at \/v: Expected integer/],
      [withChange(hello, { v: 1.5 }), /^invalid hello message at \/v: Expected integer/],
      [withChange(hello, { v: 0 }), /^invalid hello message at \/v: .*greater or equal to 1/],
      [withChange(hello, { v: 1001 }), /^invalid hello message at \/v: .*less or equal to 1000/],
      [withChange(hello, { clientNonce: 'not base64!' }), /^invalid hello message at \/clientNonce: .*match/],
      [withChange(auth, { enrollToken: '' }), /^invalid auth message at \/enrollToken: .*greater or equal/],
      [withChange(auth, { publicKey: 42 }), /^invalid auth message at \/publicKey: Expected string/],
      [
        withChange(auth, { configured: { primary: { host: 'a.example', port: 0 }, secondary: null } }),
        /^invalid auth message at \/configured\/primary\/port: /,
      ],
      [withChange(checkin, { loggedOnUser: 5 }), /^invalid checkin message at \/loggedOnUser: /],
      [withChange(checkin, { userIdleSeconds: -1 }), /^invalid checkin message at \/userIdleSeconds: /],
      [
        withChange(checkin, { localAddresses: Array.from({ length: 65 }, () => '10.0.0.1') }),
        /^invalid checkin message at \/localAddresses: .*64/,
      ],
      [
        withChange(audit, { inventory: { ...inventory, cpu: { model: 'x', cores: -1 } } }),
        /^invalid audit message at \/inventory\/cpu\/cores: /,
      ],
      [withChange(validAgentMessages['settings-applied'], { revision: -1 }), /^invalid settings-applied /],
    ];
    for (const [frame, detail] of cases) assertRejected(frame, detail);
  });

  test('a missing required property is named', () => {
    const { hostName: _dropped, ...auth } = validAgentMessages.auth;
    assertRejected(JSON.stringify(auth), /^invalid auth message at \/hostName: Expected required property$/);
    const { inventory: _inv, ...audit } = validAgentMessages.audit;
    assertRejected(
      JSON.stringify(audit),
      /^invalid audit message at \/inventory: Expected required property$/,
    );
  });

  test('extra properties are refused at every level', () => {
    const { checkin, audit } = validAgentMessages;
    assertRejected(
      withChange(checkin, { extra: true }),
      /^invalid checkin message at \/extra: Unexpected property$/,
    );
    assertRejected(
      withChange(audit, { inventory: { ...inventory, os: { ...inventory.os, kernel: 'x' } } }),
      /^invalid audit message at \/inventory\/os\/kernel: Unexpected property$/,
    );
    // JSON.parse makes "__proto__" an own property; it must count as an extra one, not vanish.
    assertRejected(
      '{"t":"settings-applied","revision":1,"__proto__":{"polluted":true}}',
      /^invalid settings-applied message at \/__proto__: Unexpected property$/,
    );
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assertRejected(
      withChange(validServerMessages.welcome, { checkinControl: { ...control, extra: 1 } }),
      /^invalid welcome message at \/checkinControl\/extra: Unexpected property$/,
      serverDecoder,
    );
  });

  test('over-long strings are refused with their limit', () => {
    const { auth, checkin } = validAgentMessages;
    assertRejected(
      withChange(auth, { hostName: 'h'.repeat(254) }),
      /^invalid auth message at \/hostName: .*253/,
    );
    assertRejected(withChange(auth, { enrollToken: 't'.repeat(129) }), /\/enrollToken: .*128/);
    assertRejected(withChange(auth, { publicKey: 'A'.repeat(257) }), /\/publicKey: .*256/);
    assertRejected(withChange(checkin, { agentVersion: 'v'.repeat(65) }), /\/agentVersion: .*64/);
    assertRejected(withChange(checkin, { localAddresses: ['a'.repeat(65)] }), /\/localAddresses\/0: .*64/);
    // A frame near the size limit is still refused cleanly, and the detail stays short.
    const huge = assertRejected(
      withChange(checkin, { loggedOnUser: 'u'.repeat(MAX_AGENT_FRAME_BYTES - 200) }),
      /^invalid checkin message at \/loggedOnUser: /,
    );
    assert.ok(huge.detail.length <= 120, 'detail fits in a close reason');
  });

  test('the detail is capped at 120 characters', () => {
    // An unexpected property's name is part of the path, so an attacker controls its length.
    const longKey = 'k'.repeat(500);
    const error = assertRejected(
      withChange(validAgentMessages.checkin, { [longKey]: 1 }),
      /^invalid checkin message at \/k+$/,
    );
    assert.equal(error.detail.length, 120);
  });

  test('deeply nested values are refused without exhausting the stack', () => {
    const depth = 50_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    assertRejected(`{"t":"checkin","loggedOnUser":${nested}}`, /^invalid checkin message at /);
    assertRejected(nested, /^frame is not a JSON object$/);
  });

  test('non-finite and out-of-range numbers are refused', () => {
    assertRejected(
      '{"t":"settings-applied","revision":1e400}',
      /^invalid settings-applied message at \/revision/,
    );
    assertRejected(
      withChange(validAgentMessages.checkin, { userIdleSeconds: 10 * 365 * 86400 + 1 }),
      /\/userIdleSeconds: /,
    );
  });
});
