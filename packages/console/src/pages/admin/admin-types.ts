import type { components } from '../../api/schema';

/** A user as the API shows them (never a password or a TOTP secret). */
export type User = components['schemas']['User'];
/** A (role, scope) pair, by names. */
export type Grant = components['schemas']['Grant'];
/** A role: a named set of permissions. */
export type Role = components['schemas']['Role'];
/** A scope: organizations, groups and machines, each included or excluded. */
export type Scope = components['schemas']['Scope'];
/** One line of a scope. */
export type ScopeEntry = components['schemas']['ScopeEntry'];
/** An API token as its owner sees it (never the token itself). */
export type ApiToken = components['schemas']['ApiToken'];
/** One entry of the audit log. */
export type AuditEntry = components['schemas']['AuditEntry'];
/** What a walk of the audit hash chain found. */
export type AuditVerification = components['schemas']['AuditVerification'];
/** The server's identity and ports. */
export type ServerStatus = components['schemas']['ServerStatus'];

/** A date of the API shown in the reader's own time, or a dash for none. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
