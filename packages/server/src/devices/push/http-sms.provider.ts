import { classifyHttpAnswer, networkFailure, PostAgents } from './http-post';
import { phoneNumberProblem } from './phone-number';
import type { WakeMessage, WakeOutcome, WakeProvider, WakeTarget } from './wake-provider';
import { refused } from './wake-provider';
import { type WakeAttemptResult, type WakeRetryOptions, withWakeRetry } from './wake-retry';

/** Configuration of a generic HTTP SMS gateway that accepts POST {to, text} as JSON. */
export interface HttpSmsProviderOptions {
  /** The gateway's send endpoint, http or https. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  bearerToken?: string;
  /** Extra trusted CA, PEM, for a gateway with a private PKI. */
  ca?: string;
  /** Per-request timeout in ms; default 10000. */
  timeoutMs?: number;
  /**
   * Picks the gateway's message id from its parsed JSON answer. Default: a string or number
   * `id`, `messageId` or `message_id` at the top level, which covers the common gateways.
   */
  messageId?: (answer: unknown) => string | undefined;
  retry?: WakeRetryOptions;
}

/** Default message-id picker for common gateway answers. */
function defaultMessageId(answer: unknown): string | undefined {
  if (!answer || typeof answer !== 'object') return undefined;
  for (const key of ['id', 'messageId', 'message_id']) {
    const value = (answer as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/** Wakes devices by SMS through an HTTP gateway; 2xx is sent, 429/5xx are retried, other answers are final. */
export class HttpSmsWakeProvider implements WakeProvider {
  /** Channel name the command queue records. */
  readonly channel = 'sms-http' as const;
  private readonly url: URL;
  private readonly agents: PostAgents;
  private closed = false;

  /** Checks the URL; no connection is made until the first wake. */
  constructor(private readonly options: HttpSmsProviderOptions) {
    this.url = new URL(options.url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new Error(`SMS gateway URL must be http or https, got ${this.url.protocol}`);
    }
    this.agents = new PostAgents(options.ca);
  }

  /** POSTs {to, text} for `target.phoneNumber`. */
  async wake(target: WakeTarget, message: WakeMessage): Promise<WakeOutcome> {
    if (this.closed) return refused('HTTP SMS provider is closed');
    const problem = phoneNumberProblem(target.deviceId, target.phoneNumber);
    if (problem) return refused(problem);
    const body = JSON.stringify({ to: target.phoneNumber, text: message.text });
    return withWakeRetry(() => this.send(body), this.options.retry, message.expiresAt);
  }

  /** Closes kept-alive connections; later wakes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    this.agents.destroy();
  }

  private async send(body: string): Promise<WakeAttemptResult> {
    if (this.closed) return { status: 'failed', reason: 'HTTP SMS provider is closed', retryable: false };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.bearerToken) headers['authorization'] = `Bearer ${this.options.bearerToken}`;
    try {
      const answer = await this.agents.post(this.url, body, headers, this.options.timeoutMs ?? 10_000);
      let id: string | undefined;
      if (answer.status >= 200 && answer.status < 300) {
        try {
          id = (this.options.messageId ?? defaultMessageId)(JSON.parse(answer.body));
        } catch {
          // A 2xx without JSON still means accepted; there is just no id to record.
        }
      }
      return classifyHttpAnswer('SMS gateway', answer, id);
    } catch (error) {
      return networkFailure('SMS gateway', error);
    }
  }
}
