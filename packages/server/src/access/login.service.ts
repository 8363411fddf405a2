import { ErrorCode, MusterError } from '../domain/errors';
import type { UserStore } from '../store/interfaces';
import type { PasswordHasher } from './password-hasher';
import type { TotpService } from './totp.service';

/** The one answer to a failed sign-in: it never says whether the user exists or which part was wrong. */
export const LOGIN_FAILED = 'sign-in failed: the name, password or code is not right';

/** A user who signed in. */
export interface SignedIn {
  userId: string;
  userName: string;
}

/**
 * Checks a sign-in: name, password and, when the user enrolled TOTP, a code (used up once
 * accepted). Takes about the same time whether or not the user exists (an unknown user costs a
 * dummy argon2 verification). Every failure is auth-failed with LOGIN_FAILED; a right password
 * without the code an enrolled user needs answers `details.totpRequired` so the console asks
 * for it. The route counts failures with LoginThrottle and opens a session on success.
 */
export class LoginService {
  constructor(
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly totp: TotpService,
    private readonly clock: () => number,
  ) {}

  /** The user, or auth-failed. */
  async login(name: string, password: string, totpCode?: string): Promise<SignedIn> {
    const creds = await this.users.credentialsByName(name.trim().toLowerCase());
    const ok = creds?.passwordHash
      ? await this.hasher.verify(creds.passwordHash, password)
      : await this.hasher.verifyNothing(password);
    if (!creds || !ok || creds.disabled) throw failed();
    if (creds.totpSecret) {
      if (!totpCode)
        throw new MusterError(ErrorCode.authFailed, 'a TOTP code is needed', { totpRequired: true });
      if (!(await this.totp.verify(creds.id, totpCode))) throw failed();
    }
    await this.users.recordLogin(creds.id, this.clock());
    return { userId: creds.id, userName: creds.name };
  }

  /**
   * Whether a signed-in user's password is this one (changing a password asks for the old one,
   * so a session left open does not let anyone lock its owner out).
   */
  async checkPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.users.findUser(userId);
    const creds = user ? await this.users.credentialsByName(user.name) : null;
    return creds?.passwordHash
      ? this.hasher.verify(creds.passwordHash, password)
      : this.hasher.verifyNothing(password);
  }
}

function failed(): MusterError {
  return new MusterError(ErrorCode.authFailed, LOGIN_FAILED);
}
