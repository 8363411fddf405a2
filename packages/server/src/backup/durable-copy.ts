import { chmodSync, closeSync, copyFileSync, fsyncSync, openSync } from 'node:fs';

/** Flushes a file or directory to disk, so a rename that follows never exposes a half-written file after a crash. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies a file, gives it `mode`, and flushes it to disk. */
export function copyFileDurably(from: string, to: string, mode: number): void {
  copyFileSync(from, to);
  chmodSync(to, mode);
  fsyncPath(to);
}
