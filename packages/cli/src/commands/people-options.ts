import { InvalidArgumentError } from 'commander';
import type { ApiClient } from '../api-client';

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

/**
 * The permission names this server knows, read from its OpenAPI document (the role body's
 * list), so the CLI never carries a copy that could fall behind the server. Null when the
 * document does not have them in the expected place (the server then judges by itself).
 */
async function serverPermissions(client: ApiClient): Promise<string[] | null> {
  const doc = await client.request<{
    paths?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } }>;
  }>('GET', '/openapi.json');
  const schema = doc.paths?.['/api/v1/roles']?.post?.requestBody?.content?.['application/json']?.schema as
    | { properties?: { permissions?: { items?: { anyOf?: Array<{ enum?: unknown[] }>; enum?: unknown[] } } } }
    | undefined;
  const items = schema?.properties?.permissions?.items;
  const names = items?.enum ?? items?.anyOf?.flatMap((a) => a.enum ?? []);
  return names && names.length > 0 ? names.filter((n): n is string => typeof n === 'string') : null;
}

/**
 * Refuses unknown permission names before anything is sent, naming them and the known ones
 * (the server refuses them too, but its schema answer does not say which name was wrong).
 */
export async function checkPermissions(client: ApiClient, permissions: readonly string[]): Promise<void> {
  if (permissions.length === 0) return;
  const known = await serverPermissions(client);
  if (!known) return;
  const unknown = permissions.filter((p) => !known.includes(p));
  if (unknown.length > 0)
    throw new Error(
      `unknown permission${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; nothing was changed. The permissions are: ${known.join(', ')}`,
    );
}
