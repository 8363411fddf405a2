/**
 * Kysely types of the webhook tables (migration 004). Kept apart from store/sql/schema.ts so
 * the webhook store compiles on its own; `Database` extends this interface to see them too.
 * Times are epoch milliseconds, `enabled` is 0/1 and `event` is the JSON body as sent.
 */
export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

/** One webhook endpoint per organization. */
export interface WebhooksTable {
  org_id: string;
  url: string;
  secret: string;
  enabled: number;
  created_at: number;
}

/** The delivery outbox: one row per event and endpoint, kept after delivery for a while. */
export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}
