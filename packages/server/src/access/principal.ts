import { ErrorCode, MusterError } from '../domain/errors';
import type { Permission } from './permissions';
import { EVERYTHING, type ScopeFilter, type ScopeRules } from './scope';

/** Who is acting, as the audit log names them. */
export interface Actor {
  userId: string;
  userName: string;
  /** How they signed in: an API token or a console session, by id (never the secret). */
  credential: { kind: 'token' | 'session' | 'system'; id: string };
  /** The client address of the request. */
  address: string;
}

/** One (role, scope) pair of a user, resolved. */
export interface Grant {
  permissions: ReadonlySet<Permission>;
  /** `all` for the master scope. */
  scope: ScopeRules | 'all';
}

/**
 * The caller of a request: who they are and, for each permission, which data they may touch.
 * Services ask it before they act and pass its filter down to the store, so what is out of
 * scope never leaves the database.
 */
export class Principal {
  constructor(
    readonly actor: Actor,
    private readonly grants: readonly Grant[],
  ) {}

  /** Whether any grant gives this permission (on some data). */
  can(permission: Permission): boolean {
    return this.grants.some((g) => g.permissions.has(permission));
  }

  /** The data the permission reaches, or null when no grant gives it. */
  scopeFor(permission: Permission): ScopeFilter | null {
    const scopes: ScopeRules[] = [];
    for (const g of this.grants) {
      if (!g.permissions.has(permission)) continue;
      if (g.scope === 'all') return EVERYTHING;
      scopes.push(g.scope);
    }
    return scopes.length === 0 ? null : { all: false, scopes };
  }

  /** The data the permission reaches; a forbidden error naming it when no grant gives it. */
  require(permission: Permission): ScopeFilter {
    const filter = this.scopeFor(permission);
    if (!filter) {
      throw new MusterError(
        ErrorCode.forbidden,
        `this needs the permission ${permission}, which you do not have`,
      );
    }
    return filter;
  }

  /** Every permission the caller holds (for /me). */
  permissions(): Permission[] {
    const all = new Set<Permission>();
    for (const g of this.grants) for (const p of g.permissions) all.add(p);
    return [...all].sort();
  }
}
