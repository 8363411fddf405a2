import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEVICE_CLOCK_SKEW_MS } from '@muster/protocol';

/** How a wake arrived: a bare POST (the user tapping the notification) or the server's signed webhook. */
export type WakeSource = 'tap' | 'webhook';

/** Configuration of a WakeListener. */
export interface WakeListenerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** When set, every wake must carry `x-muster-signature: sha256=<hex HMAC-SHA256(secret, raw body)>`. */
  webhookSecret?: string;
  /** Oldest signed `sentAt` accepted, in ms; default the device API's clock skew (5 min). */
  maxAgeMs?: number;
  now?: () => number;
  /** Wakes a device; false when the id is unknown (answered 404). */
  onWake: (deviceId: string, source: WakeSource) => boolean;
  /** A refused wake, for the log. */
  onReject?: (reason: string, status: number) => void;
}

const MAX_BODY = 64 * 1024;

/** Checks `sha256=<hex>` against the raw body in constant time, so a forger learns nothing from timing. */
export function verifyWakeSignature(
  secret: string,
  rawBody: Buffer | string,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

class WakeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Stands in for the push notification reaching the phone: `POST /wake/<deviceId>` (or
 * `POST /wake` with the id in the body) makes that device check in at once. The server's
 * webhook channel sends `{deviceId, text, sentAt}` signed with a shared secret; with a secret
 * configured, unsigned or stale wakes are refused, since anyone on the host could send them.
 */
export class WakeListener {
  private constructor(
    private readonly server: http.Server,
    /** The port actually bound. */
    readonly port: number,
  ) {}

  /** Base URL of the listener, e.g. `http://127.0.0.1:5800`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Binds 127.0.0.1 only: a wake endpoint has no business on other interfaces. */
  static async start(options: WakeListenerOptions): Promise<WakeListener> {
    const server = http.createServer((request, response) => {
      void handle(options, request)
        .then((deviceId) => answer(response, 202, { woken: deviceId }))
        .catch((error: unknown) => {
          const refusal =
            error instanceof WakeRefusal ? error : new WakeRefusal(500, 'internal', (error as Error).message);
          options.onReject?.(refusal.message, refusal.status);
          answer(response, refusal.status, { error: { code: refusal.code, message: refusal.message } });
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    return new WakeListener(server, (server.address() as AddressInfo).port);
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(options: WakeListenerOptions, request: http.IncomingMessage): Promise<string> {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const match = /^\/wake(?:\/([^/]+))?\/?$/.exec(path);
  if (!match) throw new WakeRefusal(404, 'not-found', `no such path: ${path}`);
  if (request.method !== 'POST') throw new WakeRefusal(405, 'method-not-allowed', 'wakes are POSTed');
  const raw = await readBody(request);
  const signature = request.headers['x-muster-signature'];
  const header = Array.isArray(signature) ? signature[0] : signature;
  const secret = options.webhookSecret;
  if (secret !== undefined && !verifyWakeSignature(secret, raw, header)) {
    throw new WakeRefusal(401, 'bad-signature', 'wake signature missing or wrong');
  }
  const pathId = match[1] === undefined ? undefined : decodePathId(match[1]);
  const body = raw.length === 0 ? {} : parseBody(raw);
  const bodyId = typeof body.deviceId === 'string' ? body.deviceId : undefined;
  if (pathId !== undefined && bodyId !== undefined && pathId !== bodyId) {
    throw new WakeRefusal(400, 'device-mismatch', 'deviceId in the body differs from the path');
  }
  if (secret !== undefined) {
    // The signature covers sentAt, so a captured wake can only be replayed while it is fresh.
    const sentAt = typeof body.sentAt === 'string' ? Date.parse(body.sentAt) : Number.NaN;
    const now = (options.now ?? Date.now)();
    if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > (options.maxAgeMs ?? DEVICE_CLOCK_SKEW_MS)) {
      throw new WakeRefusal(401, 'stale', 'signed wake has no sentAt or is too old');
    }
  }
  const deviceId = pathId ?? bodyId;
  if (deviceId === undefined) throw new WakeRefusal(400, 'no-device', 'no deviceId in the path or body');
  if (!options.onWake(deviceId, header === undefined ? 'tap' : 'webhook')) {
    throw new WakeRefusal(404, 'unknown-device', `no simulated device ${deviceId}`);
  }
  return deviceId;
}

function decodePathId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new WakeRefusal(400, 'bad-path', 'device id in the path is not valid percent-encoding');
  }
}

function parseBody(raw: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Falls through to the refusal below.
  }
  throw new WakeRefusal(400, 'bad-body', 'wake body must be a JSON object');
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new WakeRefusal(413, 'too-large', 'wake body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function answer(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
