import type { CredentialOwner, GrantRecord } from '../store/access-record';
import { isPermission, PERMISSIONS, type Permission } from './permissions';
import type { Grant } from './principal';
import { compileScope } from './scope';

/**
 * Turns a user's (role, scope) pairs into the grants of a Principal.
 * - The built-in master role grants every permission, including ones added after it was made;
 *   the built-in master scope is everything.
 * - A role that requires TOTP grants nothing until the user has enrolled TOTP.
 * - A token narrowed to a subset (`narrowTo`) keeps only those permissions of each pair.
 */
export function resolveGrants(
  pairs: readonly GrantRecord[],
  owner: Pick<CredentialOwner, 'totpEnrolled'>,
  narrowTo: readonly string[] | null,
): Grant[] {
  const narrow = narrowTo === null ? null : new Set(narrowTo);
  const grants: Grant[] = [];
  for (const { role, scope } of pairs) {
    if (role.requireTotp && !owner.totpEnrolled) continue;
    const granted: Permission[] = role.builtIn ? [...PERMISSIONS] : role.permissions.filter(isPermission);
    const permissions = new Set(narrow ? granted.filter((p) => narrow.has(p)) : granted);
    if (permissions.size === 0) continue;
    grants.push({ permissions, scope: scope.builtIn ? 'all' : compileScope(scope.entries) });
  }
  return grants;
}

/**
 * Whether some pair is held back only because TOTP is not enrolled yet (so the console can tell
 * the user to enroll rather than show an empty screen).
 */
export function needsTotpEnrollment(
  pairs: readonly GrantRecord[],
  owner: Pick<CredentialOwner, 'totpEnrolled'>,
): boolean {
  return !owner.totpEnrolled && pairs.some((g) => g.role.requireTotp);
}
