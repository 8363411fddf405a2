import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { ReplicationError } from './replication-error';

/** Longest relative path accepted from the wire, in characters. */
export const MAX_WIRE_PATH = 4096;

/** Names Windows reserves for devices, with or without an extension. */
const DEVICE_NAMES = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Characters no Windows file system can hold (the offsite may be a Windows share). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
const FORBIDDEN_CHARS = /[\u0000-\u001f<>:"|?*\\]/;

/** Top-level names the offsite keeps for itself inside a local server's folder. */
export const RESERVED_PREFIX = '.muster-';

/** Outcome of checking a path received from the wire. */
export type WirePathCheck = { ok: true; parts: string[] } | { ok: false; reason: string };

/**
 * Checks a '/'-separated path relative to a local server's folder, as received from the wire.
 * Pure: refuses anything that could leave the folder or that a file system cannot hold, so the
 * same tree can live on Linux, a Windows disk or a UNC share.
 */
export function validateWirePath(path: unknown): WirePathCheck {
  if (typeof path !== 'string' || path.length === 0) return { ok: false, reason: 'empty path' };
  if (path.length > MAX_WIRE_PATH) return { ok: false, reason: 'path too long' };
  if (path.includes('\0')) return { ok: false, reason: 'NUL byte in path' };
  if (path.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (path.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[a-zA-Z]:/.test(path)) return { ok: false, reason: 'drive letter in path' };
  const parts = path.split('/');
  for (const part of parts) {
    const problem = componentProblem(part);
    if (problem) return { ok: false, reason: `${problem}: ${JSON.stringify(part.slice(0, 80))}` };
  }
  if (parts[0]!.toLowerCase().startsWith(RESERVED_PREFIX)) return { ok: false, reason: 'reserved name' };
  return { ok: true, parts };
}

function componentProblem(part: string): string | undefined {
  if (part === '') return 'empty path component';
  if (part === '.' || part === '..') return 'dot component';
  if (Buffer.byteLength(part) > 255) return 'name longer than 255 bytes';
  if (FORBIDDEN_CHARS.test(part)) return 'character not allowed';
  if (part.endsWith('.') || part.endsWith(' ')) return 'name ends with a dot or space';
  if (DEVICE_NAMES.test(part.split('.')[0]!.trimEnd())) return 'reserved device name';
  return undefined;
}

/**
 * Resolves a validated path inside `base`, refusing it when any existing component is a
 * symbolic link (or junction) or a parent is not a directory: a link planted in the tree must
 * never redirect a write outside. Returns the absolute path. A session may pass a set of
 * directories it already checked, to skip their lstat for each of thousands of small files.
 */
export async function resolveInside(
  base: string,
  parts: readonly string[],
  verifiedDirectories?: Set<string>,
): Promise<string> {
  let current = base;
  for (let i = 0; i < parts.length; i++) {
    current = join(current, parts[i]!);
    if (i < parts.length - 1 && verifiedDirectories?.has(current)) continue;
    // Synchronous: a lookup the kernel answers from its cache, cheaper than a thread-pool round
    // trip, and a name that does not exist yet (every new file) costs no exception.
    const stats = lstatSync(current, { throwIfNoEntry: false });
    if (!stats) return join(current, ...parts.slice(i + 1));
    if (stats.isSymbolicLink())
      throw new ReplicationError('path-refused', `symbolic link in path at ${parts[i]}`);
    if (i < parts.length - 1 && !stats.isDirectory())
      throw new ReplicationError('path-refused', `${parts.slice(0, i + 1).join('/')} is not a directory`);
    if (i < parts.length - 1) verifiedDirectories?.add(current);
    if (i === parts.length - 1 && !stats.isFile())
      throw new ReplicationError('path-refused', 'target exists and is not a regular file');
  }
  return current;
}

/** validateWirePath that throws a path-refused ReplicationError. */
export function wirePathParts(path: unknown): string[] {
  const check = validateWirePath(path);
  if (!check.ok) throw new ReplicationError('path-refused', check.reason);
  return check.parts;
}
