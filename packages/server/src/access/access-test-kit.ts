import type { StoreBackend } from '../store/interfaces';
import { LoginService } from './login.service';
import { PasswordHasher } from './password-hasher';
import { PrincipalResolver } from './principal-resolver';
import { RoleService } from './role.service';
import { ScopeService } from './scope.service';
import { SessionService } from './session.service';
import { TokenService } from './token.service';
import { TotpService } from './totp.service';
import { UserService } from './user.service';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public now: number) {}
  /** The clock function to give services. */
  readonly fn = (): number => this.now;
  /** Moves the clock forward. */
  advance(ms: number): void {
    this.now += ms;
  }
}

/** Every access service wired on one store, as main.ts wires them (one "server node"). */
export function accessServices(store: StoreBackend, clock: TestClock) {
  const hasher = new PasswordHasher();
  const totp = new TotpService(store.users, clock.fn);
  const tokens = new TokenService(store.apiTokens, store.users, store.grants, clock.fn);
  const sessions = new SessionService(store.sessions, clock.fn);
  return {
    hasher,
    totp,
    tokens,
    sessions,
    users: new UserService(store.users, store.roles, store.scopes, store.grants, hasher, clock.fn, sessions),
    roles: new RoleService(store.roles, clock.fn),
    scopes: new ScopeService(store.scopes, store.groups, store.machines, clock.fn),
    login: new LoginService(store.users, hasher, totp, clock.fn),
    principals: new PrincipalResolver(tokens, sessions, store.grants, clock.fn),
  };
}

/** Everything the access tables hold (but secrets), to assert that a refused change changed nothing. */
export async function accessSnapshot(store: StoreBackend): Promise<string> {
  const users = await store.users.listUsers();
  const grants = await Promise.all(users.map((u) => store.grants.grantsOf(u.id)));
  const creds = await Promise.all(users.map((u) => store.users.credentialsById(u.id)));
  return JSON.stringify({
    users,
    grants,
    creds,
    roles: await store.roles.listRoles(),
    scopes: await store.scopes.listScopes(),
    tokens: await store.apiTokens.listApiTokens(null),
  });
}
