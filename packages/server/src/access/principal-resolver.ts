import type { GrantRecord } from '../store/access-record';
import type { GrantStore } from '../store/interfaces';
import { resolveGrants } from './grant-resolution';
import { Principal } from './principal';
import type { SessionService, VerifiedSession } from './session.service';
import { ShortCache } from './short-cache';
import { CREDENTIAL_CACHE_MS, type TokenService } from './token.service';

/**
 * Turns a bearer token or a session cookie into the Principal of the request: the owner's
 * (role, scope) pairs, resolved (see resolveGrants), narrowed to the token's permissions when it
 * has a subset. A user's pairs are remembered at most CREDENTIAL_CACHE_MS, so a changed role,
 * scope or grant applies within a second on every node.
 */
export class PrincipalResolver {
  private readonly pairs: ShortCache<GrantRecord[]>;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly grants: GrantStore,
    clock: () => number,
    cacheMs = CREDENTIAL_CACHE_MS,
  ) {
    this.pairs = new ShortCache(cacheMs, clock);
  }

  /** The caller of a bearer token, or null when the token is not live. Same shape as the authentication hook's bearer verifier. */
  async fromBearer(token: string, address: string): Promise<Principal | null> {
    const verified = await this.tokens.verify(token);
    if (!verified) return null;
    const { owner, token: record } = verified;
    const grants = resolveGrants(await this.pairsOf(owner.id), owner, record.permissions);
    return new Principal(
      { userId: owner.id, userName: owner.name, credential: { kind: 'token', id: record.id }, address },
      grants,
    );
  }

  /**
   * The caller of a session cookie with the session (the route checks its CSRF token on
   * state-changing requests), or null when the session is not live.
   */
  async fromSession(
    secret: string,
    address: string,
  ): Promise<{ principal: Principal; session: VerifiedSession } | null> {
    const verified = await this.sessions.verify(secret);
    if (!verified) return null;
    const { owner, session } = verified;
    const grants = resolveGrants(await this.pairsOf(owner.id), owner, null);
    const principal = new Principal(
      { userId: owner.id, userName: owner.name, credential: { kind: 'session', id: session.id }, address },
      grants,
    );
    return { principal, session: verified };
  }

  private pairsOf(userId: string): Promise<GrantRecord[]> {
    return this.pairs.load(userId, () => this.grants.grantsOf(userId));
  }
}
