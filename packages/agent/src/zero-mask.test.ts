import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { zeroMask } from '@muster/protocol';
import WebSocket, { WebSocketServer } from 'ws';

// The agent's connections send frames with a zero masking key (see zeroMask): ws then skips the
// XOR on both ends. Read off the wire: the key is four zero bytes and the payload is as sent.
describe('zero masking key', () => {
  it('goes on the wire as four zero bytes, and the server reads the frame intact', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const raw: Buffer[] = [];
    const received = new Promise<Buffer>((resolve) =>
      server.on('connection', (peer, req) => {
        (req.socket as Socket).on('data', (chunk: Buffer) => raw.push(chunk));
        peer.on('message', (data: Buffer) => resolve(data));
      }),
    );
    const port = (server.address() as AddressInfo).port;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { generateMask: zeroMask });
    after(() => {
      client.terminate();
      server.close();
    });
    await new Promise((resolve) => client.once('open', resolve));
    const payload = Buffer.from('terminal output '.repeat(6)); // under 126 bytes: one length byte;
    client.send(payload, { binary: true });
    assert.deepEqual(await received, payload);
    const frame = Buffer.concat(raw);
    assert.equal(((frame[1] as number) & 0x80) === 0x80, true, 'a client frame is marked masked');
    assert.equal((frame[1] as number) & 0x7f, payload.length);
    assert.deepEqual([...frame.subarray(2, 6)], [0, 0, 0, 0], 'with a zero key');
    assert.deepEqual(frame.subarray(6, 6 + payload.length), payload, 'so its bytes are the payload');
  });
});
