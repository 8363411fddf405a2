/** Alert rules, the alerts they raise, maintenance windows and the alert mail outbox: what the store keeps. */

import type { ScopeFilter } from '../access/scope';

/**
 * What an alert rule watches. `offline` and `never-checked-in` are conditions of the machine
 * rows, evaluated on a timer; `warning` and `command-failed` are events, raised when they happen.
 */
export type AlertCondition = 'offline' | 'never-checked-in' | 'warning' | 'command-failed';

/** An alert rule of a machine group (the group and its subgroups) or of a whole organization. */
export interface AlertRuleRecord {
  id: string;
  name: string;
  /** A machine group id (`group.org`) or an organization id: the rule covers it and everything under it. */
  groupId: string;
  condition: AlertCondition;
  /** offline: minutes offline; never-checked-in: minutes since enrollment; null for events. */
  minutes: number | null;
  /** Mail recipients of the rule's alerts (none: listed only, or webhook only). */
  emails: string[];
  /** Send the alerts to the organization's signed webhook too. */
  webhook: boolean;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Where an alert stands. */
export type AlertState = 'firing' | 'resolved';

/** An alert: one rule's condition holding for one machine. */
export interface AlertRecord {
  id: string;
  ruleId: string;
  ruleName: string;
  condition: AlertCondition;
  machineId: string;
  groupId: string;
  /** What distinguishes this alert from others of the same rule and machine ('' for conditions). */
  detail: string;
  state: AlertState;
  message: string;
  firedAt: number;
  resolvedAt: number | null;
}

/** A message to send about an alert, written in the same transaction as the alert's change. */
export interface NewAlertMessage {
  id: string;
  /** `email` (recipients: the addresses) or `webhook` (recipient: the organization). */
  channel: 'email' | 'webhook';
  recipients: string[];
  subject: string;
  body: string;
}

/** An alert to open, with the messages announcing it. */
export interface NewAlert {
  id: string;
  ruleId: string;
  ruleName: string;
  condition: AlertCondition;
  machineId: string;
  groupId: string;
  detail: string;
  message: string;
  firedAt: number;
  messages: NewAlertMessage[];
}

/** Where a message stands: waiting (or being sent), sent, or given up on. */
export type AlertMessageStatus = 'pending' | 'sent' | 'dead';

/** A message of the alert outbox. */
export interface AlertMessageRecord {
  id: string;
  alertId: string;
  channel: 'email' | 'webhook';
  recipients: string[];
  subject: string;
  body: string;
  status: AlertMessageStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

/** A machine found holding a rule's condition with no open alert for it. */
export interface AlertCandidate {
  ruleId: string;
  machineId: string;
  groupId: string;
}

/** What the timer evaluates: an enabled rule over machine rows. */
export interface MachineRuleCheck {
  ruleId: string;
  condition: 'offline' | 'never-checked-in';
  groupId: string;
  /** Machines offline (or enrolled and silent) since at or before this time hold the condition. */
  cutoff: number;
  /**
   * An incremental read: only machines that crossed the cutoff after this time (exclusive),
   * since earlier ones were read by a previous evaluation, plus `machines` (offline only: ones
   * that disconnected lately, whose last check-in may lie before this time). Absent: all.
   */
  after?: number;
  machines?: readonly string[];
}

/** A maintenance window of one machine or of a group (with its subgroups) or organization. */
export interface MaintenanceWindowRecord {
  id: string;
  /** The machine, for a machine's window; null for a group's. */
  machineId: string | null;
  /** The group (or organization) of a group's window; the machine's group for a machine's. */
  groupId: string;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdAt: number;
}

/** Alert rules, alerts, maintenance windows and the alert outbox. */
export interface AlertStore {
  /** Creates or replaces a rule (by id); a replaced one keeps its createdAt. */
  putRule(rule: AlertRuleRecord): Promise<void>;
  /** A rule, when it exists and its group is in scope. */
  getRule(id: string, scope?: ScopeFilter): Promise<AlertRuleRecord | null>;
  /** Rules in scope, by name then id. */
  listRules(scope?: ScopeFilter): Promise<AlertRuleRecord[]>;
  /** Every enabled rule (the evaluator's input; rules are few). */
  enabledRules(): Promise<AlertRuleRecord[]>;
  /**
   * Deletes a rule in scope and resolves its open alerts, without messages (nobody asked to
   * hear about a rule that is gone); false when it did not exist.
   */
  deleteRule(id: string, now: number, scope?: ScopeFilter): Promise<boolean>;
  /**
   * The machines holding a timed rule's condition without an open alert of that rule, in one
   * statement for all the rules (each part a range of a machine-list index), at most `limit`.
   */
  machineAlertCandidates(checks: readonly MachineRuleCheck[], limit: number): Promise<AlertCandidate[]>;
  /** Open alerts of timed conditions whose machine no longer holds them (or is gone), at most `limit`. */
  clearedMachineAlerts(limit: number): Promise<string[]>;
  /**
   * Opens alerts and queues their messages in one transaction. An alert already open (same
   * rule, machine and detail) is left as it is, with no messages: every alert fires once, also
   * when two server nodes evaluate at the same time. Returns the alerts opened.
   */
  openAlerts(alerts: readonly NewAlert[], now: number): Promise<AlertRecord[]>;
  /**
   * Resolves open alerts and queues the messages each gets (by alert id), in one transaction;
   * alerts already resolved are skipped. Returns the alerts resolved.
   */
  resolveAlerts(
    ids: readonly string[],
    now: number,
    messagesOf: (alert: AlertRecord) => NewAlertMessage[],
  ): Promise<AlertRecord[]>;
  /**
   * Open alerts of the given rules on the given machines (every detail), for event conditions
   * that clear; any number of machines, read in chunks of 1,000.
   */
  openAlertsOf(ruleIds: readonly string[], machineIds: readonly string[]): Promise<AlertRecord[]>;
  /** Alerts in scope, newest first, of one state or both. */
  listAlerts(query: { state?: AlertState; limit: number }, scope?: ScopeFilter): Promise<AlertRecord[]>;
  /** An alert in scope. */
  getAlert(id: string, scope?: ScopeFilter): Promise<AlertRecord | null>;
  /** Creates a maintenance window. */
  createWindow(window: MaintenanceWindowRecord): Promise<void>;
  /** Windows in scope that end after `now`, by start. */
  listWindows(now: number, scope?: ScopeFilter): Promise<MaintenanceWindowRecord[]>;
  /** Windows in force at `now` (few: the evaluator reads them every tick). */
  activeWindows(now: number): Promise<MaintenanceWindowRecord[]>;
  /** Deletes a window in scope; false when unknown. */
  deleteWindow(id: string, scope?: ScopeFilter): Promise<boolean>;
  /**
   * Claims up to `limit` pending messages due at `now`, oldest first: counts the attempt and
   * hides them for `leaseMs`, so no other node sends them meanwhile.
   */
  claimDueMessages(now: number, limit: number, leaseMs: number): Promise<AlertMessageRecord[]>;
  markMessageSent(id: string, now: number): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or dead when it is null. */
  markMessageFailed(id: string, error: string, nextAttemptAt: number | null): Promise<void>;
  /** The messages of an alert, oldest first. */
  messagesOf(alertId: string): Promise<AlertMessageRecord[]>;
}
