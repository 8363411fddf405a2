import { invalidInput } from './errors';

/**
 * A Machine.Group ID filter, meaning the same in every place that takes one (machine lists,
 * check-in control, commands, devices):
 *
 * - With a "*" wildcard it is a pattern over the whole id: "*.web.acme" (every machine in
 *   web.acme and its subgroups), "pc*.acme". "*" matches any run of characters, dots
 *   included, as administrators expect from the spec's Machine ID / Group ID filter.
 * - Without a wildcard it names a machine or a group: "pc1.web.acme" is that machine, and
 *   "web.acme" (or "acme") is every machine in that group (or organization) and its
 *   subgroups. A bare name thus means the id itself or "*." in front of it, whichever exists.
 *
 * "_" and "%" are literal characters: "_" is allowed in machine and group names.
 */
export interface MachineFilter {
  /** The filter as typed (trimmed, lower-case). */
  readonly text: string;
  /**
   * SQL LIKE patterns (with "\" as escape character, see store/sql/id-pattern.sql.ts); an id
   * matches the filter when it matches any of them.
   */
  readonly likePatterns: readonly string[];
  /** Whether a machine id matches. */
  matches(machineId: string): boolean;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\-]/g, '\\$&');

/** Parses a filter; throws invalid-input on characters a Machine.Group ID cannot contain. */
export function parseMachineFilter(text: string): MachineFilter {
  const filter = text.trim().toLowerCase();
  if (filter.length === 0 || filter.length > 300 || !/^[a-z0-9_.*-]+$/.test(filter)) {
    throw invalidInput(
      `"${text}" is not a machine filter: use machine/group names and "*" wildcards, such as "*.web.acme" or "web.acme"`,
    );
  }
  if (filter.includes('*')) {
    const likePattern = escapeLike(filter).replace(/\*/g, '%');
    const regex = new RegExp(`^${escapeRegex(filter).replace(/\*/g, '.*')}$`);
    return { text: filter, likePatterns: [likePattern], matches: (machineId) => regex.test(machineId) };
  }
  const suffix = `.${filter}`;
  return {
    text: filter,
    likePatterns: [escapeLike(filter), `%${escapeLike(suffix)}`],
    matches: (machineId) => machineId === filter || machineId.endsWith(suffix),
  };
}

/**
 * What every place that takes a filter says when it matched nothing, so an administrator
 * learns the same thing from machine lists, check-in control and commands.
 */
export function noMatchMessage(filter: MachineFilter, consequence: string): string {
  return `the filter "${filter.text}" matches no machine (a name without "*" means that machine, or that group and its subgroups); ${consequence}`;
}
