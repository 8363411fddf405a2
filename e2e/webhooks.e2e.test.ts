import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  startWebhookTestReceiver,
  type WebhookTestReceiver,
} from '../packages/server/src/webhooks/webhook-test-receiver';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

describe('webhooks smoke', () => {
  const dir = tempDir('webhooks');
  let server: TestServer;
  let agent: Proc;
  let receiver: WebhookTestReceiver;
  let machineId = '';
  before(async () => {
    receiver = await startWebhookTestReceiver();
    const port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      // The receiver runs on loopback, which webhooks may reach only when allowed.
      extraArgs: ['--webhook-poll-ms', '100', '--webhook-allow-local'],
    });
    const token = await server.installToken({ group: 'web.acme', maxUses: 1 });
    const state = join(dir.path, 'a1');
    agent = startAgent('a1', { stateDir: state, server: `127.0.0.1:${port}`, token });
    machineId = await waitFor('enrolled', () => agentState(state).machineId);
    await server.waitForStatus(machineId, 'online');
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    await receiver?.close();
    dir.cleanup();
  });
  it('posts every status of a command', async () => {
    const put = await server.api.put('/organizations/acme/webhook', { url: receiver.url });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    receiver.secret = (put.body as { secret: string }).secret;
    const r = await server.api.post('/commands', {
      targets: { machines: [machineId] },
      type: 'shell',
      params: { script: 'echo hi' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await waitFor('three events', () => receiver.receipts.length >= 3, 20_000);
    const statuses = receiver.receipts.map(
      (x) => (JSON.parse(x.body) as { command: { status: string } }).command.status,
    );
    console.log(
      statuses,
      receiver.receipts.map((x) => x.verified),
    );
    assert.deepEqual(statuses.sort(), ['complete', 'pending', 'processing']);
    assert.ok(receiver.receipts.every((x) => x.verified));
    const dead = await server.api.get('/webhooks/dead-letters');
    assert.deepEqual(dead.body, { items: [] });
  });
});
