import type {
  ApiTokenRecord,
  GrantRecord,
  RoleRecord,
  ScopeRecord,
  UserRecord,
} from '../store/access-record';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A user as the API shows them (never a password hash or TOTP secret). */
export function userView(u: UserRecord) {
  return {
    id: u.id,
    name: u.name,
    displayName: u.displayName,
    email: u.email,
    disabled: u.disabled,
    hasPassword: u.hasPassword,
    totpEnrolled: u.totpEnrolled,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: iso(u.createdAt),
  };
}

/** A role as the API shows it. */
export function roleView(r: RoleRecord) {
  return {
    id: r.id,
    name: r.name,
    permissions: r.permissions,
    requireTotp: r.requireTotp,
    builtIn: r.builtIn,
    createdAt: iso(r.createdAt),
  };
}

/** A scope as the API shows it. */
export function scopeView(s: ScopeRecord) {
  return { id: s.id, name: s.name, entries: s.entries, builtIn: s.builtIn, createdAt: iso(s.createdAt) };
}

/** A (role, scope) pair by name. */
export function grantView(g: GrantRecord) {
  return { role: g.role.name, scope: g.scope.name };
}

/** An API token as its owner sees it: never the token. */
export function tokenView(t: ApiTokenRecord) {
  return {
    id: t.id,
    userId: t.userId,
    name: t.name,
    prefix: t.tokenPrefix,
    permissions: t.permissions,
    createdAt: iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
  };
}
