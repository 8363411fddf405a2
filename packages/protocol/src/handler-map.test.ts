import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dispatchMessage, type MessageHandlers } from './handler-map';
import { HandshakeRefusal } from './handshake-refusal';

interface Messages {
  ping: { t: 'ping'; n: number };
  note: { t: 'note'; text: string };
}

describe('handler map', () => {
  test('each message goes to the handler of its type, with the context, and its result comes back', () => {
    const handlers: MessageHandlers<Messages, string[], string> = {
      ping: (m, seen) => {
        seen.push(`ping ${m.n}`);
        return 'pong';
      },
      note: (m, seen) => {
        seen.push(`note ${m.text}`);
        return 'noted';
      },
    };
    const seen: string[] = [];
    assert.equal(dispatchMessage(handlers, { t: 'note', text: 'a' }, seen), 'noted');
    assert.equal(dispatchMessage(handlers, { t: 'ping', n: 2 }, seen), 'pong');
    assert.deepEqual(seen, ['note a', 'ping 2']);
  });
});

describe('handshake refusal', () => {
  test('a close reason is cut to the 123 bytes a close frame holds, never inside a character', () => {
    const long = `${'é'.repeat(70)}`; // 140 bytes
    const refusal = new HandshakeRefusal(4000, long);
    assert.ok(Buffer.byteLength(refusal.reason) <= 123);
    assert.equal(refusal.reason, 'é'.repeat(61));
    assert.equal(refusal.detail, long, 'the operator still gets all of it');
    assert.equal(new HandshakeRefusal(4000, 'short').reason, 'short');
  });
});
