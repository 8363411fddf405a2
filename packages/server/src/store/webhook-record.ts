/** Webhook endpoints of organizations and their delivery outbox: what the store keeps. */

import type { ScopeFilter } from '../access/scope';

/** Where a delivery stands: waiting (or being sent), done, or given up on. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';

/** An organization's webhook endpoint. */
export interface WebhookConfig {
  orgId: string;
  url: string;
  /** HMAC-SHA256 key shared with the receiver. */
  secret: string;
  enabled: boolean;
  createdAt: number;
}

/** A delivery to queue. */
export interface NewWebhookDelivery {
  id: string;
  orgId: string;
  /** The JSON body, exactly as it will be sent (every attempt sends the same bytes). */
  event: string;
  createdAt: number;
  nextAttemptAt: number;
}

/** A queued, sent or dead delivery. */
export interface WebhookDelivery {
  id: string;
  orgId: string;
  /** The JSON body, exactly as sent. */
  event: string;
  status: WebhookDeliveryStatus;
  /** Attempts started so far, the one just claimed included. */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** Webhook endpoints and their delivery outbox. */
export interface WebhookStore {
  /** Creates or replaces an organization's webhook; a replaced one keeps its createdAt. */
  putWebhook(config: WebhookConfig): Promise<void>;
  getWebhook(orgId: string): Promise<WebhookConfig | null>;
  /** Removes the webhook and every delivery of the organization; false when there was none. */
  deleteWebhook(orgId: string): Promise<boolean>;
  /** Every enabled webhook. */
  listEnabled(): Promise<WebhookConfig[]>;
  /** Queues deliveries as pending, all or none. */
  enqueueDeliveries(rows: readonly NewWebhookDelivery[]): Promise<void>;
  /**
   * Claims up to `limit` pending deliveries due at `now`, oldest first: counts the attempt and
   * moves their next attempt `leaseMs` ahead, so no other claimer (another node included) takes
   * them while this one sends. A claimer that dies simply lets the lease run out.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]>;
  /** Marks a pending delivery delivered. */
  markDelivered(id: string, now: number): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or dead when it is null. */
  markFailed(id: string, error: string, nextAttemptAt: number | null): Promise<void>;
  /** A delivery, when it exists and its organization is in scope (omitted: everything). */
  getDelivery(id: string, scope?: ScopeFilter): Promise<WebhookDelivery | null>;
  /**
   * Dead deliveries, newest first, of one organization or of all when `orgId` is null; only
   * of organizations in scope (a webhook belongs to its organization, not to a machine).
   */
  listDeadLetters(orgId: string | null, limit: number, scope?: ScopeFilter): Promise<WebhookDelivery[]>;
  /** Puts a dead delivery back to pending, due now, with fresh attempts; false unless it was dead. */
  retryDeadLetter(id: string, now: number): Promise<boolean>;
  /** Deletes up to `limit` deliveries delivered before `cutoff`; returns how many. */
  deleteDeliveredBefore(cutoff: number, limit: number): Promise<number>;
}
