import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file so that a crash leaves either the old or the new content, never a torn one:
 * write a temporary file, fsync it, rename it over the old one, fsync the directory.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  try {
    const dir = openSync(dirname(path), 'r');
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}
