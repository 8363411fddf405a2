import http from 'node:http';
import https from 'node:https';
import type { WakeAttemptResult } from './wake-retry';
import { errorMessage } from './wake-retry';

/** An HTTP answer, its body cut to the first 64 KiB (only a reason or an id is ever read from it). */
export interface PostResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const maxBody = 64 * 1024;

/**
 * Keep-alive agents for one provider: wakes come in bursts to the same gateway, and reusing
 * connections saves a TLS handshake per message. `ca` adds a trusted CA for gateways with a
 * private PKI.
 */
export class PostAgents {
  private readonly http = new http.Agent({ keepAlive: true });
  private readonly https: https.Agent;

  /** Agents trusting Node's CA store plus `ca` when given. */
  constructor(ca?: string) {
    this.https = new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
  }

  /**
   * POSTs `body` as JSON. Resolves with any HTTP answer (redirects are not followed: a wake
   * endpoint that redirects is misconfigured); rejects on network errors and on `timeoutMs`.
   */
  post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
    const secure = url.protocol === 'https:';
    const client = secure ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < maxBody) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8').slice(0, maxBody),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Closes idle keep-alive connections. */
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/**
 * Maps an HTTP answer onto a retry decision: 2xx sent; 429 and 5xx transient (honouring
 * Retry-After); everything else, 3xx included, final because resending the same request
 * would get the same answer.
 */
export function classifyHttpAnswer(
  label: string,
  answer: PostResult,
  messageId?: string,
  now: () => number = Date.now,
): WakeAttemptResult {
  if (answer.status >= 200 && answer.status < 300) {
    return messageId === undefined ? { status: 'sent' } : { status: 'sent', providerMessageId: messageId };
  }
  const snippet = answer.body.trim().replace(/\s+/g, ' ').slice(0, 200);
  const reason = `${label} answered HTTP ${answer.status}${snippet ? `: ${snippet}` : ''}`;
  const retryable = answer.status === 429 || answer.status >= 500;
  const wait = retryable ? retryAfterMs(answer.headers['retry-after'], now) : undefined;
  return wait === undefined
    ? { status: 'failed', reason, retryable }
    : { status: 'failed', reason, retryable, retryAfterMs: wait };
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: () => number = Date.now): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/** A network failure as a retryable attempt result. */
export function networkFailure(label: string, error: unknown): WakeAttemptResult {
  return { status: 'failed', reason: `${label} unreachable: ${errorMessage(error)}`, retryable: true };
}
