import { invalidInput } from '../domain/errors';

const NAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/**
 * The stored form of a user, role or scope name: trimmed and lower case, so `Alice` and `alice`
 * are one name. Throws invalid-input naming the field when it is empty or has other characters.
 */
export function normalizeName(text: string, what: 'user' | 'role' | 'scope'): string {
  const name = text.trim().toLowerCase();
  if (!NAME.test(name)) {
    throw invalidInput(
      `a ${what} name is 1 to 64 characters: letters, digits, ".", "_", "@" or "-", starting with a letter or digit (got "${text}")`,
      { field: 'name' },
    );
  }
  return name;
}
