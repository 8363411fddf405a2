import type { AlertCondition, AlertRule, AlertRuleBody, MaintenanceWindowBody } from './alerts-api';

/**
 * The conditions the API offers: `label` in the rule form, `short` in the alert list; `timed`
 * ones take minutes.
 */
export const CONDITIONS: ReadonlyArray<{
  value: AlertCondition;
  label: string;
  short: string;
  timed: boolean;
}> = [
  { value: 'offline', label: 'Machine offline longer than N minutes', short: 'Offline', timed: true },
  {
    value: 'never-checked-in',
    label: 'Agent never checked in N minutes after enrollment',
    short: 'Never checked in',
    timed: true,
  },
  { value: 'warning', label: 'A warning about the machine', short: 'Warning', timed: false },
  { value: 'command-failed', label: 'A command failed', short: 'Command failed', timed: false },
];

/** What the warning condition covers: the warnings the server raises about machines. */
export const WARNING_KINDS =
  'duplicate account, LAN through gateway, local server inactive, offsite corruption';

/** Whether a condition takes minutes. */
export function isTimed(condition: AlertCondition): boolean {
  return CONDITIONS.some((c) => c.value === condition && c.timed);
}

/** The rule form as typed. */
export interface RuleDraft {
  name: string;
  group: string;
  condition: AlertCondition;
  minutes: string;
  /** Addresses separated by commas, blanks or new lines. */
  emails: string;
  webhook: boolean;
  enabled: boolean;
}

/** An empty rule form: machine offline for 10 minutes. */
export const EMPTY_RULE: RuleDraft = {
  name: '',
  group: '',
  condition: 'offline',
  minutes: '10',
  emails: '',
  webhook: false,
  enabled: true,
};

/**
 * The body a rule form sends. Nothing is judged here: the server checks every field and its
 * refusal names the field, so the form shows that. Minutes go only with timed conditions
 * (empty: none, which the server refuses for those).
 */
export function ruleBody(d: RuleDraft): AlertRuleBody {
  const minutes = d.minutes.trim();
  return {
    name: d.name.trim(),
    group: d.group.trim(),
    condition: d.condition,
    minutes: isTimed(d.condition) && minutes !== '' ? Number(minutes) : null,
    emails: d.emails.split(/[\s,;]+/).filter((e) => e !== ''),
    webhook: d.webhook,
    enabled: d.enabled,
  };
}

/** A rule's settings in the form, for editing. */
export function ruleDraft(rule: AlertRule): RuleDraft {
  return {
    name: rule.name,
    group: rule.group,
    condition: rule.condition,
    minutes: rule.minutes === null ? '' : String(rule.minutes),
    emails: rule.emails.join(', '),
    webhook: rule.webhook,
    enabled: rule.enabled,
  };
}

/** A maintenance window form as typed; times as a datetime-local field holds them (local time). */
export interface WindowDraft {
  target: 'group' | 'machine';
  /** The group (or organization) id, or the machine id. */
  id: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as a datetime-local field shows it: local, to the minute. */
export function localInputTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A new window form: from now, for an hour. */
export function emptyWindow(now: number): WindowDraft {
  return {
    target: 'group',
    id: '',
    startsAt: localInputTime(now),
    endsAt: localInputTime(now + 3600_000),
    reason: '',
  };
}

/** A datetime-local value in ISO 8601 (UTC); what is not a time goes as typed, for the server to refuse. */
function isoTime(local: string): string {
  const ms = new Date(local).getTime();
  return local.trim() === '' || Number.isNaN(ms) ? local : new Date(ms).toISOString();
}

/** The body a window form sends: the machine or the group, as chosen. */
export function windowBody(d: WindowDraft): MaintenanceWindowBody {
  const body: MaintenanceWindowBody = { startsAt: isoTime(d.startsAt), endsAt: isoTime(d.endsAt) };
  if (d.target === 'machine') body.machine = d.id.trim();
  else body.group = d.id.trim();
  if (d.reason.trim() !== '') body.reason = d.reason.trim();
  return body;
}
