import { invalidInput } from '../domain/errors';

/** What an administrator gives for a maintenance window: one machine or one group, and a time range. */
export interface MaintenanceWindowInput {
  /** A machine id; give this or `group`. */
  machine?: string;
  /** A machine group or organization id; give this or `machine`. */
  group?: string;
  /** ISO 8601 date-time. */
  startsAt: string;
  /** ISO 8601 date-time, after startsAt and after now. */
  endsAt: string;
  reason?: string;
}

/** A window input checked, times in epoch ms. */
export interface ParsedWindow {
  target: { kind: 'machine'; id: string } | { kind: 'group'; id: string };
  startsAt: number;
  endsAt: number;
  reason: string;
}

// A year: windows are for planned work, not for switching alerts off for good.
const MAX_WINDOW_MS = 366 * 86400_000;

function time(field: string, text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) {
    throw invalidInput(`${field}: "${text}" is not an ISO 8601 date-time (e.g. 2026-12-02T17:00:00Z)`);
  }
  return ms;
}

/** Checks a window input against the clock; every problem is an invalid-input error. */
export function parseMaintenanceWindow(input: MaintenanceWindowInput, now: number): ParsedWindow {
  const machine = input.machine?.trim().toLowerCase();
  const group = input.group?.trim().toLowerCase();
  if ((machine ? 1 : 0) + (group ? 1 : 0) !== 1) throw invalidInput('give either machine or group');
  const startsAt = time('startsAt', input.startsAt);
  const endsAt = time('endsAt', input.endsAt);
  if (endsAt <= startsAt) throw invalidInput('endsAt: the window must end after it starts');
  if (endsAt <= now) throw invalidInput('endsAt: the window has already ended');
  if (endsAt - startsAt > MAX_WINDOW_MS) throw invalidInput('the window may last at most 366 days');
  const reason = (input.reason ?? '').trim();
  if (reason.length > 500) throw invalidInput('reason: at most 500 characters');
  return {
    target: machine ? { kind: 'machine', id: machine } : { kind: 'group', id: group as string },
    startsAt,
    endsAt,
    reason,
  };
}
