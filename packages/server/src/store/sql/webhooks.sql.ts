import type { Kysely, Selectable } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type { WebhookConfig, WebhookDelivery, WebhookDeliveryStatus, WebhookStore } from '../webhook-record';
import type { Dialect } from './dialect';
import { inScope } from './scope.sql';
import type { WebhookDeliveriesTable, WebhookTables } from './webhook.schema';

// Rows per INSERT, well inside SQLite's and PostgreSQL's bound-parameter limits (6 per row).
const INSERT_CHUNK = 1000;

const deliveryFromRow = (r: Selectable<WebhookDeliveriesTable>): WebhookDelivery => ({
  id: r.id,
  orgId: r.org_id,
  event: r.event,
  status: r.status as WebhookDeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
});

/**
 * The webhook store in SQL. On PostgreSQL claiming locks the chosen rows with SKIP LOCKED, so
 * two server nodes polling at once split the due deliveries instead of both sending them;
 * SQLite has one writer at a time, so its transaction alone is enough.
 */
export function sqlWebhookStore<DB extends WebhookTables>(
  database: Kysely<DB>,
  dialect: Dialect,
): WebhookStore {
  // Kysely's table parameter is invariant, so the full Database cannot be passed as
  // Kysely<WebhookTables>; the constraint above guarantees the tables exist.
  const db = database as unknown as Kysely<WebhookTables>;
  return {
    async putWebhook(config) {
      await db
        .insertInto('webhooks')
        .values({
          org_id: config.orgId,
          url: config.url,
          secret: config.secret,
          enabled: config.enabled ? 1 : 0,
          created_at: config.createdAt,
        })
        .onConflict((c) =>
          c.column('org_id').doUpdateSet({
            url: config.url,
            secret: config.secret,
            enabled: config.enabled ? 1 : 0,
          }),
        )
        .execute();
    },

    async getWebhook(orgId) {
      const row = await db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).executeTakeFirst();
      return row ? webhookFromRow(row) : null;
    },

    async deleteWebhook(orgId) {
      return db.transaction().execute(async (trx) => {
        // Queued deliveries cannot be sent or retried without the endpoint and its secret.
        await trx.deleteFrom('webhook_deliveries').where('org_id', '=', orgId).execute();
        const result = await trx.deleteFrom('webhooks').where('org_id', '=', orgId).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    async listEnabled() {
      const rows = await db.selectFrom('webhooks').selectAll().where('enabled', '=', 1).execute();
      return rows.map(webhookFromRow);
    },

    async enqueueDeliveries(rows) {
      if (rows.length === 0) return;
      const values = rows.map((r) => ({
        id: r.id,
        org_id: r.orgId,
        event: r.event,
        status: 'pending',
        attempts: 0,
        next_attempt_at: r.nextAttemptAt,
        created_at: r.createdAt,
      }));
      if (values.length <= INSERT_CHUNK) {
        await db.insertInto('webhook_deliveries').values(values).execute();
        return;
      }
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < values.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('webhook_deliveries')
            .values(values.slice(i, i + INSERT_CHUNK))
            .execute();
        }
      });
    },

    async claimDue(now, limit, leaseMs) {
      return db.transaction().execute(async (trx) => {
        let pick = trx
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(limit);
        if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
        const ids = (await pick.execute()).map((r) => r.id);
        if (ids.length === 0) return [];
        const claimed = await trx
          .updateTable('webhook_deliveries')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: now + leaseMs }))
          .where('id', 'in', ids)
          .where('status', '=', 'pending')
          .returningAll()
          .execute();
        return claimed.map(deliveryFromRow).sort((a, b) => a.createdAt - b.createdAt);
      });
    },

    async markDelivered(id, now) {
      await db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivered', delivered_at: now, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async markFailed(id, error, nextAttemptAt) {
      await db
        .updateTable('webhook_deliveries')
        .set(
          nextAttemptAt === null
            ? { status: 'dead', last_error: error }
            : { last_error: error, next_attempt_at: nextAttemptAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async getDelivery(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'org_id', null))
        .executeTakeFirst();
      return row ? deliveryFromRow(row) : null;
    },

    async listDeadLetters(orgId, limit, scope = EVERYTHING) {
      let query = db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('status', '=', 'dead')
        .where(inScope(scope, 'org_id', null))
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit);
      if (orgId !== null) query = query.where('org_id', '=', orgId);
      return (await query.execute()).map(deliveryFromRow);
    },

    async retryDeadLetter(id, now) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async deleteDeliveredBefore(cutoff, limit) {
      // Select then delete, since DELETE ... LIMIT is not portable; one small batch per call.
      const ids = (
        await db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '=', 'delivered')
          .where('delivered_at', '<', cutoff)
          .limit(limit)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      const result = await db.deleteFrom('webhook_deliveries').where('id', 'in', ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function webhookFromRow(r: Selectable<WebhookTables['webhooks']>): WebhookConfig {
  return {
    orgId: r.org_id,
    url: r.url,
    secret: r.secret,
    enabled: Number(r.enabled) === 1,
    createdAt: Number(r.created_at),
  };
}
