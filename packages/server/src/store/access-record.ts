import type { ScopeEntry } from '../access/scope';

/** A user as administrators see them: never the password hash or the TOTP secret. */
export interface UserRecord {
  id: string;
  /** Unique, lower case. */
  name: string;
  displayName: string;
  email: string | null;
  disabled: boolean;
  hasPassword: boolean;
  totpEnrolled: boolean;
  lastLoginAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What signing in checks: read only by the login and TOTP paths, never listed. */
export interface UserCredentials {
  id: string;
  name: string;
  disabled: boolean;
  passwordHash: string | null;
  totpSecret: string | null;
  /** The last TOTP time step accepted (replay guard), or null. */
  totpLastStep: number | null;
}

/** A new user. */
export interface NewUser {
  id: string;
  name: string;
  displayName: string;
  email: string | null;
  passwordHash: string | null;
  createdAt: number;
}

/** Changes to a user's profile; absent fields stay. */
export interface UserPatch {
  displayName?: string;
  email?: string | null;
  disabled?: boolean;
}

/** A role: a named set of permissions (names as stored; the service validates them). */
export interface RoleRecord {
  id: string;
  name: string;
  permissions: string[];
  /** Its holders get nothing through it until they have enrolled TOTP. */
  requireTotp: boolean;
  builtIn: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A scope: a named set of included and excluded organizations, groups and machines. */
export interface ScopeRecord {
  id: string;
  name: string;
  entries: ScopeEntry[];
  builtIn: boolean;
  createdAt: number;
  updatedAt: number;
}

/** One (role, scope) pair a user holds, with both resolved. */
export interface GrantRecord {
  role: RoleRecord;
  scope: ScopeRecord;
}

/** One (role, scope) pair by id. */
export interface GrantRef {
  roleId: string;
  scopeId: string;
}

/** An API token as its owner sees it: everything but the secret and its hash. */
export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  /** The token's first characters, to tell listed tokens apart (null for migrated admin tokens). */
  tokenPrefix: string | null;
  /** The subset of the user's permissions it carries, or null for all of them. */
  permissions: string[] | null;
  expiresAt: number | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A new API token (only its hash is stored). */
export interface NewApiToken {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  tokenPrefix: string | null;
  permissions: string[] | null;
  expiresAt: number | null;
  createdAt: number;
}

/** A console session (the secret and the CSRF token are stored as hashes). */
export interface SessionRecord {
  id: string;
  userId: string;
  csrfHash: string;
  address: string | null;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute end, whatever the activity. */
  expiresAt: number;
  revokedAt: number | null;
}

/** A new session. */
export interface NewSession {
  id: string;
  userId: string;
  secretHash: string;
  csrfHash: string;
  address: string | null;
  createdAt: number;
  expiresAt: number;
}

/** The owner of a credential, as verification needs it. */
export interface CredentialOwner {
  id: string;
  name: string;
  disabled: boolean;
  totpEnrolled: boolean;
}

/**
 * The result of a change that could leave nobody holding the master role with the master scope
 * while active: `last-master` means it was refused and nothing changed.
 */
export type MasterGuardedResult = 'done' | 'not-found' | 'last-master';
