/** Outcome of checking an offsite root directory. */
export type OffsiteRootCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks the directory an offsite server stores into, as the spec asks: a full local path or a
 * UNC path, never a mapped drive (a mapped drive belongs to a logon session, so a service does
 * not see it). Pure: the caller passes the platform and, on Windows, the drive letters that are
 * mapped network drives (a drive letter alone cannot tell a local disk from a mapping).
 */
export function validateOffsiteRoot(
  path: string,
  platform: NodeJS.Platform,
  mappedDrives: readonly string[] = [],
): OffsiteRootCheck {
  if (typeof path !== 'string' || path.trim() === '') return { ok: false, reason: 'the path is empty' };
  if (path.includes('\0')) return { ok: false, reason: 'the path contains a NUL byte' };
  if (platform !== 'win32') {
    if (!path.startsWith('/')) return { ok: false, reason: 'give a full path starting with /' };
    if (path.split('/').includes('..')) return { ok: false, reason: 'the path must not contain ..' };
    return { ok: true };
  }
  if (/^[\\/]{2}[?.][\\/]/.test(path))
    return { ok: false, reason: 'device namespace paths are not supported' };
  const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)([\\/].*)?$/.exec(path);
  if (unc) return checkWindowsParts(path.slice(2));
  const drive = /^([a-zA-Z]):[\\/]/.exec(path);
  if (!drive)
    return { ok: false, reason: 'give a full local path (C:\\...) or a UNC path (\\\\host\\share\\...)' };
  const letter = drive[1]!.toUpperCase();
  if (mappedDrives.some((d) => d.replace(/:.*$/, '').toUpperCase() === letter))
    return { ok: false, reason: `${letter}: is a mapped network drive; give its UNC path instead` };
  return checkWindowsParts(path.slice(3));
}

function checkWindowsParts(rest: string): OffsiteRootCheck {
  for (const part of rest.split(/[\\/]+/)) {
    if (part === '..') return { ok: false, reason: 'the path must not contain ..' };
    if (/[<>:"|?*]/.test(part)) return { ok: false, reason: `invalid character in ${JSON.stringify(part)}` };
  }
  return { ok: true };
}
