import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { selfSignedCertificate, type TlsCredentials } from '../../gateway/tls-credentials';
import { type ApnsProviderOptions, ApnsWakeProvider } from './apns.provider';

/** One request as the fake APNs saw it. */
interface SeenRequest {
  headers: http2.IncomingHttpHeaders;
  body: string;
  clientCommonName: string | undefined;
}

/** What the fake APNs answers: a status and, for errors, APNs's reason. */
interface Answer {
  status: number;
  reason?: string;
}

const token = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const topic = 'com.example.muster-agent';

// A local HTTP/2 TLS server that behaves as APNs does: it demands a client certificate, answers
// each POST with a status, an apns-id header and, on errors, a JSON {"reason": ...} body.
describe('ApnsWakeProvider against a local HTTP/2 APNs peer', () => {
  let server: http2.Http2SecureServer;
  let serverTls: TlsCredentials;
  let clientTls: TlsCredentials;
  let baseUrl: string;
  let sessionsOpened = 0;
  const serverSessions = new Set<http2.ServerHttp2Session>();
  let seen: SeenRequest[] = [];
  let answers: Answer[] = [];
  const providers: ApnsWakeProvider[] = [];

  /** A provider aimed at the fake APNs by configuration alone: baseUrl and ca. */
  function provider(overrides: Partial<ApnsProviderOptions> = {}): ApnsWakeProvider {
    const made = new ApnsWakeProvider({
      cert: clientTls.cert,
      key: clientTls.key,
      baseUrl,
      ca: serverTls.cert,
      topic,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...overrides,
    });
    providers.push(made);
    return made;
  }

  before(async () => {
    serverTls = await selfSignedCertificate('localhost');
    clientTls = await selfSignedCertificate('muster-apns-provider');
    server = http2.createSecureServer({
      key: serverTls.key,
      cert: serverTls.cert,
      requestCert: true,
      rejectUnauthorized: true,
      ca: clientTls.cert,
    });
    server.on('session', (session) => {
      sessionsOpened += 1;
      serverSessions.add(session);
      session.on('close', () => serverSessions.delete(session));
    });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const commonName = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate()?.subject
          ?.CN;
        seen.push({
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
          clientCommonName: Array.isArray(commonName) ? commonName[0] : commonName,
        });
        const answer = answers.shift() ?? { status: 200 };
        stream.respond({ ':status': answer.status, 'apns-id': randomUUID() });
        stream.end(answer.reason === undefined ? undefined : JSON.stringify({ reason: answer.reason }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The certificate names "localhost"; /etc/hosts maps it to 127.0.0.1, where the server listens.
    baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
    answers = [];
  });

  after(async () => {
    await Promise.all(providers.map((made) => made.close()));
    for (const session of serverSessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts the alert to /3/device/<token> with every APNs header and reports the apns-id', async () => {
    const apns = provider();
    const expiresAt = Date.now() + 3600_000;
    const outcome = await apns.wake(
      { deviceId: 'dev-1', pushToken: token },
      { text: 'Check in now', expiresAt, collapseId: 'checkin' },
    );
    assert.equal(outcome.status, 'sent');
    assert.equal(outcome.attempts, 1);
    assert.equal(seen.length, 1);
    const request = seen[0]!;
    assert.match(outcome.providerMessageId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(request.headers[':method'], 'POST');
    assert.equal(request.headers[':path'], `/3/device/${token}`);
    assert.equal(request.headers['apns-push-type'], 'alert');
    assert.equal(request.headers['apns-topic'], topic);
    assert.equal(request.headers['apns-priority'], '10');
    assert.equal(request.headers['apns-expiration'], String(Math.floor(expiresAt / 1000)));
    assert.equal(request.headers['apns-collapse-id'], 'checkin');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body), { aps: { alert: 'Check in now', sound: 'default' } });
    // requestCert + rejectUnauthorized with the client CA: reaching here means the provider
    // presented the configured certificate; the subject proves it was that one.
    assert.equal(request.clientCommonName, 'muster-apns-provider');
  });

  it('sends normal priority as 5, no expiry as 0 and omits the collapse id when not given', async () => {
    const outcome = await provider().wake(
      { deviceId: 'dev-1', pushToken: token },
      { text: 'later', priority: 'normal' },
    );
    assert.equal(outcome.status, 'sent');
    const headers = seen[0]!.headers;
    assert.equal(headers['apns-priority'], '5');
    assert.equal(headers['apns-expiration'], '0');
    assert.equal(headers['apns-collapse-id'], undefined);
  });

  it('sends an MDM push as {"mdm": magic} with push type mdm and the per-device magic', async () => {
    const apns = provider({
      pushType: 'mdm',
      topic: 'com.apple.mgmt.External.1b2c3d4e',
      mdmMagic: (target) => (target.deviceId === 'mac-7' ? 'MAGIC-7' : undefined),
    });
    const outcome = await apns.wake({ deviceId: 'mac-7', pushToken: token }, { text: 'ignored for MDM' });
    assert.equal(outcome.status, 'sent');
    assert.equal(seen[0]!.headers['apns-push-type'], 'mdm');
    assert.equal(seen[0]!.headers['apns-topic'], 'com.apple.mgmt.External.1b2c3d4e');
    assert.deepEqual(JSON.parse(seen[0]!.body), { mdm: 'MAGIC-7' });

    const unknown = await apns.wake({ deviceId: 'mac-8', pushToken: token }, { text: 'x' });
    assert.deepEqual(unknown, {
      status: 'failed',
      reason: 'device mac-8 has no MDM push magic',
      retryable: false,
      attempts: 0,
    });
    assert.equal(seen.length, 1);
  });

  it('sends a background push as content-available with priority 5', async () => {
    await provider({ pushType: 'background' }).wake({ deviceId: 'd', pushToken: token }, { text: 'x' });
    assert.equal(seen[0]!.headers['apns-push-type'], 'background');
    assert.equal(seen[0]!.headers['apns-priority'], '5');
    assert.deepEqual(JSON.parse(seen[0]!.body), { aps: { 'content-available': 1 } });
  });

  for (const [status, reason] of [
    [400, 'BadDeviceToken'],
    [410, 'Unregistered'],
    [410, 'ExpiredToken'],
    [400, 'DeviceTokenNotForTopic'],
    [403, 'InvalidProviderToken'],
    [403, 'BadCertificate'],
  ] as const) {
    it(`treats ${status} ${reason} as final: failed, not retryable, exactly one request`, async () => {
      answers = [{ status, reason }];
      const outcome = await provider().wake({ deviceId: 'dev-1', pushToken: token }, { text: 'hi' });
      assert.deepEqual(outcome, { status: 'failed', reason, retryable: false, attempts: 1 });
      assert.equal(seen.length, 1);
    });
  }

  it('retries 429 TooManyRequests after a jittered backoff and then sends', async () => {
    answers = [{ status: 429, reason: 'TooManyRequests' }, { status: 200 }];
    const slept: number[] = [];
    const apns = provider({
      retry: {
        baseDelayMs: 100,
        maxDelayMs: 1000,
        random: () => 0.25,
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    });
    const outcome = await apns.wake({ deviceId: 'dev-1', pushToken: token }, { text: 'hi' });
    assert.equal(outcome.status, 'sent');
    assert.equal(outcome.attempts, 2);
    assert.equal(seen.length, 2);
    assert.deepEqual(slept, [25]);
  });

  it('gives up on 503 after the configured attempts and reports it as retryable', async () => {
    answers = [
      { status: 503, reason: 'ServiceUnavailable' },
      { status: 500, reason: 'InternalServerError' },
      { status: 503, reason: 'Shutdown' },
      { status: 200 },
    ];
    const outcome = await provider({ retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 5 } }).wake(
      { deviceId: 'dev-1', pushToken: token },
      { text: 'hi' },
    );
    assert.deepEqual(outcome, { status: 'failed', reason: 'Shutdown', retryable: true, attempts: 3 });
    assert.equal(seen.length, 3);
  });

  it('reuses one HTTP/2 session across wakes', async () => {
    const apns = provider();
    const before = sessionsOpened;
    const outcomes = await Promise.all(
      ['d1', 'd2', 'd3'].map((deviceId) => apns.wake({ deviceId, pushToken: token }, { text: 'hi' })),
    );
    outcomes.push(await apns.wake({ deviceId: 'd4', pushToken: token }, { text: 'hi' }));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['sent', 'sent', 'sent', 'sent'],
    );
    assert.equal(seen.length, 4);
    assert.equal(sessionsOpened - before, 1);
  });

  it('opens a new session after the server sends GOAWAY', async () => {
    const apns = provider();
    const before = sessionsOpened;
    assert.equal((await apns.wake({ deviceId: 'd', pushToken: token }, { text: '1' })).status, 'sent');
    const goneAway = new Promise<void>((resolve) => {
      for (const session of serverSessions) session.close(resolve);
    });
    await goneAway;
    const outcome = await apns.wake({ deviceId: 'd', pushToken: token }, { text: '2' });
    assert.equal(outcome.status, 'sent');
    assert.equal(sessionsOpened - before, 2);
  });

  it('refuses a target without a push token, or with a malformed one, without contacting APNs', async () => {
    const apns = provider();
    assert.deepEqual(await apns.wake({ deviceId: 'phone-1' }, { text: 'hi' }), {
      status: 'failed',
      reason: 'device phone-1 has no APNs push token',
      retryable: false,
      attempts: 0,
    });
    const bad = await apns.wake({ deviceId: 'phone-2', pushToken: '../../admin' }, { text: 'hi' });
    assert.equal(bad.status, 'failed');
    assert.equal(bad.status === 'failed' && bad.reason, 'device phone-2 has a malformed APNs push token');
    assert.equal(seen.length, 0);
  });

  it('does not send a message that has already expired', async () => {
    const outcome = await provider().wake(
      { deviceId: 'd', pushToken: token },
      { text: 'hi', expiresAt: Date.now() - 1000 },
    );
    assert.deepEqual(outcome, {
      status: 'failed',
      reason: 'message expired before it was sent',
      retryable: false,
      attempts: 0,
    });
    assert.equal(seen.length, 0);
  });

  it('fails retryably when the server certificate is not trusted (no ca configured)', async () => {
    const apns = provider({ ca: undefined, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const outcome = await apns.wake({ deviceId: 'd', pushToken: token }, { text: 'hi' });
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed' && outcome.retryable);
    assert.equal(outcome.attempts, 2);
    assert.match(outcome.status === 'failed' ? outcome.reason : '', /APNs connection error: .*certificate/i);
    assert.equal(seen.length, 0);
  });

  it('maps a refused connection to a retryable network failure', async () => {
    const closed = http2.createSecureServer({ key: serverTls.key, cert: serverTls.cert });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const apns = provider({ baseUrl: `https://localhost:${port}`, retry: { maxAttempts: 1 } });
    const outcome = await apns.wake({ deviceId: 'd', pushToken: token }, { text: 'hi' });
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed' && outcome.retryable);
    assert.match(outcome.status === 'failed' ? outcome.reason : '', /ECONNREFUSED/);
  });

  it('refuses wakes once closed', async () => {
    const apns = provider();
    await apns.wake({ deviceId: 'd', pushToken: token }, { text: 'hi' });
    await apns.close();
    const outcome = await apns.wake({ deviceId: 'd', pushToken: token }, { text: 'hi' });
    assert.equal(outcome.status === 'failed' && outcome.reason, 'APNs provider is closed');
    assert.equal(seen.length, 1);
  });

  it('rejects a non-https base URL and an mdm push type without magic at construction', () => {
    assert.throws(() => provider({ baseUrl: 'http://localhost:1' }), /must be https/);
    assert.throws(() => provider({ pushType: 'mdm' }), /mdmMagic/);
  });
});
