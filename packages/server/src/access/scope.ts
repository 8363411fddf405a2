/**
 * Scopes say which data a person may touch: organizations, machine groups (a group includes
 * its subgroups) and single machines, each included or excluded. Within one scope an exclusion
 * wins over any inclusion. Groups are named like DNS with the organization last
 * (`eu.web.acme`), so an organization is simply the top-level group.
 */

/** What one scope entry names. */
export type ScopeEntryKind = 'organization' | 'group' | 'machine';

/** One line of a scope. */
export interface ScopeEntry {
  kind: ScopeEntryKind;
  /** An organization or group id (`web.acme`), or a machine id (`pc1.web.acme`). */
  id: string;
  include: boolean;
}

/** A scope's rules, ready to test an object or to become a SQL condition. */
export interface ScopeRules {
  /** Groups (organizations included) whose machines and objects are in, subgroups too. */
  readonly includeGroups: readonly string[];
  /** Machines in by name, whatever their group. */
  readonly includeMachines: readonly string[];
  /** Groups out, subgroups too; wins over every inclusion. */
  readonly excludeGroups: readonly string[];
  /** Machines out; wins over every inclusion. */
  readonly excludeMachines: readonly string[];
}

/**
 * What a caller may see for one permission: everything, or what any of its scopes contains
 * (a user holding two (role, scope) pairs that both grant the permission sees both scopes).
 */
export type ScopeFilter =
  | { readonly all: true }
  | { readonly all: false; readonly scopes: readonly ScopeRules[] };

/** The filter of the built-in master scope. */
export const EVERYTHING: ScopeFilter = { all: true };

/** Compiles a scope's entries into rules. */
export function compileScope(entries: readonly ScopeEntry[]): ScopeRules {
  const pick = (include: boolean, machine: boolean) =>
    entries.filter((e) => e.include === include && (e.kind === 'machine') === machine).map((e) => e.id);
  return {
    includeGroups: pick(true, false),
    includeMachines: pick(true, true),
    excludeGroups: pick(false, false),
    excludeMachines: pick(false, true),
  };
}

/** Whether `groupId` is `group` or one of its subgroups. */
export function inGroup(groupId: string, group: string): boolean {
  return groupId === group || groupId.endsWith(`.${group}`);
}

/**
 * Whether a scope holds an object. A machine is given with its id; an object that belongs to no
 * machine (a webhook of an organization, an install token of a group, a file) is given with
 * `machineId` null and is held only through its group or organization.
 */
export function rulesContain(rules: ScopeRules, groupId: string, machineId: string | null): boolean {
  if (rules.excludeGroups.some((g) => inGroup(groupId, g))) return false;
  if (machineId !== null && rules.excludeMachines.includes(machineId)) return false;
  if (rules.includeGroups.some((g) => inGroup(groupId, g))) return true;
  return machineId !== null && rules.includeMachines.includes(machineId);
}

/** Whether a filter holds an object (see rulesContain). */
export function filterContains(filter: ScopeFilter, groupId: string, machineId: string | null): boolean {
  return filter.all || filter.scopes.some((rules) => rulesContain(rules, groupId, machineId));
}
