import type { StoreBackend } from '../store/interfaces';
import { LoginService } from './login.service';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { PrincipalResolver } from './principal-resolver';
import { RoleService } from './role.service';
import { ScopeService } from './scope.service';
import { SessionService } from './session.service';
import { TokenService } from './token.service';
import { TotpService } from './totp.service';
import { UserService } from './user.service';

/** Everything about people, wired once: for the server, and for tests that build the API. */
export interface AccessModule {
  tokens: TokenService;
  sessions: SessionService;
  principals: PrincipalResolver;
  users: UserService;
  roles: RoleService;
  scopes: ScopeService;
  totp: TotpService;
  login: LoginService;
  throttle: LoginThrottle;
}

/**
 * Builds the access services on a store. Their background work (coalesced last-used and
 * last-seen writes, the session sweep) starts with `start()` and ends with `stop()`.
 */
export function wireAccess(
  store: StoreBackend,
  clock: () => number,
  onError: (error: unknown) => void,
): AccessModule & { start(): void; stop(): Promise<void> } {
  const tokens = new TokenService(store.apiTokens, store.users, store.grants, clock, { onError });
  const sessions = new SessionService(store.sessions, clock, { onError });
  const hasher = new PasswordHasher();
  const totp = new TotpService(store.users, clock);
  return {
    tokens,
    sessions,
    principals: new PrincipalResolver(tokens, sessions, store.grants, clock),
    users: new UserService(store.users, store.roles, store.scopes, store.grants, hasher, clock, sessions),
    roles: new RoleService(store.roles, clock),
    scopes: new ScopeService(store.scopes, store.groups, store.machines, clock),
    totp,
    login: new LoginService(store.users, hasher, totp, clock),
    throttle: new LoginThrottle(clock),
    start() {
      tokens.start();
      sessions.start();
    },
    async stop() {
      await tokens.stop();
      await sessions.stop();
    },
  };
}
