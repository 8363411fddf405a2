import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../paths';
import { Semaphore } from '../semaphore';
import type { SimCounters } from '../sim/sim-client';
import { waitUntil } from '../wait';
import { FloorClient } from './floor-client';
import { FloorServerProcess } from './floor-process';

const counters: SimCounters = {
  sent: 0,
  connectFailures: 0,
  lastError: '',
  commandsReceived: 0,
  acksReceived: 0,
  noteCommand: () => undefined,
  noteAck: () => undefined,
};

test('the floor server fans a frame out to every connection and reports once each has answered', async () => {
  const floor = await FloorServerProcess.start('127.0.0.1', REPO_ROOT);
  const clients: FloorClient[] = [];
  after(async () => {
    for (const c of clients) c.stop();
    await floor.stop();
  });
  // No connection yet: a fan-out to nobody ends at once, with nothing sent.
  assert.deepEqual(await floor.fanout('{}', 10_000), { sent: 0, answered: 0, ms: 0 });
  const gate = new Semaphore(10);
  for (let i = 0; i < 5; i++) {
    const client = new FloorClient(
      {
        address: { host: '127.0.0.1', port: floor.port },
        localAddress: '127.0.0.1',
        periodSeconds: 30,
        timeoutMs: 10_000,
      },
      counters,
    );
    clients.push(client);
    client.start(gate);
  }
  await waitUntil(
    async () => (await floor.counts())?.connections ?? 0,
    (n) => n === 5,
    10_000,
    50,
  );
  const before = (await floor.counts())?.received ?? -1;
  const done = await floor.fanout('x'.repeat(300), 10_000);
  assert.ok(done, 'every client answered within the time limit');
  assert.equal(done.sent, 5);
  assert.equal(done.answered, 5);
  assert.ok(done.ms > 0, `timed (${done.ms} ms)`);
  // Each client answered exactly once: no check-ins were on, so the server got five messages.
  assert.equal((await floor.counts())?.received, before + 5);
});
