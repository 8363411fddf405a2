import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import { newId } from '../services/secrets';
import type { RoleRecord } from '../store/access-record';
import type { RoleStore } from '../store/interfaces';
import { normalizeName } from './access-names';
import { isPermission, PERMISSIONS, type Permission } from './permissions';

/** A role as asked for. */
export interface RoleInput {
  name: string;
  permissions: readonly string[];
  /** Its holders get nothing through it until they enroll TOTP. */
  requireTotp?: boolean;
}

/**
 * Roles: named sets of permissions. Unknown permissions are refused; the built-in master role
 * cannot be edited or deleted. Routes call it after requiring `users.manage`.
 */
export class RoleService {
  constructor(
    private readonly roles: RoleStore,
    private readonly clock: () => number,
  ) {}

  /** Every role, by name. */
  list(): Promise<RoleRecord[]> {
    return this.roles.listRoles();
  }

  /** A role by id or name; not-found otherwise. */
  async get(idOrName: string): Promise<RoleRecord> {
    const role =
      (await this.roles.findRole(idOrName)) ?? (await this.roles.findRoleByName(idOrName.toLowerCase()));
    if (!role) throw notFound(`no role ${idOrName}`);
    return role;
  }

  /** Creates a role. invalid-input: bad name, unknown permissions; conflict: the name is taken. */
  async create(input: RoleInput): Promise<RoleRecord> {
    const name = normalizeName(input.name, 'role');
    const permissions = checkPermissions(input.permissions);
    const id = newId();
    const created = await this.roles.createRole({
      id,
      name,
      permissions,
      requireTotp: input.requireTotp ?? false,
      createdAt: this.clock(),
    });
    if (!created) throw new MusterError(ErrorCode.conflict, `a role named ${name} exists already`);
    return this.get(id);
  }

  /**
   * Changes a role. not-found: unknown; invalid-state: the built-in master role; invalid-input:
   * bad name or unknown permissions; conflict: the new name is taken.
   */
  async update(id: string, patch: Partial<RoleInput>): Promise<RoleRecord> {
    const role = await this.editable(id);
    const changes = {
      ...(patch.name !== undefined ? { name: normalizeName(patch.name, 'role') } : {}),
      ...(patch.permissions !== undefined ? { permissions: checkPermissions(patch.permissions) } : {}),
      ...(patch.requireTotp !== undefined ? { requireTotp: patch.requireTotp } : {}),
    };
    const result = await this.roles.updateRole(role.id, changes, this.clock());
    if (result === 'conflict')
      throw new MusterError(ErrorCode.conflict, `a role named ${changes.name} exists already`);
    if (result === 'not-found') throw notFound(`no role ${id}`);
    return this.get(role.id);
  }

  /** Deletes a role and the grants naming it. not-found, or invalid-state for the master role. */
  async delete(id: string): Promise<void> {
    const role = await this.editable(id);
    if (!(await this.roles.deleteRole(role.id))) throw notFound(`no role ${id}`);
  }

  private async editable(id: string): Promise<RoleRecord> {
    const role = await this.get(id);
    if (role.builtIn) {
      throw new MusterError(
        ErrorCode.invalidState,
        `the built-in role ${role.name} cannot be changed or deleted`,
      );
    }
    return role;
  }
}

/** The permissions, sorted and without repeats; invalid-input naming every unknown one. */
function checkPermissions(requested: readonly string[]): Permission[] {
  const unknown = requested.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw invalidInput(
      `unknown permissions: ${unknown.join(', ')}; nothing was changed. The permissions are: ${PERMISSIONS.join(', ')}`,
      { field: 'permissions', unknown },
    );
  }
  return [...new Set(requested as Permission[])].sort();
}
