import { invalidInput } from './errors';

/**
 * A Machine.Group ID filter such as "*.web.acme" (every machine in web.acme and its
 * subgroups), "pc*.acme" or an exact id. "*" matches any run of characters, dots included, as
 * administrators expect from the spec's Machine ID / Group ID filter.
 */
export interface MachineFilter {
  /** The filter as typed. */
  readonly text: string;
  /** The SQL LIKE pattern equivalent (with "\" as escape character). */
  readonly likePattern: string;
  /** Whether a machine id matches. */
  matches(machineId: string): boolean;
}

/** Parses a filter; throws invalid-input on characters a Machine.Group ID cannot contain. */
export function parseMachineFilter(text: string): MachineFilter {
  const filter = text.trim().toLowerCase();
  if (filter.length === 0 || filter.length > 300 || !/^[a-z0-9_.*-]+$/.test(filter)) {
    throw invalidInput(
      `"${text}" is not a machine filter: use machine/group names and "*" wildcards, such as "*.web.acme"`,
    );
  }
  const likePattern = filter.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  const regex = new RegExp(`^${filter.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return { text: filter, likePattern, matches: (machineId) => regex.test(machineId) };
}
