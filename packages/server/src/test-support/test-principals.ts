import { PERMISSIONS, type Permission } from '../access/permissions';
import { Principal } from '../access/principal';
import { compileScope, type ScopeEntry } from '../access/scope';

const actor = (name: string) => ({
  userId: name,
  userName: name,
  credential: { kind: 'token' as const, id: `${name}-token` },
  address: '127.0.0.1',
});

/** A caller holding every permission on everything (the master role with the master scope). */
export function masterPrincipal(name = 'admin'): Principal {
  return new Principal(actor(name), [{ permissions: new Set(PERMISSIONS), scope: 'all' }]);
}

/** A caller holding the given permissions (all of them when omitted) on one scope's entries. */
export function scopedPrincipal(
  name: string,
  entries: readonly ScopeEntry[],
  permissions: readonly Permission[] = PERMISSIONS,
): Principal {
  return new Principal(actor(name), [{ permissions: new Set(permissions), scope: compileScope(entries) }]);
}
