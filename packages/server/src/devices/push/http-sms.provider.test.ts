import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { selfSignedCertificate } from '../../gateway/tls-credentials';
import { type HttpSmsProviderOptions, HttpSmsWakeProvider } from './http-sms.provider';

/** A request as the fake gateway saw it. */
interface SeenRequest {
  method: string | undefined;
  path: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A scripted gateway answer; `hang` never answers (for timeouts). */
interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}

// A local HTTP (and HTTPS) server standing in for an SMS gateway: it records each POST and
// answers from a script, so the tests see exactly what went over the wire.
describe('HttpSmsWakeProvider against a local HTTP gateway', () => {
  let server: http.Server;
  let secureServer: https.Server;
  let url = '';
  let secureUrl = '';
  let ca = '';
  let seen: SeenRequest[] = [];
  let answers: Answer[] = [];
  const providers: HttpSmsWakeProvider[] = [];

  const handler: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers.shift() ?? { status: 200, body: '{"id":"default"}' };
      if (answer.hang) return;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
  };

  function provider(overrides: Partial<HttpSmsProviderOptions> = {}): HttpSmsWakeProvider {
    const made = new HttpSmsWakeProvider({
      url,
      bearerToken: 'gw-token',
      retry: { baseDelayMs: 2, maxDelayMs: 5 },
      ...overrides,
    });
    providers.push(made);
    return made;
  }

  before(async () => {
    const tls = await selfSignedCertificate('localhost');
    ca = tls.cert;
    server = http.createServer(handler);
    secureServer = https.createServer({ key: tls.key, cert: tls.cert }, handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => secureServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sms`;
    secureUrl = `https://localhost:${(secureServer.address() as AddressInfo).port}/v1/sms`;
  });

  beforeEach(() => {
    seen = [];
    answers = [];
  });

  after(async () => {
    await Promise.all(providers.map((made) => made.close()));
    server.closeAllConnections();
    secureServer.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => secureServer.close(() => resolve()));
  });

  it('POSTs {to, text} as JSON with the bearer token and reports the gateway id', async () => {
    answers = [{ status: 201, body: '{"id":"sms-42","status":"queued"}' }];
    const outcome = await provider().wake(
      { deviceId: 'p', phoneNumber: '+4915112345678' },
      { text: 'check in' },
    );
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: 'sms-42', attempts: 1 });
    assert.equal(seen.length, 1);
    const request = seen[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/sms');
    assert.equal(request.headers['authorization'], 'Bearer gw-token');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body), { to: '+4915112345678', text: 'check in' });
  });

  it('accepts a 2xx without JSON and sends no authorization header without a token', async () => {
    answers = [{ status: 202, body: 'OK' }];
    const outcome = await provider({ bearerToken: undefined }).wake(
      { deviceId: 'p', phoneNumber: '015112345678' },
      { text: 'x' },
    );
    assert.deepEqual(outcome, { status: 'sent', attempts: 1 });
    assert.equal(seen[0]!.headers['authorization'], undefined);
  });

  it('uses a custom message-id picker', async () => {
    answers = [{ status: 200, body: '{"messages":[{"ref":"r-1"}]}' }];
    const outcome = await provider({
      messageId: (answer) => (answer as { messages: Array<{ ref: string }> }).messages[0]?.ref,
    }).wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'x' });
    assert.equal(outcome.status === 'sent' && outcome.providerMessageId, 'r-1');
  });

  it('retries 429, waiting at least Retry-After, then sends', async () => {
    answers = [
      { status: 429, body: '{"error":"slow down"}', headers: { 'retry-after': '2' } },
      { status: 200 },
    ];
    const slept: number[] = [];
    const outcome = await provider({
      retry: {
        baseDelayMs: 100,
        maxDelayMs: 10_000,
        random: () => 0.5,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    }).wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'x' });
    assert.equal(outcome.status, 'sent');
    assert.equal(outcome.attempts, 2);
    assert.equal(seen.length, 2);
    assert.deepEqual(slept, [2000]);
  });

  it('reports 5xx as retryable once the attempts run out', async () => {
    answers = [{ status: 500 }, { status: 502 }, { status: 503, body: 'maintenance' }];
    const outcome = await provider({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'x' },
    );
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'SMS gateway answered HTTP 503: maintenance',
      retryable: true,
      attempts: 3,
    });
    assert.equal(seen.length, 3);
  });

  for (const status of [400, 401, 403, 404, 422]) {
    it(`does not retry HTTP ${status}`, async () => {
      answers = [{ status, body: '{"error":"nope"}' }];
      const outcome = await provider().wake({ deviceId: 'p', phoneNumber: '+15550001111' }, { text: 'x' });
      assert.deepEqual(outcome, {
        status: 'failed',
        reason: `SMS gateway answered HTTP ${status}: {"error":"nope"}`,
        retryable: false,
        attempts: 1,
      });
      assert.equal(seen.length, 1);
    });
  }

  it('refuses an invalid phone number without calling the gateway', async () => {
    const outcome = await provider().wake({ deviceId: 'p', phoneNumber: '555-CALL-NOW' }, { text: 'x' });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.attempts, 0);
    assert.match(outcome.status === 'failed' ? outcome.reason : '', /invalid phone number "555-CALL-NOW"/);
    assert.equal(seen.length, 0);
  });

  it('times out a gateway that never answers, as a retryable failure', async () => {
    answers = [{ status: 0, hang: true }];
    const outcome = await provider({ timeoutMs: 100, retry: { maxAttempts: 1 } }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'x' },
    );
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'SMS gateway unreachable: no answer within 100 ms',
      retryable: true,
      attempts: 1,
    });
  });

  it('fails retryably when nothing listens', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outcome = await provider({ url: `http://127.0.0.1:${port}/`, retry: { maxAttempts: 1 } }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'x' },
    );
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed' && outcome.retryable);
    assert.match(outcome.status === 'failed' ? outcome.reason : '', /ECONNREFUSED/);
  });

  it('reaches an HTTPS gateway trusted through the configured CA only', async () => {
    const trusted = await provider({ url: secureUrl, ca }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'tls' },
    );
    assert.equal(trusted.status, 'sent');
    assert.deepEqual(JSON.parse(seen[0]!.body), { to: '+15550001111', text: 'tls' });
    const untrusted = await provider({ url: secureUrl, retry: { maxAttempts: 1 } }).wake(
      { deviceId: 'p', phoneNumber: '+15550001111' },
      { text: 'tls' },
    );
    assert.equal(untrusted.status, 'failed');
    assert.match(untrusted.status === 'failed' ? untrusted.reason : '', /certificate/);
    assert.equal(seen.length, 1);
  });
});
