/**
 * Kysely types of the alert tables (migration 013). Times are epoch milliseconds, booleans 0/1,
 * lists JSON text.
 */
export interface AlertTables {
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  maintenance_windows: MaintenanceWindowsTable;
  alert_messages: AlertMessagesTable;
}

/** One alert rule. */
export interface AlertRulesTable {
  id: string;
  name: string;
  group_id: string;
  condition: string;
  minutes: number | null;
  emails: string;
  webhook: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** Alerts, open and resolved. `open_key` is set while firing (unique), null once resolved. */
export interface AlertsTable {
  id: string;
  rule_id: string;
  rule_name: string;
  condition: string;
  machine_id: string;
  group_id: string;
  detail: string;
  state: string;
  open_key: string | null;
  message: string;
  fired_at: number;
  resolved_at: number | null;
}

/** Maintenance windows of a machine or a group. */
export interface MaintenanceWindowsTable {
  id: string;
  machine_id: string | null;
  group_id: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_at: number;
}

/** The alert outbox: mail and webhook messages, kept after sending. */
export interface AlertMessagesTable {
  id: string;
  alert_id: string;
  channel: string;
  recipients: string;
  subject: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}
