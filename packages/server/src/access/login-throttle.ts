/** Limits of LoginThrottle. */
export interface LoginThrottleOptions {
  /** Failures of one user name within the window before it is refused (default 10). */
  perUser?: number;
  /** Failures from one address within the window before it is refused (default 50). */
  perAddress?: number;
  /** The sliding window (default 15 minutes). */
  windowMs?: number;
}

/** Whether a sign-in may be tried now. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts failed sign-ins per user name and per client address in a sliding window, so the route
 * can refuse guessing before it costs an argon2 verification. In memory, per server node: with
 * several nodes an attacker gets each node's allowance, which still bounds guessing. A success
 * clears the user's count (not the address's: one address may be guessing many names).
 */
export class LoginThrottle {
  private readonly perUser: number;
  private readonly perAddress: number;
  private readonly windowMs: number;
  private readonly users = new Map<string, number[]>();
  private readonly addresses = new Map<string, number[]>();

  constructor(
    private readonly clock: () => number,
    options: LoginThrottleOptions = {},
  ) {
    this.perUser = options.perUser ?? 10;
    this.perAddress = options.perAddress ?? 50;
    this.windowMs = options.windowMs ?? 15 * 60_000;
  }

  /** Whether this name from this address may try now. */
  check(userName: string, address: string): ThrottleVerdict {
    const now = this.clock();
    const user = this.recent(this.users, key(userName), now);
    const from = this.recent(this.addresses, address, now);
    const waits: number[] = [];
    if (user.length >= this.perUser)
      waits.push((user[user.length - this.perUser] ?? now) + this.windowMs - now);
    if (from.length >= this.perAddress)
      waits.push((from[from.length - this.perAddress] ?? now) + this.windowMs - now);
    return waits.length === 0 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, ...waits) };
  }

  /** Counts a failed sign-in. */
  recordFailure(userName: string, address: string): void {
    const now = this.clock();
    this.add(this.users, key(userName), now);
    this.add(this.addresses, address, now);
  }

  /** A sign-in succeeded: the user's count starts over. */
  recordSuccess(userName: string): void {
    this.users.delete(key(userName));
  }

  private add(map: Map<string, number[]>, k: string, now: number): void {
    // Many names or addresses failing once each must not grow memory without end.
    if (map.size >= MAX_KEYS) for (const old of [...map.keys()]) this.recent(map, old, now);
    map.set(k, [...this.recent(map, k, now), now]);
  }

  /** The failures still in the window; a key with none left is forgotten. */
  private recent(map: Map<string, number[]>, k: string, now: number): number[] {
    const kept = (map.get(k) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length === 0) map.delete(k);
    else map.set(k, kept);
    return kept;
  }
}

const MAX_KEYS = 100_000;

function key(userName: string): string {
  return userName.trim().toLowerCase();
}
