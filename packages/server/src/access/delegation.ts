import { ErrorCode, MusterError } from '../domain/errors';
import { isPermission } from './permissions';
import type { Principal } from './principal';

/**
 * Managing people is managing power, so it is held to two rules that keep a manager from
 * raising anyone, themselves included, above what they hold:
 *
 * 1. Users, roles and scopes are managed only with `users.manage` on everything: a scope
 *    limits data, and accounts belong to no organization.
 * 2. A manager hands out (in a role, a grant or a token) only permissions they hold on
 *    everything themselves.
 */
export function requireUserManagement(principal: Principal): void {
  const scope = principal.require('users.manage');
  if (!scope.all) {
    throw new MusterError(
      ErrorCode.forbidden,
      'managing users, roles and scopes needs users.manage on everything (the master scope); yours is limited',
    );
  }
}

/** Refuses (forbidden, naming them) permissions the caller does not hold on everything. */
export function requireDelegable(principal: Principal, permissions: readonly string[]): void {
  // Unknown names are the services' to refuse, with a message that names them as unknown.
  const missing = permissions.filter((p) => isPermission(p) && !principal.scopeFor(p)?.all);
  if (missing.length > 0) {
    throw new MusterError(
      ErrorCode.forbidden,
      `you cannot hand out permissions you do not hold on everything yourself: ${missing.join(', ')}`,
    );
  }
}
