import type { LoginService } from '../access/login.service';
import type { LoginThrottle } from '../access/login-throttle';
import type { RoleService } from '../access/role.service';
import type { ScopeService } from '../access/scope.service';
import type { SessionService } from '../access/session.service';
import type { TokenService } from '../access/token.service';
import type { TotpService } from '../access/totp.service';
import type { UserService } from '../access/user.service';
import type { AuditService } from '../audit/audit.service';

/** What the session, user, role, scope and token routes call into. */
export interface AccessRouteServices {
  login: LoginService;
  throttle: LoginThrottle;
  sessions: SessionService;
  users: UserService;
  roles: RoleService;
  scopes: ScopeService;
  tokens: TokenService;
  totp: TotpService;
  audit: Pick<AuditService, 'signIn'>;
  /** A failed sign-in is answered only after this long, so guessing is slow. */
  failureDelayMs: number;
}
