import { randomBytes, randomUUID } from 'node:crypto';
import { EVERYTHING, type ScopeFilter } from '../access/scope';
import { invalidInput, notFound } from '../domain/errors';
import type { CommandChange } from '../store/command-record';
import type {
  NewWebhookDelivery,
  WebhookConfig,
  WebhookDelivery,
  WebhookStore,
} from '../store/webhook-record';
import { webhookRetryDelayMs } from './webhook-backoff';
import { COMMAND_STATUS_EVENT, type CommandStatusWebhookEvent, commandStatusEvent } from './webhook-event';
import { WebhookSender } from './webhook-sender';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';
import { localHostProblem } from './webhook-target';

/** Tuning of the webhook dispatcher. */
export interface WebhookSettings {
  /** How often each node looks for due deliveries. */
  pollMs: number;
  /** Base of the exponential retry backoff. */
  retryBaseMs: number;
  /** Attempts before a delivery becomes a dead letter. */
  maxAttempts: number;
  /** Deliveries one node sends at once; default 32. */
  concurrency?: number;
  /** Deadline of one attempt; default 10 s. */
  requestTimeoutMs?: number;
  /**
   * How long a claimed delivery is hidden from other claimers; must outlast an attempt, since
   * it is only what stops a second node from sending the same delivery. Default 60 s.
   */
  leaseMs?: number;
  /** How long the enabled webhooks are cached for the command-change hot path; default 2 s. */
  configCacheMs?: number;
  /** How long delivered rows are kept; default 7 days. */
  deliveredRetentionMs?: number;
  /**
   * Whether webhook URLs may point at loopback or link-local addresses (webhook-target.ts);
   * default false, and then such URLs are refused when set and deliveries to names that
   * resolve there fail.
   */
  allowLocal?: boolean;
}

/** The settings `muster server` uses unless configured otherwise. */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { pollMs: 1000, retryBaseMs: 1000, maxAttempts: 8 };

/** What an administrator sets for an organization's webhook. */
export interface WebhookInput {
  url: string;
  /** Shared secret; when absent the existing one is kept, or a new one is generated. */
  secret?: string;
  /** Default true. */
  enabled?: boolean;
}

/** The result of configuring a webhook. */
export interface ConfiguredWebhook {
  org: string;
  url: string;
  enabled: boolean;
  /** Present only when the server generated the secret: it is shown this once and never again. */
  secret?: string;
}

/** A webhook as the API shows it: the secret itself never leaves the server. */
export interface WebhookView {
  org: string;
  url: string;
  enabled: boolean;
  hasSecret: boolean;
  createdAt: number;
}

/** A delivery that ran out of attempts. */
export interface DeadLetterView {
  id: string;
  org: string;
  /** The body that was sent. */
  event: CommandStatusWebhookEvent;
  attempts: number;
  lastError: string | null;
  createdAt: number;
}

const ORG_LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 256;
const MAX_URL_LENGTH = 2048;
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1000;

/**
 * Organization webhooks for command status changes. Changes are written to a delivery outbox
 * (`onCommandChanges`) and a dispatcher on every node sends them: each attempt is signed with
 * HMAC-SHA256, a failure is retried with full-jitter exponential backoff, and a delivery out of
 * attempts becomes a dead letter an administrator can list and retry.
 */
export class WebhookService {
  private readonly sender: WebhookSender;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly configCacheMs: number;
  private readonly retentionMs: number;
  private enabledCache: { at: number; configs: Promise<Map<string, WebhookConfig>> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<unknown>>();
  private inFlight = 0;
  private lastPurgeAt = 0;

  constructor(
    private readonly store: WebhookStore,
    private readonly settings: WebhookSettings,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    if (settings.maxAttempts < 1) throw new Error('webhook maxAttempts must be at least 1');
    const timeout = settings.requestTimeoutMs ?? 10_000;
    this.sender = new WebhookSender(timeout, settings.allowLocal === true);
    this.concurrency = settings.concurrency ?? 32;
    this.leaseMs = Math.max(settings.leaseMs ?? 60_000, timeout + 1000);
    this.configCacheMs = settings.configCacheMs ?? 2000;
    this.retentionMs = settings.deliveredRetentionMs ?? 7 * 86400_000;
  }

  /** Creates or replaces an organization's webhook. */
  async configure(org: string, input: WebhookInput): Promise<ConfiguredWebhook> {
    const orgId = parseOrg(org);
    const parsed = parseWebhookUrl(input.url);
    const local = this.settings.allowLocal === true ? null : localHostProblem(parsed);
    if (local) throw invalidInput(`the webhook URL is refused: ${local}`);
    const url = parsed.toString();
    const existing = await this.store.getWebhook(orgId);
    let generated: string | undefined;
    let secret = input.secret;
    if (secret !== undefined) {
      if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
        throw invalidInput(
          `the webhook secret must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters`,
        );
      }
    } else if (existing) {
      // Changing the URL or switching the webhook off must not break the receiver's verification.
      secret = existing.secret;
    } else {
      generated = randomBytes(32).toString('hex');
      secret = generated;
    }
    const enabled = input.enabled ?? true;
    await this.store.putWebhook({
      orgId,
      url,
      secret,
      enabled,
      createdAt: existing?.createdAt ?? this.clock(),
    });
    this.enabledCache = null;
    return generated === undefined
      ? { org: orgId, url, enabled }
      : { org: orgId, url, enabled, secret: generated };
  }

  /** An organization's webhook, without its secret. */
  async get(org: string): Promise<WebhookView> {
    const orgId = parseOrg(org);
    const config = await this.store.getWebhook(orgId);
    if (!config) throw notFound(`organization ${orgId} has no webhook`);
    return {
      org: config.orgId,
      url: config.url,
      enabled: config.enabled,
      hasSecret: config.secret.length > 0,
      createdAt: config.createdAt,
    };
  }

  /** Removes an organization's webhook and its queued and dead deliveries. */
  async remove(org: string): Promise<void> {
    const orgId = parseOrg(org);
    if (!(await this.store.deleteWebhook(orgId))) throw notFound(`organization ${orgId} has no webhook`);
    this.enabledCache = null;
  }

  /**
   * Queues one delivery per change whose organization has an enabled webhook; returns how many.
   * Called on the node where the changes happened, so each change is queued once however many
   * nodes run. Never rejects: the changes are already committed, so a failure here is reported
   * to onError instead of failing the operation that made them.
   */
  async onCommandChanges(changes: readonly CommandChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    try {
      const enabled = await this.enabledWebhooks();
      if (enabled.size === 0) return 0;
      const now = this.clock();
      const rows: NewWebhookDelivery[] = [];
      for (const change of changes) {
        if (!enabled.has(change.orgId)) continue;
        const id = randomUUID();
        rows.push({
          id,
          orgId: change.orgId,
          event: JSON.stringify(commandStatusEvent(id, change)),
          createdAt: now,
          nextAttemptAt: now,
        });
      }
      await this.store.enqueueDeliveries(rows);
      return rows.length;
    } catch (error) {
      this.onError(error);
      return 0;
    }
  }

  /** Starts polling for due deliveries every pollMs. */
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
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.sender.close();
  }

  /**
   * Claims the due deliveries this node has room for and sends them; resolves when those
   * attempts are recorded, with how many were attempted.
   */
  async runOnce(): Promise<number> {
    const free = this.concurrency - this.inFlight;
    if (free <= 0) return 0;
    // Reserved before the claim so an overlapping tick cannot claim past the limit.
    this.inFlight += free;
    let claimed: WebhookDelivery[];
    try {
      claimed = await this.store.claimDue(this.clock(), free, this.leaseMs);
    } finally {
      this.inFlight -= free;
    }
    this.inFlight += claimed.length;
    const configs = new Map<string, Promise<WebhookConfig | null>>();
    const configOf = (org: string) => {
      let config = configs.get(org);
      if (!config) {
        config = this.store.getWebhook(org);
        configs.set(org, config);
      }
      return config;
    };
    await Promise.all(
      claimed.map((delivery) =>
        this.deliver(delivery, configOf)
          .catch(this.onError)
          .finally(() => {
            this.inFlight -= 1;
          }),
      ),
    );
    return claimed.length;
  }

  /** Dead letters, newest first, of one organization or all. */
  /** Dead deliveries of organizations in scope (omitted: everything). */
  async deadLetters(org?: string, limit = 100, scope: ScopeFilter = EVERYTHING): Promise<DeadLetterView[]> {
    const orgId = org === undefined ? null : parseOrg(org);
    const rows = await this.store.listDeadLetters(orgId, limit, scope);
    return rows.map((d) => ({
      id: d.id,
      org: d.orgId,
      event: JSON.parse(d.event) as CommandStatusWebhookEvent,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt,
    }));
  }

  /** Sends a dead letter again, from its first attempt, at the next poll. */
  /** Retries a dead delivery of an organization in scope; out of scope it is unknown. */
  async retry(id: string, scope: ScopeFilter = EVERYTHING): Promise<void> {
    if (!(await this.store.getDelivery(id, scope)) || !(await this.store.retryDeadLetter(id, this.clock()))) {
      throw notFound(`no dead webhook delivery ${id}`);
    }
  }

  private tick(): void {
    this.track(this.runOnce());
    const now = this.clock();
    if (now - this.lastPurgeAt >= PURGE_EVERY_MS) {
      this.lastPurgeAt = now;
      this.track(this.store.deleteDeliveredBefore(now - this.retentionMs, PURGE_BATCH));
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(this.onError).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async deliver(
    delivery: WebhookDelivery,
    configOf: (org: string) => Promise<WebhookConfig | null>,
  ): Promise<void> {
    const config = await configOf(delivery.orgId);
    // Removing a webhook deletes its deliveries, so these are races with a change just made.
    if (!config) return this.store.markFailed(delivery.id, 'the organization has no webhook', null);
    if (!config.enabled) return this.store.markFailed(delivery.id, 'the webhook is disabled', null);
    const timestamp = String(this.clock());
    let error: string;
    try {
      const answer = await this.sender.post(new URL(config.url), delivery.event, {
        [WEBHOOK_HEADERS.event]: COMMAND_STATUS_EVENT,
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.signature]: signWebhook(config.secret, timestamp, delivery.event),
      });
      if (answer.status >= 200 && answer.status < 300) {
        return this.store.markDelivered(delivery.id, this.clock());
      }
      const snippet = answer.snippet.trim().replace(/\s+/g, ' ').slice(0, 200);
      error = `HTTP ${answer.status}${snippet ? `: ${snippet}` : ''}`;
    } catch (cause) {
      error = errorMessage(cause);
    }
    const next =
      delivery.attempts >= this.settings.maxAttempts
        ? null
        : this.clock() + webhookRetryDelayMs(delivery.attempts, this.settings.retryBaseMs);
    await this.store.markFailed(delivery.id, error, next);
  }

  private enabledWebhooks(): Promise<Map<string, WebhookConfig>> {
    const now = this.clock();
    if (this.enabledCache && now - this.enabledCache.at < this.configCacheMs)
      return this.enabledCache.configs;
    const configs = this.store.listEnabled().then((list) => new Map(list.map((c) => [c.orgId, c])));
    const entry = { at: now, configs };
    this.enabledCache = entry;
    // A failed read must not be served from the cache for the next two seconds.
    configs.catch(() => {
      if (this.enabledCache === entry) this.enabledCache = null;
    });
    return configs;
  }
}

/** An organization id: one machine-group label, lower-cased. */
function parseOrg(text: string): string {
  const org = text.trim().toLowerCase();
  if (!ORG_LABEL.test(org)) throw invalidInput(`"${text}" is not an organization id`);
  return org;
}

function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(`"${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidInput(`the webhook URL must be http or https, got ${url.protocol.slice(0, -1)}`);
  }
  if (text.length > MAX_URL_LENGTH) throw invalidInput(`the webhook URL is longer than ${MAX_URL_LENGTH}`);
  return url;
}

/** A network error as text; Node reports a refused connection as an AggregateError with no message. */
function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  return [code, error.message].filter((part) => part.length > 0).join(': ') || error.name;
}
