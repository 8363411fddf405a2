import argon2 from 'argon2';

/**
 * Password hashing with argon2id (the argon2 package's defaults: 64 MiB, 3 passes, 4 lanes).
 * Hashing runs on libuv's thread pool, so it does not block the event loop.
 */
export class PasswordHasher {
  // A hash of a random string, verified when the user does not exist, so an unknown name costs
  // as much time as a wrong password and the answer time does not tell which it was.
  private dummy: Promise<string> | undefined;

  /** The argon2id hash of a password, in PHC string form (it carries its own salt and parameters). */
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /** Whether a password matches a stored hash; false for a malformed hash. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification and returns false (for an unknown user or no password). */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash(`no user ${Math.random()}`);
    await this.verify(await this.dummy, password);
    return false;
  }
}
