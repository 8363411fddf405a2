import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

const WARM_CHUNK = 8 * 1024 * 1024;

/**
 * `sync -f`: writes back everything dirty on the file system holding `path`, timed. Run before
 * each pass (so no pass pays for the previous one's writes) and after it (rsync does not fsync,
 * Muster does: this is what rsync's wall time left unwritten). Seconds.
 */
export function flushFileSystem(path: string): number {
  const started = performance.now();
  const result = spawnSync('sync', ['-f', path], { stdio: 'ignore' });
  if (result.status !== 0) spawnSync('sync', [], { stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

/**
 * Reads files once so they sit in the page cache: every tool then starts with the changed
 * source files and its own copies of them cached, whatever ran before it.
 */
export function warmFiles(paths: readonly string[]): void {
  const buffer = Buffer.allocUnsafe(WARM_CHUNK);
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const fd = openSync(path, 'r');
    try {
      while (readSync(fd, buffer, 0, WARM_CHUNK, null) > 0) {
        // reading is the point
      }
    } finally {
      closeSync(fd);
    }
  }
}
