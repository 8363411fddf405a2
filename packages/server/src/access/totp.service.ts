import * as OTPAuth from 'otpauth';
import { invalidInput, notFound } from '../domain/errors';
import type { UserStore } from '../store/interfaces';

/** TOTP parameters: the RFC 6238 defaults every authenticator app understands. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** Codes of the step before and after are accepted too (clock drift between phone and server). */
const WINDOW = 1;

/** What a user needs to add Muster to an authenticator app. */
export interface TotpEnrollment {
  /** The shared secret in base32 (typed in by hand when the QR code cannot be scanned). */
  secret: string;
  /** The otpauth:// URI (the content of the QR code). */
  uri: string;
}

/**
 * TOTP second factor (RFC 6238, SHA-1, 6 digits, 30 s). A code is accepted within one step of
 * the server's clock, and only once: the store records the last step used, so the same code
 * (or an older one) replayed within its window is refused, on every server node.
 */
export class TotpService {
  constructor(
    private readonly users: UserStore,
    private readonly clock: () => number,
    private readonly issuer = 'Muster',
  ) {}

  /**
   * A new secret and its URI for a user. Nothing is stored yet: the user proves their app has it
   * with confirmEnrollment, so a scan that failed never locks them out.
   */
  newEnrollment(userName: string): TotpEnrollment {
    const secret = new OTPAuth.Secret({ size: 20 });
    return { secret: secret.base32, uri: this.totp(secret.base32, userName).toString() };
  }

  /**
   * Stores the secret once a code from it is right; the code's step counts as used. Throws
   * invalid-input for a wrong code or a malformed secret, not-found for an unknown user.
   */
  async confirmEnrollment(userId: string, secret: string, code: string): Promise<void> {
    const creds = await this.users.credentialsById(userId);
    if (!creds) throw notFound(`no user ${userId}`);
    let step: number | null;
    try {
      step = this.matchingStep(secret, creds.name, code);
    } catch {
      throw invalidInput('the TOTP secret is not valid base32', { field: 'secret' });
    }
    if (step === null)
      throw invalidInput('the code does not match this secret (check the phone clock)', { field: 'code' });
    await this.users.setTotpSecret(userId, secret, this.clock());
    await this.users.useTotpStep(userId, step);
  }

  /**
   * Whether a code is right for an enrolled user and not used before; a right code is used up
   * (its step recorded) in the same atomic store update that checks it.
   */
  async verify(userId: string, code: string): Promise<boolean> {
    const creds = await this.users.credentialsById(userId);
    if (!creds?.totpSecret) return false;
    const step = this.matchingStep(creds.totpSecret, creds.name, code);
    if (step === null) return false;
    return this.users.useTotpStep(userId, step);
  }

  /** Removes a user's TOTP (offline reset or an administrator's); false for an unknown user. */
  reset(userId: string): Promise<boolean> {
    return this.users.setTotpSecret(userId, null, this.clock());
  }

  /** The time step a code belongs to within the window, or null. */
  private matchingStep(secret: string, userName: string, code: string): number | null {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const timestamp = this.clock();
    const delta = this.totp(secret, userName).validate({ token, timestamp, window: WINDOW });
    if (delta === null) return null;
    return Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
  }

  private totp(secret: string, userName: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({
      issuer: this.issuer,
      label: userName,
      algorithm: 'SHA1',
      digits: DIGITS,
      period: PERIOD_SECONDS,
      secret: OTPAuth.Secret.fromBase32(secret),
    });
  }
}
