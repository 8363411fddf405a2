import { invalidInput, notFound } from '../domain/errors';
import { hashSecret, newId, newSecretToken } from '../services/secrets';
import type { ApiTokenRecord, CredentialOwner } from '../store/access-record';
import type { ApiTokenStore, GrantStore, UserStore } from '../store/interfaces';
import { resolveGrants } from './grant-resolution';
import { isPermission, PERMISSIONS } from './permissions';
import { ShortCache } from './short-cache';
import { TouchCoalescer } from './touch-coalescer';

/**
 * How long after its lookup began a verified (or refused) token, session or user's grants may
 * still be used: under the 1 s a revocation may take. Past a third of it, a lookup runs in the
 * background while the entry is used (ShortCache).
 */
export const CREDENTIAL_CACHE_MS = 900;

/** What a new API token is asked for. */
export interface TokenRequest {
  /** A label for lists ("backup script"); 1 to 100 characters. */
  name: string;
  /** Seconds until it stops working; absent or null for no expiry. */
  expiresInSeconds?: number | null;
  /** A subset of the user's permissions it is limited to; absent or null for all of them. */
  permissions?: readonly string[] | null;
}

/** A token just made: the secret, shown once, and its record. */
export interface CreatedToken {
  token: string;
  record: ApiTokenRecord;
}

/** A token that verified, with its owner. */
export interface VerifiedToken {
  token: ApiTokenRecord;
  owner: CredentialOwner;
}

/** Options of the token service (the defaults suit a server). */
export interface TokenServiceOptions {
  cacheMs?: number;
  /** How often last-used times are written. */
  touchIntervalMs?: number;
  onError?: (error: unknown) => void;
}

const MAX_NAME = 100;
/** Ten years: longer is "never" and should say so (null). */
const MAX_EXPIRY_SECONDS = 10 * 365 * 86_400;

/**
 * Per-user API tokens: create (the secret is shown once; only its hash is kept), list, revoke,
 * and verify a presented bearer token. Verification remembers a result for at most
 * CREDENTIAL_CACHE_MS, so a revocation, an expiry or a disabled owner takes effect on every
 * server node within a second; expiry is compared with the clock on every request.
 */
export class TokenService {
  private readonly cache: ShortCache<VerifiedToken | null>;
  private readonly touches: TouchCoalescer;

  constructor(
    private readonly tokens: ApiTokenStore,
    private readonly users: UserStore,
    private readonly grants: GrantStore,
    private readonly clock: () => number,
    options: TokenServiceOptions = {},
  ) {
    this.cache = new ShortCache(options.cacheMs ?? CREDENTIAL_CACHE_MS, clock);
    this.touches = new TouchCoalescer(
      (batch) => tokens.touchApiTokens(batch),
      options.touchIntervalMs ?? 5_000,
      options.onError ?? (() => {}),
    );
  }

  /**
   * Makes a token for a user. Throws not-found for an unknown user, invalid-input for an empty
   * or long name, a bad expiry, an unknown permission, or one the user does not hold.
   */
  async create(userId: string, request: TokenRequest): Promise<CreatedToken> {
    const name = request.name.trim();
    if (name.length === 0 || name.length > MAX_NAME) {
      throw invalidInput(`a token name is 1 to ${MAX_NAME} characters`, { field: 'name' });
    }
    const seconds = request.expiresInSeconds ?? null;
    if (seconds !== null && (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_EXPIRY_SECONDS)) {
      throw invalidInput(`expiresInSeconds is a whole number from 1 to ${MAX_EXPIRY_SECONDS}`, {
        field: 'expiresInSeconds',
      });
    }
    const user = await this.users.findUser(userId);
    if (!user) throw notFound(`no user ${userId}`);
    const permissions = request.permissions ? await this.checkSubset(userId, request.permissions) : null;
    const token = newSecretToken('mst');
    const now = this.clock();
    const record: ApiTokenRecord = {
      id: newId(),
      userId,
      name,
      tokenPrefix: token.slice(0, 12),
      permissions,
      expiresAt: seconds === null ? null : now + seconds * 1000,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.tokens.createApiToken({ ...record, tokenHash: hashSecret(token) });
    return { token, record };
  }

  /** Tokens, newest first: one user's, or every user's (null). */
  list(userId: string | null): Promise<ApiTokenRecord[]> {
    return this.tokens.listApiTokens(userId);
  }

  /**
   * Revokes a token. With `ownerId`, only that user's token (another's answers not-found, as if
   * it did not exist). Revoking twice is fine and keeps the first time.
   */
  async revoke(id: string, ownerId?: string): Promise<ApiTokenRecord> {
    const token = await this.tokens.findApiToken(id);
    if (!token || (ownerId !== undefined && token.userId !== ownerId)) throw notFound(`no token ${id}`);
    const revoked = await this.tokens.revokeApiToken(id, this.clock());
    if (!revoked) throw notFound(`no token ${id}`);
    this.cache.clear();
    return revoked;
  }

  /** The token and its owner when the presented secret is a live token of an active user, else null. */
  async verify(presented: string): Promise<VerifiedToken | null> {
    const hash = hashSecret(presented);
    const found = await this.cache.load(hash, () => this.tokens.findApiTokenByHash(hash));
    if (!found) return null;
    const now = this.clock();
    const { token, owner } = found;
    if (token.revokedAt !== null || owner.disabled) return null;
    if (token.expiresAt !== null && token.expiresAt <= now) return null;
    this.touches.touch(token.id, now);
    return found;
  }

  /**
   * At a server's first start: the first API token, of the master user `admin` (made by the
   * migration). Null once any token was ever made (a revoked one counts: revoking the last token
   * must not bring a new one back at the next start) or when `admin` is gone.
   */
  async ensureFirstToken(): Promise<string | null> {
    if ((await this.tokens.countApiTokens()) > 0) return null;
    const admin = await this.users.findUserByName('admin');
    if (!admin) return null;
    return (await this.create(admin.id, { name: 'admin' })).token;
  }

  /** Starts writing last-used times. */
  start(): void {
    this.touches.start();
  }

  /** Stops, writing what is pending. */
  stop(): Promise<void> {
    // Its sweep would otherwise look up entries in use for a few seconds more, in a closed store.
    this.cache.clear();
    return this.touches.stop();
  }

  private async checkSubset(userId: string, requested: readonly string[]): Promise<string[]> {
    if (requested.length === 0) {
      throw invalidInput("permissions, when given, names at least one (omit it for all of the user's)", {
        field: 'permissions',
      });
    }
    const unknown = requested.filter((p) => !isPermission(p));
    if (unknown.length > 0) {
      throw invalidInput(
        `unknown permissions: ${unknown.join(', ')}; nothing was changed. The permissions are: ${PERMISSIONS.join(', ')}`,
        { field: 'permissions', unknown },
      );
    }
    // What the user's roles give, TOTP requirement aside: the token inherits that rule anyway.
    const held = new Set(
      resolveGrants(await this.grants.grantsOf(userId), { totpEnrolled: true }, null).flatMap((g) => [
        ...g.permissions,
      ]),
    );
    const missing = requested.filter((p) => !held.has(p as never));
    if (missing.length > 0) {
      throw invalidInput(`the user does not hold these permissions: ${missing.join(', ')}`, {
        field: 'permissions',
        missing,
      });
    }
    return [...new Set(requested)].sort();
  }
}
