import type { AlertMessageRecord, AlertStore } from '../store/alert-record';
import type { WebhookConfig, WebhookStore } from '../store/webhook-record';
import { webhookRetryDelayMs } from '../webhooks/webhook-backoff';
import { WebhookSender } from '../webhooks/webhook-sender';
import { signWebhook, WEBHOOK_HEADERS } from '../webhooks/webhook-signature';
import type { AlertMailer } from './smtp-mailer';

/** Tuning of the alert outbox dispatcher. */
export interface AlertDispatchSettings {
  /** How often each node looks for due messages. */
  pollMs: number;
  /** Base of the full-jitter exponential retry backoff (capped at 10 minutes). */
  retryBaseMs: number;
  /** Attempts before a message is given up on (kept as dead, with its last error). */
  maxAttempts: number;
  /** Messages one node sends at once; default 8. */
  concurrency?: number;
  /** How long a claimed message is hidden from other nodes; must outlast an attempt. Default 120 s. */
  leaseMs?: number;
  /** Deadline of one webhook attempt; default 10 s. */
  webhookTimeoutMs?: number;
  /** Whether webhook URLs may be loopback or link-local (see webhook-target.ts). */
  webhookAllowLocal?: boolean;
}

/**
 * Sends the alert outbox: mail through the SMTP relay, events to the organization's webhook
 * signed as command webhooks are (webhook-signature.ts). A failed attempt is recorded with its
 * error and retried with backoff; out of attempts the message stays, dead, with its last error.
 * The outbox lives in the store, so nothing is lost when a node stops.
 */
export class AlertDispatcher {
  private readonly sender: WebhookSender;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly store: AlertStore,
    private readonly webhooks: Pick<WebhookStore, 'getWebhook'>,
    /** null when no SMTP relay is configured: mail then fails with that reason. */
    private readonly mailer: AlertMailer | null,
    private readonly settings: AlertDispatchSettings,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    if (settings.maxAttempts < 1) throw new Error('alert maxAttempts must be at least 1');
    const timeout = settings.webhookTimeoutMs ?? 10_000;
    this.sender = new WebhookSender(timeout, settings.webhookAllowLocal === true);
    this.concurrency = settings.concurrency ?? 8;
    this.leaseMs = Math.max(settings.leaseMs ?? 120_000, timeout + 1000);
  }

  /** Polls every pollMs. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.settings.pollMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops polling and waits for the attempts under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.sender.close();
    this.mailer?.close();
  }

  /** Claims and sends the due messages; resolves with how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.store.claimDueMessages(this.clock(), this.concurrency, this.leaseMs);
    await Promise.all(claimed.map((m) => this.send(m).catch(this.onError)));
    return claimed.length;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }

  private async send(message: AlertMessageRecord): Promise<void> {
    let error: string | null;
    try {
      error = message.channel === 'email' ? await this.mail(message) : await this.post(message);
    } catch (cause) {
      error = errorText(cause);
    }
    if (error === null) return this.store.markMessageSent(message.id, this.clock());
    const next =
      message.attempts >= this.settings.maxAttempts
        ? null
        : this.clock() + webhookRetryDelayMs(message.attempts, this.settings.retryBaseMs);
    await this.store.markMessageFailed(message.id, error.slice(0, 500), next);
  }

  private async mail(message: AlertMessageRecord): Promise<string | null> {
    if (!this.mailer) return 'no SMTP relay is configured (smtpHost)';
    await this.mailer.send({ to: message.recipients, subject: message.subject, text: message.body });
    return null;
  }

  private async post(message: AlertMessageRecord): Promise<string | null> {
    const org = message.recipients[0] ?? '';
    const config: WebhookConfig | null = await this.webhooks.getWebhook(org);
    if (!config) return `organization ${org} has no webhook`;
    if (!config.enabled) return `the webhook of ${org} is disabled`;
    const timestamp = String(this.clock());
    const answer = await this.sender.post(new URL(config.url), message.body, {
      [WEBHOOK_HEADERS.event]: message.subject,
      [WEBHOOK_HEADERS.delivery]: message.id,
      [WEBHOOK_HEADERS.timestamp]: timestamp,
      [WEBHOOK_HEADERS.signature]: signWebhook(config.secret, timestamp, message.body),
    });
    if (answer.status >= 200 && answer.status < 300) return null;
    const snippet = answer.snippet.trim().replace(/\s+/g, ' ').slice(0, 200);
    return `HTTP ${answer.status}${snippet ? `: ${snippet}` : ''}`;
  }
}

/** An error as text; Node's network errors carry a code and sometimes no message. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  return [code, error.message].filter((part) => part.length > 0).join(': ') || error.name;
}
