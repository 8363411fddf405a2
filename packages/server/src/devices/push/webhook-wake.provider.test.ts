import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  signWebhookBody,
  verifyWebhookSignature,
  WebhookWakeProvider,
  type WebhookWakeProviderOptions,
} from './webhook-wake.provider';

/** A request as the receiving server saw it, with the raw body bytes. */
interface SeenRequest {
  path: string | undefined;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

const secret = 'shared-webhook-secret';
const fixedNow = Date.parse('2025-06-01T12:00:00.000Z');

// A local HTTP server standing in for the device's webhook receiver: it keeps the raw body so
// the signature is checked exactly as a real receiver must, over the bytes received.
describe('WebhookWakeProvider against a local HTTP receiver', () => {
  let server: http.Server;
  let base = '';
  let seen: SeenRequest[] = [];
  let statuses: number[] = [];
  const providers: WebhookWakeProvider[] = [];

  function provider(overrides: Partial<WebhookWakeProviderOptions> = {}): WebhookWakeProvider {
    const made = new WebhookWakeProvider({
      secret,
      now: () => fixedNow,
      retry: { baseDelayMs: 2, maxDelayMs: 5 },
      ...overrides,
    });
    providers.push(made);
    return made;
  }

  before(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ path: request.url, headers: request.headers, raw: Buffer.concat(chunks) });
        response.writeHead(statuses.shift() ?? 204);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
    statuses = [];
  });

  after(async () => {
    await Promise.all(providers.map((made) => made.close()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('POSTs a body signed with HMAC-SHA256 that the receiver verifies with the shared secret', async () => {
    const outcome = await provider().wake(
      { deviceId: 'dev-9', webhookUrl: `${base}/hooks/dev-9?k=1` },
      { text: 'check in now' },
    );
    assert.deepEqual(outcome, { status: 'sent', attempts: 1 });
    assert.equal(seen.length, 1);
    const request = seen[0]!;
    assert.equal(request.path, '/hooks/dev-9?k=1');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.raw.toString('utf8')), {
      deviceId: 'dev-9',
      text: 'check in now',
      sentAt: '2025-06-01T12:00:00.000Z',
    });
    assert.equal(request.headers['x-muster-timestamp'], String(fixedNow / 1000));

    // Verified independently of the provider's helpers, as a third-party receiver would.
    const header = request.headers['x-muster-signature'];
    const expected = `sha256=${createHmac('sha256', secret).update(request.raw).digest('hex')}`;
    assert.equal(header, expected);
    const forged = `sha256=${createHmac('sha256', 'not-the-secret').update(request.raw).digest('hex')}`;
    assert.notEqual(header, forged);

    // And the exported verifier agrees: right secret yes; wrong secret, altered body or no header no.
    assert.equal(verifyWebhookSignature(secret, request.raw, String(header)), true);
    assert.equal(verifyWebhookSignature('not-the-secret', request.raw, String(header)), false);
    const altered = Buffer.from(request.raw.toString('utf8').replace('check in now', 'wipe device'));
    assert.equal(verifyWebhookSignature(secret, altered, String(header)), false);
    assert.equal(verifyWebhookSignature(secret, request.raw, undefined), false);
    assert.equal(verifyWebhookSignature(secret, request.raw, 'sha256=00'), false);
    assert.equal(signWebhookBody(secret, request.raw), header);
  });

  it('falls back to the configured URL when the target has none', async () => {
    const outcome = await provider({ url: `${base}/relay` }).wake({ deviceId: 'd' }, { text: 'x' });
    assert.equal(outcome.status, 'sent');
    assert.equal(seen[0]!.path, '/relay');
  });

  it('refuses a target without any URL, or with a non-http one, without sending', async () => {
    const webhook = provider();
    assert.deepEqual(await webhook.wake({ deviceId: 'd' }, { text: 'x' }), {
      status: 'failed',
      reason: 'device d has no webhook URL and none is configured',
      retryable: false,
      attempts: 0,
    });
    for (const webhookUrl of ['ftp://127.0.0.1/x', 'not a url', 'file:///etc/passwd']) {
      const outcome = await webhook.wake({ deviceId: 'd', webhookUrl }, { text: 'x' });
      assert.equal(
        outcome.status === 'failed' && outcome.reason,
        'device d has an invalid webhook URL (http or https required)',
      );
    }
    assert.equal(seen.length, 0);
    assert.throws(() => provider({ secret: '' }), /signing secret/);
  });

  it('retries 429 and 503 with the identical signed body, then sends', async () => {
    statuses = [429, 503, 200];
    const outcome = await provider({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).wake(
      { deviceId: 'd', webhookUrl: `${base}/w` },
      { text: 'x' },
    );
    assert.deepEqual(outcome, { status: 'sent', attempts: 3 });
    assert.equal(seen.length, 3);
    assert.equal(new Set(seen.map((request) => request.raw.toString('hex'))).size, 1);
    assert.equal(new Set(seen.map((request) => request.headers['x-muster-signature'])).size, 1);
  });

  it('reports 5xx as retryable after the last attempt and 4xx as final at once', async () => {
    statuses = [500, 500];
    const exhausted = await provider({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).wake(
      { deviceId: 'd', webhookUrl: `${base}/w` },
      { text: 'x' },
    );
    assert.deepEqual(exhausted, {
      status: 'failed',
      reason: 'webhook answered HTTP 500',
      retryable: true,
      attempts: 2,
    });

    seen = [];
    statuses = [410];
    const gone = await provider().wake({ deviceId: 'd', webhookUrl: `${base}/w` }, { text: 'x' });
    assert.deepEqual(gone, {
      status: 'failed',
      reason: 'webhook answered HTTP 410',
      retryable: false,
      attempts: 1,
    });
    assert.equal(seen.length, 1);
  });
});
