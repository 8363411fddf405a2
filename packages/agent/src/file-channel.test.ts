import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionLost, FileChannel, type FileRequest } from './file-channel';

describe('file channel', () => {
  it('answers the requests of a command in the order they were sent, commands apart', async () => {
    const sent: FileRequest[] = [];
    const channel = new FileChannel({ send: (m) => sent.push(m) > 0 });
    const a1 = channel.request({ t: 'file-status', commandId: 'a' });
    const b1 = channel.request({ t: 'file-status', commandId: 'b' });
    const a2 = channel.request({ t: 'file-status', commandId: 'a' });
    channel.deliver({ t: 'file-ack', commandId: 'b', received: 7 });
    channel.deliver({ t: 'file-ack', commandId: 'a', received: 1 });
    channel.deliver({ t: 'file-ack', commandId: 'a', received: 2 });
    channel.deliver({ t: 'file-ack', commandId: 'zzz', received: 9 }); // nobody waits: dropped
    assert.deepEqual(
      (await Promise.all([a1, a2, b1])).map((r) => (r.t === 'file-ack' ? r.received : -1)),
      [1, 2, 7],
    );
    assert.equal(sent.length, 3);
  });

  it('fails every waiting request, and every later one, when the connection closes', async () => {
    let open = true;
    const channel = new FileChannel({ send: () => open });
    const waiting = channel.request({ t: 'file-status', commandId: 'a' });
    open = false;
    channel.closed();
    await assert.rejects(waiting, ConnectionLost);
    await assert.rejects(channel.request({ t: 'file-status', commandId: 'a' }), ConnectionLost);
  });
});
