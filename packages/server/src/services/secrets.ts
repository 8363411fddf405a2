import { createHash, randomBytes } from 'node:crypto';

/** A fresh random token for humans and scripts to carry (URL-safe, 256 bits). */
export function newSecretToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a secret token: its SHA-256. Tokens are long and random, so no salt. */
export function hashSecret(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A random identifier for records (128 bits, hex). */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** A random RFC 4122 version 4 GUID. */
export function newGuid(): string {
  return crypto.randomUUID();
}
