import { timingSafeEqual } from 'node:crypto';
import { hashSecret, newId, newSecretToken } from '../services/secrets';
import type { CredentialOwner, SessionRecord } from '../store/access-record';
import type { SessionStore } from '../store/interfaces';
import { ShortCache } from './short-cache';
import { CREDENTIAL_CACHE_MS } from './token.service';
import { TouchCoalescer } from './touch-coalescer';

/** Session lifetimes. */
export interface SessionOptions {
  /** A session unused this long ends (default 30 minutes). */
  idleMs?: number;
  /** A session ends this long after sign-in whatever its use (default 12 hours). */
  absoluteMs?: number;
  cacheMs?: number;
  touchIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/** A session just opened: the cookie secret and the CSRF token (both shown once). */
export interface OpenedSession {
  id: string;
  /** The session cookie's value. */
  secret: string;
  /** Sent back by the console in a header on every state-changing request. */
  csrfToken: string;
  /** The absolute end. */
  expiresAt: number;
}

/** A session that verified, with its owner. */
export interface VerifiedSession {
  session: SessionRecord;
  owner: CredentialOwner;
}

/**
 * Console sessions: opened at sign-in, ended by sign-out, by being idle too long, or at their
 * absolute end; each has its own CSRF token. Only hashes of the secret and CSRF token are
 * stored. Like tokens, a verification is remembered at most CREDENTIAL_CACHE_MS, so a sign-out
 * or a disabled user is seen by every node within a second; last-seen writes are coalesced.
 */
export class SessionService {
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly cache: ShortCache<VerifiedSession | null>;
  private readonly touches: TouchCoalescer;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: () => number,
    options: SessionOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.absoluteMs = options.absoluteMs ?? 12 * 3_600_000;
    this.cache = new ShortCache(options.cacheMs ?? CREDENTIAL_CACHE_MS, clock);
    this.touches = new TouchCoalescer(
      (batch) => sessions.touchSessions(batch),
      options.touchIntervalMs ?? 5_000,
      options.onError ?? (() => {}),
    );
  }

  /** Opens a session for a user who just signed in. */
  async open(userId: string, address: string | null): Promise<OpenedSession> {
    const now = this.clock();
    const secret = newSecretToken('mss');
    const csrfToken = newSecretToken('csrf');
    const id = newId();
    const expiresAt = now + this.absoluteMs;
    await this.sessions.createSession({
      id,
      userId,
      secretHash: hashSecret(secret),
      csrfHash: hashSecret(csrfToken),
      address,
      createdAt: now,
      expiresAt,
    });
    return { id, secret, csrfToken, expiresAt };
  }

  /**
   * The session of a cookie secret when it is live (not revoked, not past its absolute end, not
   * idle too long, its user not disabled), else null. A live session's use is noted.
   */
  async verify(secret: string): Promise<VerifiedSession | null> {
    const hash = hashSecret(secret);
    const found = await this.cache.load(hash, () => this.sessions.findSessionByHash(hash));
    if (!found) return null;
    const { session, owner } = found;
    const now = this.clock();
    const lastSeen = Math.max(session.lastSeenAt, this.seen.get(session.id) ?? 0);
    if (session.revokedAt !== null || owner.disabled || session.expiresAt <= now) return null;
    if (lastSeen + this.idleMs <= now) return null;
    this.seen.set(session.id, now);
    this.touches.touch(session.id, now);
    return found;
  }

  /** Whether a presented CSRF token is the session's (compared in constant time). */
  checkCsrf(session: SessionRecord, presented: string | undefined): boolean {
    if (!presented) return false;
    const a = Buffer.from(hashSecret(presented), 'hex');
    const b = Buffer.from(session.csrfHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Ends one session (sign-out); false when unknown. */
  async revoke(id: string): Promise<boolean> {
    const done = await this.sessions.revokeSession(id, this.clock());
    this.cache.clear();
    return done;
  }

  /** Ends every session of a user (password reset, disable, delete); returns how many. */
  async revokeAllOf(userId: string, except: string | null = null): Promise<number> {
    const n = await this.sessions.revokeSessionsOf(userId, this.clock(), except);
    this.cache.clear();
    return n;
  }

  /** Deletes sessions that ended more than a day ago (run now and then). */
  sweep(): Promise<number> {
    for (const [id, at] of this.seen) if (at + this.idleMs <= this.clock()) this.seen.delete(id);
    return this.sessions.deleteSessionsEndedBefore(this.clock() - 86_400_000);
  }

  /** Starts writing last-seen times. */
  start(): void {
    this.touches.start();
  }

  /** Stops, writing what is pending. */
  stop(): Promise<void> {
    // Its sweep would otherwise look up entries in use for a few seconds more, in a closed store.
    this.cache.clear();
    return this.touches.stop();
  }
}
