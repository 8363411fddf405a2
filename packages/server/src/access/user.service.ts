import { randomBytes } from 'node:crypto';
import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import { newId } from '../services/secrets';
import type { GrantRecord, GrantRef, MasterGuardedResult, UserRecord } from '../store/access-record';
import type { GrantStore, RoleStore, ScopeStore, UserStore } from '../store/interfaces';
import { normalizeName } from './access-names';
import type { PasswordHasher } from './password-hasher';
import { requireAcceptablePassword } from './password-policy';
import type { SessionService } from './session.service';

/** A (role, scope) pair as asked for, each by id or name. */
export interface GrantInput {
  role: string;
  scope: string;
}

/** A user as asked for. */
export interface UserInput {
  name: string;
  displayName?: string;
  email?: string | null;
  /** Null or absent: no password (the user signs in with API tokens only, until one is set). */
  password?: string | null;
  grants?: readonly GrantInput[];
}

/** Changes to a user; absent fields stay. */
export interface UserUpdate {
  displayName?: string;
  email?: string | null;
  disabled?: boolean;
}

/** The pair that makes a master user. */
export const MASTER_GRANT: GrantInput = { role: 'master', scope: 'master' };

/**
 * Users: create, change, disable, delete, set passwords and (role, scope) pairs. Refuses a
 * duplicate name, unknown roles or scopes, weak passwords, and any change that would leave no
 * active user holding the master role with the master scope. Each refusal changes nothing.
 * Routes call it after requiring `users.manage`; the offline CLI calls it as the system.
 */
export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly roles: RoleStore,
    private readonly scopes: ScopeStore,
    private readonly grants: GrantStore,
    private readonly hasher: PasswordHasher,
    private readonly clock: () => number,
    /** When given, sessions end as their user is disabled, deleted or given a new password. */
    private readonly sessions?: SessionService,
  ) {}

  /** Every user, by name. */
  list(): Promise<UserRecord[]> {
    return this.users.listUsers();
  }

  /** A user by id or name; not-found otherwise. */
  async get(idOrName: string): Promise<UserRecord> {
    const user =
      (await this.users.findUser(idOrName)) ??
      (await this.users.findUserByName(idOrName.trim().toLowerCase()));
    if (!user) throw notFound(`no user ${idOrName}`);
    return user;
  }

  /** A user's (role, scope) pairs. */
  async grantsOf(idOrName: string): Promise<GrantRecord[]> {
    return this.grants.grantsOf((await this.get(idOrName)).id);
  }

  /**
   * Creates a user with their pairs. invalid-input: bad name, email or password, unknown role or
   * scope; conflict: the name is taken. Nothing is stored when refused.
   */
  async create(input: UserInput): Promise<UserRecord> {
    const name = normalizeName(input.name, 'user');
    if (input.password != null) requireAcceptablePassword(input.password, name);
    const refs = await this.resolveGrants(input.grants ?? []);
    if ((await this.users.findUserByName(name)) !== null) throw duplicate(name);
    const id = newId();
    const created = await this.users.createUser({
      id,
      name,
      displayName: checkDisplayName(input.displayName ?? name),
      email: checkEmail(input.email ?? null),
      passwordHash: input.password != null ? await this.hasher.hash(input.password) : null,
      createdAt: this.clock(),
    });
    if (!created) throw duplicate(name);
    if (refs.length > 0) await this.grants.setGrants(id, refs);
    return this.get(id);
  }

  /** Changes a profile or disables/enables. not-found; conflict for the last active master. */
  async update(idOrName: string, patch: UserUpdate): Promise<UserRecord> {
    const user = await this.get(idOrName);
    const changes = {
      ...(patch.displayName !== undefined ? { displayName: checkDisplayName(patch.displayName) } : {}),
      ...(patch.email !== undefined ? { email: checkEmail(patch.email) } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    };
    guard(await this.users.updateUser(user.id, changes, this.clock()), user.name, 'disable');
    if (patch.disabled) await this.sessions?.revokeAllOf(user.id);
    return this.get(user.id);
  }

  /** Deletes a user with their tokens and sessions. not-found; conflict for the last active master. */
  async delete(idOrName: string): Promise<void> {
    const user = await this.get(idOrName);
    guard(await this.users.deleteUser(user.id), user.name, 'delete');
  }

  /**
   * Sets a new password (policy checked) and ends the user's sessions, except `keepSession`:
   * users changing their own password stay signed in where they did it.
   */
  async setPassword(idOrName: string, password: string, keepSession: string | null = null): Promise<void> {
    const user = await this.get(idOrName);
    requireAcceptablePassword(password, user.name);
    await this.users.setPasswordHash(user.id, await this.hasher.hash(password), this.clock());
    await this.sessions?.revokeAllOf(user.id, keepSession);
  }

  /**
   * Gives a user who has no password a generated one and returns it; null when the user is
   * missing or already has a password. The first start uses it for the first master `admin`,
   * so the console can be signed in to at once.
   */
  async givePasswordIfNone(name: string): Promise<string | null> {
    const user = await this.users.findUserByName(name);
    if (!user || user.hasPassword) return null;
    // 24 random bytes: 32 characters of base64url, far past the 12-character minimum.
    const password = randomBytes(24).toString('base64url');
    await this.users.setPasswordHash(user.id, await this.hasher.hash(password), this.clock());
    return password;
  }

  /** Replaces a user's pairs. invalid-input: unknown role or scope; conflict: the last master. */
  async setGrants(idOrName: string, grants: readonly GrantInput[]): Promise<GrantRecord[]> {
    const user = await this.get(idOrName);
    const refs = await this.resolveGrants(grants);
    guard(await this.grants.setGrants(user.id, refs), user.name, 'take the master role from');
    return this.grants.grantsOf(user.id);
  }

  private async resolveGrants(grants: readonly GrantInput[]): Promise<GrantRef[]> {
    const refs: GrantRef[] = [];
    for (const [index, g] of grants.entries()) {
      const role =
        (await this.roles.findRole(g.role)) ?? (await this.roles.findRoleByName(g.role.toLowerCase()));
      if (!role)
        throw invalidInput(`grant ${index}: there is no role "${g.role}"`, {
          field: `grants[${index}].role`,
        });
      const scope =
        (await this.scopes.findScope(g.scope)) ?? (await this.scopes.findScopeByName(g.scope.toLowerCase()));
      if (!scope) {
        throw invalidInput(`grant ${index}: there is no scope "${g.scope}"`, {
          field: `grants[${index}].scope`,
        });
      }
      refs.push({ roleId: role.id, scopeId: scope.id });
    }
    return refs;
  }
}

function duplicate(name: string): MusterError {
  return new MusterError(ErrorCode.conflict, `a user named ${name} exists already`);
}

function guard(result: MasterGuardedResult, name: string, verb: string): void {
  if (result === 'not-found') throw notFound(`no user ${name}`);
  if (result === 'last-master') {
    throw new MusterError(
      ErrorCode.conflict,
      `cannot ${verb} ${name}: it is the last active user holding the master role with the master scope (make another master first)`,
    );
  }
}

function checkDisplayName(text: string): string {
  const name = text.trim();
  if (name.length > 200)
    throw invalidInput('a display name is at most 200 characters', { field: 'displayName' });
  return name;
}

function checkEmail(text: string | null): string | null {
  if (text === null || text.trim() === '') return null;
  const email = text.trim();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw invalidInput(`"${text}" is not an email address`, { field: 'email' });
  }
  return email;
}
