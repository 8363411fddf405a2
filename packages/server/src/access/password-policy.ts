import { invalidInput } from '../domain/errors';

/** The shortest password accepted. Length is what makes a password hard to guess. */
export const MIN_PASSWORD_LENGTH = 12;

/** The longest accepted: argon2 hashes any length, but a megabyte "password" is an attack. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Why a password is refused, or null when it is acceptable: not empty, at least 12 characters
 * (counted as characters, not bytes), not the user's name (in any case, nor reversed).
 */
export function passwordProblem(password: string, userName: string): string | null {
  if (password.length === 0) return 'the password is empty';
  if (password.trim().length === 0) return 'the password is only spaces';
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return `the password is too short: ${length} characters, at least ${MIN_PASSWORD_LENGTH} are needed`;
  }
  if (length > MAX_PASSWORD_LENGTH)
    return `the password is too long: at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  const name = userName.toLowerCase();
  if (lower === name || lower === [...name].reverse().join('')) return 'the password is the user name';
  return null;
}

/** Throws invalid-input with the reason when a password is refused. */
export function requireAcceptablePassword(password: string, userName: string): void {
  const problem = passwordProblem(password, userName);
  if (problem) throw invalidInput(problem, { field: 'password' });
}
