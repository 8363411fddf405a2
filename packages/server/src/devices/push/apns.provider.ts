import http2 from 'node:http2';
import type { WakeMessage, WakeOutcome, WakeProvider, WakeTarget } from './wake-provider';
import { refused } from './wake-provider';
import { errorMessage, type WakeAttemptResult, type WakeRetryOptions, withWakeRetry } from './wake-retry';

/** The APNs push types Muster sends. */
export type ApnsPushType = 'alert' | 'background' | 'mdm';

/** Configuration of the APNs channel; the certificate is the provider certificate Apple issued. */
export interface ApnsProviderOptions {
  /** Provider (or MDM push) certificate, PEM; presented as the TLS client certificate. */
  cert: string;
  /** Its private key, PEM. */
  key: string;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** Extra trusted CA, PEM; normally unset because Apple's chain is in Node's store. */
  ca?: string;
  /** Default `https://api.push.apple.com`; `https://api.sandbox.push.apple.com` for development builds. */
  baseUrl?: string;
  /** `apns-topic`: the app's bundle id, or the MDM certificate's topic (com.apple.mgmt.External.<uuid>). */
  topic: string;
  /** Default 'alert'. */
  pushType?: ApnsPushType;
  /**
   * The MDM PushMagic for push type 'mdm'. Each enrolled device reports its own in TokenUpdate,
   * so a function looking it up per target is the normal form; a string suits a single device.
   */
  mdmMagic?: string | ((target: WakeTarget) => string | undefined);
  /** Per-request timeout in ms; default 10000. */
  requestTimeoutMs?: number;
  retry?: WakeRetryOptions;
}

const hexToken = /^[0-9a-fA-F]+$/;

/**
 * Wakes Apple devices through APNs over HTTP/2 with certificate authentication. One HTTP/2
 * session carries every request (Apple asks providers to keep connections open rather than
 * reconnect per push, and treats rapid reconnects as a denial-of-service); it is replaced only
 * after it closes, errors or receives GOAWAY.
 */
export class ApnsWakeProvider implements WakeProvider {
  /** Channel name the command queue records. */
  readonly channel = 'apns' as const;
  private readonly origin: string;
  private readonly pushType: ApnsPushType;
  private readonly timeoutMs: number;
  private session: http2.ClientHttp2Session | undefined;
  private closed = false;

  /** Checks the configuration; no connection is made until the first wake. */
  constructor(private readonly options: ApnsProviderOptions) {
    const url = new URL(options.baseUrl ?? 'https://api.push.apple.com');
    if (url.protocol !== 'https:') throw new Error(`APNs baseUrl must be https, got ${url.protocol}`);
    this.origin = url.origin;
    this.pushType = options.pushType ?? 'alert';
    if (this.pushType === 'mdm' && options.mdmMagic === undefined) {
      throw new Error("APNs push type 'mdm' needs the mdmMagic option");
    }
    if (!options.topic) throw new Error('APNs needs a topic (bundle id or MDM topic)');
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** Sends one push to `target.pushToken`, retrying throttling and server errors. */
  async wake(target: WakeTarget, message: WakeMessage): Promise<WakeOutcome> {
    if (this.closed) return refused('APNs provider is closed');
    const token = target.pushToken;
    if (!token) return refused(`device ${target.deviceId} has no APNs push token`);
    // The token goes into the request path, so anything but hex is refused rather than escaped.
    if (!hexToken.test(token)) return refused(`device ${target.deviceId} has a malformed APNs push token`);
    let body: string;
    if (this.pushType === 'mdm') {
      const magic =
        typeof this.options.mdmMagic === 'function' ? this.options.mdmMagic(target) : this.options.mdmMagic;
      if (!magic) return refused(`device ${target.deviceId} has no MDM push magic`);
      body = JSON.stringify({ mdm: magic });
    } else if (this.pushType === 'background') {
      // Apple rejects or drops background pushes that carry alert or sound, so only content-available.
      body = JSON.stringify({ aps: { 'content-available': 1 } });
    } else {
      body = JSON.stringify({ aps: { alert: message.text, sound: 'default' } });
    }
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': `/3/device/${token}`,
      'content-type': 'application/json',
      'apns-push-type': this.pushType,
      'apns-topic': this.options.topic,
      // Background pushes must use priority 5; APNs refuses 10 for them.
      'apns-priority': this.pushType !== 'background' && message.priority !== 'normal' ? '10' : '5',
      'apns-expiration': message.expiresAt === undefined ? '0' : String(Math.floor(message.expiresAt / 1000)),
    };
    if (message.collapseId !== undefined) headers['apns-collapse-id'] = message.collapseId;
    return withWakeRetry(() => this.send(headers, body), this.options.retry, message.expiresAt);
  }

  /** Closes the HTTP/2 session after in-flight requests finish; later wakes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (!session || session.destroyed) return;
    await new Promise<void>((resolve) => session.close(() => resolve()));
  }

  /** The live session, or a new one when the previous closed, failed or was told to go away. */
  private currentSession(): http2.ClientHttp2Session {
    const existing = this.session;
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = http2.connect(this.origin, {
      cert: this.options.cert,
      key: this.options.key,
      ...(this.options.passphrase === undefined ? {} : { passphrase: this.options.passphrase }),
      ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
    });
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    // Stream errors report the failure to each request; this listener only keeps an unhandled
    // 'error' from crashing the process and makes the next wake reconnect.
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    this.session = session;
    return session;
  }

  /** One POST and its mapping onto a retry decision. */
  private send(headers: http2.OutgoingHttpHeaders, body: string): Promise<WakeAttemptResult> {
    // A retry scheduled before close() must not open a new session afterwards.
    if (this.closed)
      return Promise.resolve({ status: 'failed', reason: 'APNs provider is closed', retryable: false });
    return new Promise((resolve) => {
      const networkFailure = (error: unknown): void =>
        resolve({
          status: 'failed',
          reason: `APNs connection error: ${errorMessage(error)}`,
          retryable: true,
        });
      let session: http2.ClientHttp2Session;
      let request: http2.ClientHttp2Stream;
      try {
        session = this.currentSession();
        request = session.request(headers);
      } catch (error) {
        // request() throws synchronously on a session that is closing (GOAWAY just arrived).
        this.session = undefined;
        networkFailure(error);
        return;
      }
      let status = 0;
      let apnsId: string | undefined;
      const chunks: Buffer[] = [];
      request.setTimeout(this.timeoutMs, () => {
        request.close(http2.constants.NGHTTP2_CANCEL);
        resolve({
          status: 'failed',
          reason: `APNs did not answer within ${this.timeoutMs} ms`,
          retryable: true,
        });
      });
      request.on('response', (responseHeaders) => {
        status = Number(responseHeaders[':status']);
        const id = responseHeaders['apns-id'];
        apnsId = Array.isArray(id) ? id[0] : id;
      });
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        resolve(mapApnsResponse(status, apnsId, Buffer.concat(chunks).toString('utf8'))),
      );
      request.on('error', networkFailure);
      // A stream reset without an error (e.g. refused by the peer) still must settle the attempt.
      request.on('close', () => networkFailure(new Error(`stream closed (code ${request.rstCode})`)));
      request.end(body);
    });
  }
}

/**
 * Maps an APNs answer the way Apple documents it: 200 is accepted; 429 (TooManyRequests) and
 * 5xx (InternalServerError, ServiceUnavailable, Shutdown) are transient; every other status
 * (400 BadDeviceToken, 403 certificate problems, 410 Unregistered/ExpiredToken, …) would fail
 * again identically, so it is final. The reason is APNs's own `reason` string.
 */
export function mapApnsResponse(status: number, apnsId: string | undefined, body: string): WakeAttemptResult {
  if (status === 200)
    return apnsId === undefined ? { status: 'sent' } : { status: 'sent', providerMessageId: apnsId };
  let reason = `HTTP ${status}`;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'reason' in parsed && typeof parsed.reason === 'string') {
      reason = parsed.reason;
    }
  } catch {
    // APNs always sends JSON on errors; anything else (a proxy's HTML page) keeps the status as reason.
  }
  return { status: 'failed', reason, retryable: status === 429 || status >= 500 };
}
