import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  decodeTerminalOutputFrame,
  encodeTerminalOutputFrame,
  type ServerTerminalMessage,
  TERMINAL_CHUNK_BYTES,
  TERMINAL_INPUT_WINDOW_BYTES,
  terminalOpenSigningBytes,
  verifyProof,
} from '@muster/protocol';
import { AgentTerminals, type TerminalAgentSession } from './agent-terminals';
import type { TerminalViewer } from './terminal-stream';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicKeyDer = publicKey.export({ format: 'der', type: 'spki' });
const identity = () => ({ privateKey, publicKeyDer, serverId: 'test' });

/** An agent session that keeps what the server sent it. */
function session(machineId = 'pc1.acme', open = true) {
  const sent: ServerTerminalMessage[] = [];
  const s: TerminalAgentSession & { sent: ServerTerminalMessage[] } = {
    machineId,
    active: true,
    sent,
    sendTerminal: (m) => {
      if (open) sent.push(m);
      return open;
    },
  };
  return s;
}

/** A viewer that keeps what it was told, and hands output back when asked. */
function viewer() {
  const events: string[] = [];
  const taken: Array<() => void> = [];
  const v: TerminalViewer & { events: string[]; taken: Array<() => void> } = {
    events,
    taken,
    opened: (shell) => events.push(`opened ${shell}`),
    refused: (reason) => events.push(`refused ${reason}`),
    output: (data, take) => {
      events.push(`output ${data.toString()}`);
      taken.push(take);
    },
    exit: (code, signal) => events.push(`exit ${code} ${signal}`),
    lost: (reason) => events.push(`lost ${reason}`),
  };
  return v;
}

const request = { sessionId: 't1', machineId: 'pc1.acme', user: 'olivia', cols: 80, rows: 24 };

describe('AgentTerminals', () => {
  test('opens with a terminal-open the agent can verify against the server identity', () => {
    const terminals = new AgentTerminals(identity, () => 1_700_000_000_000);
    const s = session();
    terminals.open(s, request, viewer());
    const open = s.sent[0];
    assert.equal(open?.t, 'terminal-open');
    if (open?.t !== 'terminal-open') return;
    assert.equal(open.issuedAt, 1_700_000_000_000);
    assert.ok(
      verifyProof(publicKeyDer, terminalOpenSigningBytes(open), Buffer.from(open.signature, 'base64')),
    );
    // The same signature does not cover another size: the agent would refuse a changed request.
    assert.ok(
      !verifyProof(
        publicKeyDer,
        terminalOpenSigningBytes({ ...open, cols: 81 }),
        Buffer.from(open.signature, 'base64'),
      ),
    );
    assert.throws(() => terminals.open(s, request, viewer()), /already open/);
  });

  test('routes output to the viewer and gives the agent credit only once the viewer took it', () => {
    const terminals = new AgentTerminals(identity, Date.now);
    const s = session();
    const v = viewer();
    terminals.open(s, request, v);
    terminals.fromAgent(s, { t: 'terminal-opened', sessionId: 't1', shell: '/bin/sh' });
    terminals.fromAgent(s, {
      t: 'terminal-output',
      sessionId: 't1',
      data: Buffer.from('hello').toString('base64'),
    });
    assert.deepEqual(v.events, ['opened /bin/sh', 'output hello']);
    assert.equal(s.sent.length, 1, 'no acknowledgement before the viewer took the bytes');
    v.taken[0]?.();
    assert.deepEqual(s.sent[1], { t: 'terminal-output-ack', sessionId: 't1', bytes: 5 });
  });

  test('takes output from binary frames the same way, and tells the agent to stop a stream it does not hold', () => {
    const terminals = new AgentTerminals(identity, Date.now);
    const s = session();
    const v = viewer();
    terminals.open(s, request, v);
    terminals.output(s, decodeTerminalOutputFrame(encodeTerminalOutputFrame('t1', Buffer.from('bytes'))));
    assert.deepEqual(v.events, ['output bytes']);
    v.taken[0]?.();
    assert.deepEqual(s.sent.at(-1), { t: 'terminal-output-ack', sessionId: 't1', bytes: 5 });
    // Another session's stream, or one never opened: nothing reaches a viewer; the agent stops.
    const other = session('pc2.acme');
    terminals.output(other, { sessionId: 't1', data: Buffer.from('not yours') });
    terminals.output(s, { sessionId: 'gone', data: Buffer.from('late') });
    assert.deepEqual(v.events, ['output bytes']);
    assert.deepEqual(other.sent, [{ t: 'terminal-close', sessionId: 't1' }]);
    assert.deepEqual(s.sent.at(-1), { t: 'terminal-close', sessionId: 'gone' });
  });

  test('sends input in chunks, and holds it once the agent has not acknowledged a window', async () => {
    const terminals = new AgentTerminals(identity, Date.now);
    const s = session();
    const channel = terminals.open(s, request, viewer());
    const flood = Buffer.alloc(TERMINAL_INPUT_WINDOW_BYTES + TERMINAL_CHUNK_BYTES, 'x');
    let done = false;
    const sending = channel.input(flood).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    const inputs = () => s.sent.filter((m) => m.t === 'terminal-input');
    const sentBytes = () =>
      inputs().reduce((n, m) => n + (m.t === 'terminal-input' ? Buffer.from(m.data, 'base64').length : 0), 0);
    const held = sentBytes();
    assert.ok(
      held <= TERMINAL_INPUT_WINDOW_BYTES && held + TERMINAL_CHUNK_BYTES > TERMINAL_INPUT_WINDOW_BYTES,
      `${held}`,
    );
    assert.equal(done, false);
    for (let acked = 0; !done && acked < flood.length; acked += TERMINAL_CHUNK_BYTES) {
      terminals.fromAgent(s, { t: 'terminal-input-ack', sessionId: 't1', bytes: TERMINAL_CHUNK_BYTES });
      await new Promise((r) => setTimeout(r, 5));
    }
    await sending;
    assert.equal(sentBytes(), flood.length);
    assert.ok(
      inputs().every(
        (m) => m.t === 'terminal-input' && Buffer.from(m.data, 'base64').length <= TERMINAL_CHUNK_BYTES,
      ),
    );
  });

  test('tells an agent to close a stream this node does not know, and tells the viewer when the agent goes', () => {
    const terminals = new AgentTerminals(identity, Date.now);
    const s = session();
    terminals.fromAgent(s, { t: 'terminal-output', sessionId: 'ghost', data: 'aGk=' });
    assert.deepEqual(s.sent, [{ t: 'terminal-close', sessionId: 'ghost' }]);
    // Another session of the same id cannot feed a stream it does not carry.
    const v = viewer();
    terminals.open(s, request, v);
    const other = session();
    terminals.fromAgent(other, { t: 'terminal-output', sessionId: 't1', data: 'aGk=' });
    assert.deepEqual(other.sent, [{ t: 'terminal-close', sessionId: 't1' }]);
    assert.deepEqual(v.events, []);
    terminals.sessionEnded(s);
    assert.deepEqual(v.events, ['lost the agent disconnected']);
    assert.equal(terminals.size, 0);
  });

  test('ends the stream on exit or refusal; a closed connection at open is a lost stream', () => {
    const terminals = new AgentTerminals(identity, Date.now);
    const s = session();
    const v = viewer();
    terminals.open(s, request, v);
    terminals.fromAgent(s, { t: 'terminal-exit', sessionId: 't1', exitCode: 0, signal: null });
    assert.deepEqual(v.events, ['exit 0 null']);
    assert.equal(terminals.size, 0);
    const refusedViewer = viewer();
    terminals.open(s, { ...request, sessionId: 't2' }, refusedViewer);
    terminals.fromAgent(s, { t: 'terminal-refused', sessionId: 't2', reason: 'no shell' });
    assert.deepEqual(refusedViewer.events, ['refused no shell']);
    const gone = viewer();
    terminals.open(session('pc1.acme', false), { ...request, sessionId: 't3' }, gone);
    assert.deepEqual(gone.events, ['lost the agent disconnected']);
    assert.equal(terminals.size, 0);
  });
});
