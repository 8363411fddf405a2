import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { parseMetrics, sampleValue } from '../test-support/prometheus-text';
import { startWebhookTestReceiver, type WebhookTestReceiver } from '../webhooks/webhook-test-receiver';

/** Polls until `check` holds (the webhook dispatcher works in the background). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

// The webhook service as the server wires it, posting to a real HTTP receiver: /metrics counts
// what it records, delivered or failed, and failures that end in the dead letters as final.
describe('webhook deliveries in /metrics', () => {
  const token = randomBytes(32).toString('hex');
  let api: TestApiServer;
  let receiver: WebhookTestReceiver;
  before(async () => {
    receiver = await startWebhookTestReceiver();
    api = await startTestApiServer({
      metricsToken: token,
      webhookAllowLocal: true,
      webhookPollMs: 20,
      webhookRetryBaseMs: 10,
      webhookMaxAttempts: 2,
    });
    await api.seedMachines('web.acme', ['pc.web.acme']);
    const put = await api.call('PUT', '/organizations/acme/webhook', { url: receiver.url });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    receiver.secret = put.body.secret;
  });
  after(async () => {
    await api?.close();
    await receiver?.close();
  });

  const counts = async () => {
    const answer = await api.server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    const families = parseMetrics(answer.body);
    return {
      delivered: sampleValue(families, 'muster_webhook_deliveries_total'),
      retried: sampleValue(families, 'muster_webhook_failures_total', { final: 'false' }),
      final: sampleValue(families, 'muster_webhook_failures_total', { final: 'true' }),
    };
  };
  const queue = async () => {
    const queued = await api.call('POST', '/commands', {
      targets: { machines: ['pc.web.acme'] },
      type: 'audit',
      params: {},
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
  };

  it('counts a failed attempt, then the final one that makes a dead letter', async () => {
    assert.deepEqual(await counts(), { delivered: 0, retried: 0, final: 0 });
    receiver.respond = () => 500;
    await queue();
    await until(
      'a dead letter',
      async () => (await api.call('GET', '/webhooks/dead-letters')).body.items.length === 1,
    );
    assert.equal(receiver.receipts.length, 2);
    assert.deepEqual(await counts(), { delivered: 0, retried: 1, final: 1 });
  });

  it('counts a delivery answered 2xx', async () => {
    receiver.respond = () => 200;
    await queue();
    await until('a delivery', async () => (await counts()).delivered === 1);
    assert.deepEqual(await counts(), { delivered: 1, retried: 1, final: 1 });
  });
});
