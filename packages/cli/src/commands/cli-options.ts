import { InvalidArgumentError } from 'commander';

/** Parses a whole number option within bounds, with an error that names the option. */
export function integerOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Parses an option holding a JSON object (command parameters). */
export function jsonObjectOption(name: string): (value: string) => Record<string, unknown> {
  return (value) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new InvalidArgumentError(`${name} is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InvalidArgumentError(`${name} must be a JSON object, such as '{"script": "uptime"}'`);
    return parsed as Record<string, unknown>;
  };
}

/** Parses a date-time option into ISO 8601, so a typo is caught before the request. */
export function timeOption(name: string): (value: string) => string {
  return (value) => {
    const ms = Date.parse(value);
    if (Number.isNaN(ms))
      throw new InvalidArgumentError(`${name} must be a date and time, such as 2026-11-22T08:00:00Z`);
    return new Date(ms).toISOString();
  };
}

/** Splits a comma-separated list of ids, refusing empty entries. */
export function idListOption(name: string): (value: string) => string[] {
  return (value) => {
    const ids = value.split(',').map((id) => id.trim());
    if (ids.some((id) => id === '')) throw new InvalidArgumentError(`${name} has an empty id: "${value}"`);
    return ids;
  };
}

/** The query string of the options that are set (undefined ones are left out). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Parses a number of seconds from 1 to `max`, or "never" (returned as null, which the API
 * takes as no limit), with an error that names the option.
 */
export function secondsOrNever(name: string, max: number): (value: string) => number | null {
  const seconds = integerOption(name, 1, max);
  return (value) => {
    if (value.trim().toLowerCase() === 'never') return null;
    try {
      return seconds(value);
    } catch {
      throw new InvalidArgumentError(`${name} must be a number of seconds from 1 to ${max}, or "never"`);
    }
  };
}
