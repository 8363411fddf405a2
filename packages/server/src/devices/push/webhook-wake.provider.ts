import { createHmac, timingSafeEqual } from 'node:crypto';
import { classifyHttpAnswer, networkFailure, PostAgents } from './http-post';
import type { WakeMessage, WakeOutcome, WakeProvider, WakeTarget } from './wake-provider';
import { refused } from './wake-provider';
import { type WakeAttemptResult, type WakeRetryOptions, withWakeRetry } from './wake-retry';

/** Configuration of the webhook channel. */
export interface WebhookWakeProviderOptions {
  /** Shared secret the receiver verifies `x-muster-signature` with. */
  secret: string;
  /** Endpoint for targets that have no `webhookUrl` of their own. */
  url?: string;
  /** Extra trusted CA, PEM, for receivers with a private PKI. */
  ca?: string;
  /** Per-request timeout in ms; default 10000. */
  timeoutMs?: number;
  /** Clock for `sentAt` and `x-muster-timestamp`; default Date.now. */
  now?: () => number;
  retry?: WakeRetryOptions;
}

/** The signature header value for a raw body: `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function signWebhookBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * Checks an `x-muster-signature` header against the raw body, in constant time so a receiver
 * does not leak how much of a forged signature matched. For receivers and tests; the body must
 * be the exact bytes received, not re-serialised JSON.
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string | Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, rawBody));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Wakes a device (or the agent relay in front of it) by POSTing a signed JSON
 * `{deviceId, text, sentAt}`. The HMAC covers the raw body, which includes `sentAt`, so a
 * receiver can reject replays by age without trusting an unsigned header; `x-muster-timestamp`
 * repeats it in epoch seconds for receivers that check age before parsing.
 */
export class WebhookWakeProvider implements WakeProvider {
  /** Channel name the command queue records. */
  readonly channel = 'webhook' as const;
  private readonly agents: PostAgents;
  private closed = false;

  /** Checks the configuration; no connection is made until the first wake. */
  constructor(private readonly options: WebhookWakeProviderOptions) {
    if (!options.secret) throw new Error('the webhook channel needs a signing secret');
    if (options.url !== undefined && !parseHttpUrl(options.url)) {
      throw new Error(`webhook URL must be an http or https URL, got ${options.url}`);
    }
    this.agents = new PostAgents(options.ca);
  }

  /** POSTs the signed wake to `target.webhookUrl`, or the configured URL. */
  async wake(target: WakeTarget, message: WakeMessage): Promise<WakeOutcome> {
    if (this.closed) return refused('webhook provider is closed');
    const raw = target.webhookUrl ?? this.options.url;
    if (!raw) return refused(`device ${target.deviceId} has no webhook URL and none is configured`);
    const url = parseHttpUrl(raw);
    if (!url) return refused(`device ${target.deviceId} has an invalid webhook URL (http or https required)`);
    const sentAt = (this.options.now ?? Date.now)();
    // One body per wake, reused by retries, so a receiver can deduplicate on it.
    const body = JSON.stringify({
      deviceId: target.deviceId,
      text: message.text,
      sentAt: new Date(sentAt).toISOString(),
    });
    const headers = {
      'x-muster-signature': signWebhookBody(this.options.secret, body),
      'x-muster-timestamp': String(Math.floor(sentAt / 1000)),
    };
    return withWakeRetry(() => this.send(url, body, headers), this.options.retry, message.expiresAt);
  }

  /** Closes kept-alive connections; later wakes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    this.agents.destroy();
  }

  private async send(url: URL, body: string, headers: Record<string, string>): Promise<WakeAttemptResult> {
    if (this.closed) return { status: 'failed', reason: 'webhook provider is closed', retryable: false };
    try {
      return classifyHttpAnswer(
        'webhook',
        await this.agents.post(url, body, headers, this.options.timeoutMs ?? 10_000),
      );
    } catch (error) {
      return networkFailure('webhook', error);
    }
  }
}

function parseHttpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
