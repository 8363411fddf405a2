import { type Kysely, type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type {
  AlertCandidate,
  AlertCondition,
  AlertMessageRecord,
  AlertMessageStatus,
  AlertRecord,
  AlertRuleRecord,
  AlertState,
  AlertStore,
  MaintenanceWindowRecord,
  NewAlertMessage,
} from '../alert-record';
import type { AlertMessagesTable, AlertRulesTable, AlertsTable, AlertTables } from './alert.schema';
import type { Dialect } from './dialect';
import { inScope } from './scope.sql';

// Rows per INSERT, well inside both databases' bound-parameter limits (12 per row at most).
const INSERT_CHUNK = 500;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What makes an alert "the same": one open alert per rule, machine and detail. */
export function alertOpenKey(ruleId: string, machineId: string, detail: string): string {
  return `${ruleId}|${machineId}|${detail}`;
}

/** `column` is `group` or under it (the scope rule, see scope.sql.ts), with the pattern bound as text. */
function underGroup(column: string, group: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(column)} = ${group} or ${sql.ref(column)} like cast(${`%.${escapeLike(group)}`} as text) escape '\\')`;
}

const ruleFromRow = (r: Selectable<AlertRulesTable>): AlertRuleRecord => ({
  id: r.id,
  name: r.name,
  groupId: r.group_id,
  condition: r.condition as AlertCondition,
  minutes: r.minutes === null ? null : Number(r.minutes),
  emails: JSON.parse(r.emails) as string[],
  webhook: Number(r.webhook) === 1,
  enabled: Number(r.enabled) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const alertFromRow = (r: Selectable<AlertsTable>): AlertRecord => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  condition: r.condition as AlertCondition,
  machineId: r.machine_id,
  groupId: r.group_id,
  detail: r.detail,
  state: r.state as AlertState,
  message: r.message,
  firedAt: Number(r.fired_at),
  resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
});

const messageFromRow = (r: Selectable<AlertMessagesTable>): AlertMessageRecord => ({
  id: r.id,
  alertId: r.alert_id,
  channel: r.channel as 'email' | 'webhook',
  recipients: JSON.parse(r.recipients) as string[],
  subject: r.subject,
  body: r.body,
  status: r.status as AlertMessageStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  sentAt: r.sent_at === null ? null : Number(r.sent_at),
});

const windowFromRow = (r: Selectable<AlertTables['maintenance_windows']>): MaintenanceWindowRecord => ({
  id: r.id,
  machineId: r.machine_id,
  groupId: r.group_id,
  startsAt: Number(r.starts_at),
  endsAt: Number(r.ends_at),
  reason: r.reason,
  createdAt: Number(r.created_at),
});

const messageRow = (alertId: string, m: NewAlertMessage, now: number) => ({
  id: m.id,
  alert_id: alertId,
  channel: m.channel,
  recipients: JSON.stringify(m.recipients),
  subject: m.subject,
  body: m.body,
  status: 'pending',
  attempts: 0,
  next_attempt_at: now,
  created_at: now,
});

/**
 * The alert store in SQL. The timed conditions are read from the machine-list keys of
 * migration 012: `seen_key` is the last check-in of a machine that is not connected (0 before
 * the first, the largest value while connected), so "offline since before T" is one range of
 * machines_seen_idx; `status_key` 1 is "enrolled, never checked in, not suspended", one range
 * of machines_status_idx. Claiming messages locks rows with SKIP LOCKED on PostgreSQL.
 */
export function sqlAlertStore<DB extends AlertTables>(database: Kysely<DB>, dialect: Dialect): AlertStore {
  // Kysely's table parameter is invariant (see webhooks.sql.ts).
  const db = database as unknown as Kysely<AlertTables>;
  return {
    async putRule(rule) {
      const values = {
        id: rule.id,
        name: rule.name,
        group_id: rule.groupId,
        condition: rule.condition,
        minutes: rule.minutes,
        emails: JSON.stringify(rule.emails),
        webhook: rule.webhook ? 1 : 0,
        enabled: rule.enabled ? 1 : 0,
        created_at: rule.createdAt,
        updated_at: rule.updatedAt,
      };
      const { id: _id, created_at: _created, ...changes } = values;
      await db
        .insertInto('alert_rules')
        .values(values)
        .onConflict((c) => c.column('id').doUpdateSet(changes))
        .execute();
    },

    async getRule(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('alert_rules')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', null))
        .executeTakeFirst();
      return row ? ruleFromRow(row) : null;
    },

    async listRules(scope = EVERYTHING) {
      const rows = await db
        .selectFrom('alert_rules')
        .selectAll()
        .where(inScope(scope, 'group_id', null))
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(ruleFromRow);
    },

    async enabledRules() {
      const rows = await db.selectFrom('alert_rules').selectAll().where('enabled', '=', 1).execute();
      return rows.map(ruleFromRow);
    },

    async deleteRule(id, now, scope = EVERYTHING) {
      return db.transaction().execute(async (trx) => {
        const deleted = await trx
          .deleteFrom('alert_rules')
          .where('id', '=', id)
          .where(inScope(scope, 'group_id', null))
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return false;
        await trx
          .updateTable('alerts')
          .set({ state: 'resolved', open_key: null, resolved_at: now })
          .where('rule_id', '=', id)
          .where('open_key', 'is not', null)
          .execute();
        return true;
      });
    },

    async machineAlertCandidates(checks, limit) {
      if (checks.length === 0) return [];
      const parts = checks.map((c) => {
        let condition =
          c.condition === 'offline'
            ? sql`m.seen_key > 0 and m.seen_key <= ${c.cutoff} and m.suspended = 0`
            : sql`m.status_key = 1 and m.created_at <= ${c.cutoff}`;
        if (c.after !== undefined) {
          const recent =
            c.condition === 'offline' ? sql`m.seen_key > ${c.after}` : sql`m.created_at > ${c.after}`;
          const also = c.condition === 'offline' && c.machines && c.machines.length > 0 ? c.machines : null;
          condition = also
            ? sql`${condition} and (${recent} or m.id in (${sql.join(also)}))`
            : sql`${condition} and ${recent}`;
        }
        return sql`select cast(${c.ruleId} as text) as rule_id, m.id as machine_id, m.group_id as group_id
          from machines m
          where ${condition} and ${underGroup('m.group_id', c.groupId)}
            and not exists (select 1 from alerts a
              where a.open_key = cast(${`${c.ruleId}|`} as text) || m.id || '|')`;
      });
      const query = sql<{ rule_id: string; machine_id: string; group_id: string }>`select * from (${sql.join(
        parts,
        sql` union all `,
      )}) candidates limit ${limit}`;
      const { rows } = await query.execute(db);
      return rows.map(
        (r): AlertCandidate => ({ ruleId: r.rule_id, machineId: r.machine_id, groupId: r.group_id }),
      );
    },

    async clearedMachineAlerts(limit) {
      const { rows } = await sql<{ id: string }>`select a.id from alerts a
        left join machines m on m.id = a.machine_id
        where a.open_key is not null and a.condition in ('offline', 'never-checked-in')
          and (m.id is null or m.suspended = 1
            or (a.condition = 'offline' and m.connected = 1)
            or (a.condition = 'never-checked-in' and m.first_checkin_at is not null))
        limit ${limit}`.execute(db);
      return rows.map((r) => r.id);
    },

    async openAlerts(alerts, now) {
      if (alerts.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const opened: AlertRecord[] = [];
        for (let i = 0; i < alerts.length; i += INSERT_CHUNK) {
          const chunk = alerts.slice(i, i + INSERT_CHUNK);
          const rows = await trx
            .insertInto('alerts')
            .values(
              chunk.map((a) => ({
                id: a.id,
                rule_id: a.ruleId,
                rule_name: a.ruleName,
                condition: a.condition,
                machine_id: a.machineId,
                group_id: a.groupId,
                detail: a.detail,
                state: 'firing',
                open_key: alertOpenKey(a.ruleId, a.machineId, a.detail),
                message: a.message,
                fired_at: a.firedAt,
                resolved_at: null,
              })),
            )
            .onConflict((c) => c.column('open_key').doNothing())
            .returningAll()
            .execute();
          opened.push(...rows.map(alertFromRow));
        }
        const byId = new Map(alerts.map((a) => [a.id, a]));
        const messages = opened.flatMap((a) =>
          (byId.get(a.id)?.messages ?? []).map((m) => messageRow(a.id, m, now)),
        );
        for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('alert_messages')
            .values(messages.slice(i, i + INSERT_CHUNK))
            .execute();
        }
        return opened.sort((a, b) => a.firedAt - b.firedAt || a.id.localeCompare(b.id));
      });
    },

    async resolveAlerts(ids, now, messagesOf) {
      if (ids.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const resolved: AlertRecord[] = [];
        for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
          const rows = await trx
            .updateTable('alerts')
            .set({ state: 'resolved', open_key: null, resolved_at: now })
            .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
            .where('open_key', 'is not', null)
            .returningAll()
            .execute();
          resolved.push(...rows.map(alertFromRow));
        }
        const messages = resolved.flatMap((a) => messagesOf(a).map((m) => messageRow(a.id, m, now)));
        for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('alert_messages')
            .values(messages.slice(i, i + INSERT_CHUNK))
            .execute();
        }
        return resolved;
      });
    },

    async openAlertsOf(ruleIds, machineIds) {
      if (ruleIds.length === 0) return [];
      const open: AlertRecord[] = [];
      for (let i = 0; i < machineIds.length; i += 1000) {
        const rows = await db
          .selectFrom('alerts')
          .selectAll()
          .where('machine_id', 'in', machineIds.slice(i, i + 1000))
          .where('rule_id', 'in', ruleIds)
          .where('open_key', 'is not', null)
          .execute();
        open.push(...rows.map(alertFromRow));
      }
      return open;
    },

    async listAlerts(query, scope = EVERYTHING) {
      let q = db
        .selectFrom('alerts')
        .selectAll()
        .where(inScope(scope, 'group_id', 'machine_id'))
        .orderBy('fired_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit);
      if (query.state === 'firing') q = q.where('open_key', 'is not', null);
      if (query.state === 'resolved') q = q.where('open_key', 'is', null);
      return (await q.execute()).map(alertFromRow);
    },

    async getAlert(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('alerts')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', 'machine_id'))
        .executeTakeFirst();
      return row ? alertFromRow(row) : null;
    },

    async createWindow(window) {
      await db
        .insertInto('maintenance_windows')
        .values({
          id: window.id,
          machine_id: window.machineId,
          group_id: window.groupId,
          starts_at: window.startsAt,
          ends_at: window.endsAt,
          reason: window.reason,
          created_at: window.createdAt,
        })
        .execute();
    },

    async listWindows(now, scope = EVERYTHING) {
      const rows = await db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('ends_at', '>', now)
        .where(inScope(scope, 'group_id', 'machine_id'))
        .orderBy('starts_at')
        .orderBy('id')
        .execute();
      return rows.map(windowFromRow);
    },

    async activeWindows(now) {
      const rows = await db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('ends_at', '>', now)
        .where('starts_at', '<=', now)
        .execute();
      return rows.map(windowFromRow);
    },

    async deleteWindow(id, scope = EVERYTHING) {
      const result = await db
        .deleteFrom('maintenance_windows')
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', 'machine_id'))
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async claimDueMessages(now, limit, leaseMs) {
      return db.transaction().execute(async (trx) => {
        let pick = trx
          .selectFrom('alert_messages')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(limit);
        if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
        const ids = (await pick.execute()).map((r) => r.id);
        if (ids.length === 0) return [];
        const claimed = await trx
          .updateTable('alert_messages')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: now + leaseMs }))
          .where('id', 'in', ids)
          .where('status', '=', 'pending')
          .returningAll()
          .execute();
        return claimed
          .map(messageFromRow)
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
      });
    },

    async markMessageSent(id, now) {
      await db
        .updateTable('alert_messages')
        .set({ status: 'sent', sent_at: now, last_error: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async markMessageFailed(id, error, nextAttemptAt) {
      await db
        .updateTable('alert_messages')
        .set(
          nextAttemptAt === null
            ? { status: 'dead', last_error: error }
            : { last_error: error, next_attempt_at: nextAttemptAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async messagesOf(alertId) {
      const rows = await db
        .selectFrom('alert_messages')
        .selectAll()
        .where('alert_id', '=', alertId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(messageFromRow);
    },
  };
}
