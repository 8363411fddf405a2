import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** What `muster login` keeps: a personal API token and the API it belongs to. */
export interface StoredLogin {
  /** The API address the token was made on; the token is sent to no other. */
  api: string;
  /** The user it acts as (for messages). */
  user: string;
  /** The token's id, to revoke it at logout. */
  tokenId: string;
  token: string;
}

/**
 * Where the login is kept: `$XDG_CONFIG_HOME/muster/token`, or `~/.config/muster/token`
 * (the XDG base directory rule: a relative XDG_CONFIG_HOME is ignored).
 */
export function loginFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'muster', 'token');
}

/** The same API address however it was typed (a trailing slash or none). */
export function sameApi(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** The stored login, or null when there is none (or the file is not one we wrote). */
export function readStoredLogin(file = loginFile()): StoredLogin | null {
  if (!existsSync(file)) return null;
  let parsed: Partial<StoredLogin>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredLogin>;
  } catch {
    return null;
  }
  const { api, user, tokenId, token } = parsed;
  if (typeof api !== 'string' || typeof token !== 'string' || typeof tokenId !== 'string') return null;
  return { api, user: typeof user === 'string' ? user : '?', tokenId, token };
}

/**
 * Stores a login: the directory is made private (0700) and the file is written whole with
 * mode 0600 and renamed into place, so no other user can read the token at any moment and a
 * crash never leaves half a file.
 */
export function writeStoredLogin(login: StoredLogin, file = loginFile()): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The directory may exist already with looser rights; it is ours (…/muster), so tighten it.
  chmodSync(dir, 0o700);
  const temporary = `${file}.${process.pid}.tmp`;
  // A leftover of a crashed run may have other rights: start from a new file ('wx').
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  // The mode given at creation is narrowed by the umask, never widened; set it exactly.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Removes the stored login (nothing happens when there is none). */
export function removeStoredLogin(file = loginFile()): void {
  rmSync(file, { force: true });
}
