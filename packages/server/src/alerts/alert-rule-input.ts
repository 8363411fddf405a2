import { invalidInput } from '../domain/errors';
import type { AlertCondition } from '../store/alert-record';

/** Every condition an alert rule may watch. */
export const ALERT_CONDITIONS: readonly AlertCondition[] = [
  'offline',
  'never-checked-in',
  'warning',
  'command-failed',
];

/** The conditions evaluated on a timer over machine rows; they take `minutes`. */
export const TIMED_CONDITIONS: readonly AlertCondition[] = ['offline', 'never-checked-in'];

/** What an administrator gives for an alert rule. */
export interface AlertRuleInput {
  name: string;
  /** A machine group id (`group.org`) or an organization id. */
  group: string;
  condition: string;
  /** offline: minutes offline; never-checked-in: minutes since enrollment. Required for those. */
  minutes?: number | null;
  emails?: string[];
  webhook?: boolean;
  enabled?: boolean;
}

/** A rule input checked and normalized (the group's existence is checked by the service). */
export interface ParsedAlertRule {
  name: string;
  groupId: string;
  condition: AlertCondition;
  minutes: number | null;
  emails: string[];
  webhook: boolean;
  enabled: boolean;
}

// A week: anything longer is surely a mistake in units.
const MAX_MINUTES = 7 * 24 * 60;
const MAX_EMAILS = 50;
const GROUP_ID = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;
// Deliberately plain: one @, no spaces or angle brackets (nothing that could add a header).
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** Checks a rule input; every problem is an invalid-input error naming the field. */
export function parseAlertRule(input: AlertRuleInput): ParsedAlertRule {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw invalidInput('name: 1 to 200 characters');
  const groupId = input.group.trim().toLowerCase();
  if (!GROUP_ID.test(groupId) || groupId.length > 253) {
    throw invalidInput(
      `group: "${input.group}" is not a machine group or organization id (e.g. office.acme or acme)`,
    );
  }
  if (!(ALERT_CONDITIONS as readonly string[]).includes(input.condition)) {
    throw invalidInput(`condition: "${input.condition}" is unknown; known: ${ALERT_CONDITIONS.join(', ')}`);
  }
  const condition = input.condition as AlertCondition;
  const timed = TIMED_CONDITIONS.includes(condition);
  const minutes = input.minutes ?? null;
  if (timed) {
    if (minutes === null) throw invalidInput(`minutes: required for the ${condition} condition`);
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_MINUTES) {
      throw invalidInput(`minutes: a whole number from 0 to ${MAX_MINUTES}, got ${minutes}`);
    }
  } else if (minutes !== null) {
    throw invalidInput(`minutes: only the offline and never-checked-in conditions take minutes`);
  }
  const emails = [...new Set((input.emails ?? []).map((e) => e.trim()))];
  if (emails.length > MAX_EMAILS) throw invalidInput(`emails: at most ${MAX_EMAILS}`);
  const bad = emails.filter((e) => !EMAIL.test(e) || e.length > 254);
  if (bad.length > 0) throw invalidInput(`emails: not an email address: ${bad.join(', ')}`);
  return {
    name,
    groupId,
    condition,
    minutes: timed ? minutes : null,
    emails,
    webhook: input.webhook ?? false,
    enabled: input.enabled ?? true,
  };
}
