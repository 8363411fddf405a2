import http from 'node:http';
import https from 'node:https';
import { localAddressProblem, webhookLookup } from './webhook-target';

/** What a webhook receiver answered. */
export interface WebhookAnswer {
  status: number;
  /** The start of the answer body, for the error of a failed attempt. */
  snippet: string;
}

// Only a reason is ever read from an answer, so the rest of a large body is drained unread.
const SNIPPET_BYTES = 512;

/**
 * POSTs webhook bodies over keep-alive connections: events come in bursts to the same few
 * receivers, and reusing connections saves a TCP (and TLS) handshake per event.
 */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

  /**
   * @param timeoutMs how long one attempt may take, connection included.
   * @param allowLocal whether loopback and link-local receivers may be reached (webhook-target.ts).
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly allowLocal = false,
  ) {}

  /**
   * POSTs `body` as JSON. Resolves with any HTTP answer (redirects are not followed: a webhook
   * URL that redirects is misconfigured); rejects on network errors and on the timeout.
   */
  post(url: URL, body: string, headers: Record<string, string>): Promise<WebhookAnswer> {
    const secure = url.protocol === 'https:';
    const client = secure ? https : http;
    // A literal address is never looked up, so it is checked here; a name (localhost too) is
    // checked by the lookup, on every new connection, against what it resolves to then.
    const literalProblem = this.allowLocal
      ? null
      : localAddressProblem(url.hostname.replace(/^\[(.*)\]$/, '$1'));
    if (literalProblem) return Promise.reject(new Error(literalProblem));
    return new Promise((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          ...(this.allowLocal ? {} : { lookup: webhookLookup }),
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'Muster-Webhooks/1',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < SNIPPET_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              snippet: Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES),
            });
          });
          response.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
        },
      );
      // A whole-request deadline: the socket timeout alone would let a receiver that trickles
      // bytes hold a delivery (and its lease) forever.
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
