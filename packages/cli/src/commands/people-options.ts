import { InvalidArgumentError } from 'commander';

/** A (role, scope) pair by name, as the API takes it. */
export interface GrantArg {
  role: string;
  scope: string;
}

/** One line of a scope, as the API takes it. */
export interface ScopeEntryArg {
  kind: 'organization' | 'group' | 'machine';
  id: string;
  include: boolean;
}

/** Collects a repeatable option into a list (commander calls it once per occurrence). */
export function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** Parses `--grant ROLE:SCOPE`. */
export function grantArg(value: string): GrantArg {
  const at = value.indexOf(':');
  const role = value.slice(0, at).trim();
  const scope = value.slice(at + 1).trim();
  if (at < 0 || !role || !scope)
    throw new InvalidArgumentError(`--grant is ROLE:SCOPE, such as technician:acme (got "${value}")`);
  return { role, scope };
}

const KINDS: Record<string, ScopeEntryArg['kind']> = {
  org: 'organization',
  organization: 'organization',
  group: 'group',
  machine: 'machine',
};

/** Parses `--include KIND:ID` / `--exclude KIND:ID` (KIND: org, group or machine). */
export function scopeEntryArg(include: boolean): (value: string) => ScopeEntryArg {
  const option = include ? '--include' : '--exclude';
  return (value) => {
    const at = value.indexOf(':');
    const kind = KINDS[value.slice(0, at).trim().toLowerCase()];
    const id = value.slice(at + 1).trim();
    if (at < 0 || !kind || !id)
      throw new InvalidArgumentError(
        `${option} is KIND:ID with KIND org, group or machine, such as org:acme, group:lab.acme or machine:pc1.web.acme (got "${value}")`,
      );
    return { kind, id, include };
  };
}

/** How a scope entry is written on the command line (org:acme, -group:lab.acme for an exclusion). */
export function entryText(e: ScopeEntryArg): string {
  const kind = e.kind === 'organization' ? 'org' : e.kind;
  return `${e.include ? '' : '-'}${kind}:${e.id}`;
}
