import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Drops a file's pages from the page cache (posix_fadvise DONTNEED, through GNU dd), as after a
 * reboot, so the executable an agent starts from is read from disk as an installed service's is.
 *
 * Why it matters to RSS: a file just written (the single executable, by postject or by the
 * install script's download) sits in the page cache in large folios, and on this kernel (ext4
 * with large folios, Linux 6.18) a page fault maps a whole cached folio into the process. The
 * same executable then shows about 11 MB more file-backed RSS than when read from disk, for
 * code it never runs (measured, /proc's RssFile of a single executable running `setInterval`
 * alone: 45,452 kB straight after the build, 30,412 kB once evicted; plain node 34,004 kB).
 * An agent started right after its install reads that much higher until the kernel reclaims
 * those pages. Pages that another process has mapped stay cached, so for `node` itself this
 * changes little.
 */
export function evictFromPageCache(file: string): void {
  execFileSync('dd', [`if=${file}`, 'of=/dev/null', 'iflag=nocache', 'count=0', 'status=none']);
}

/** A process's resident memory split as the kernel counts it, bytes. */
export interface RssSplit {
  /** Private memory: the JavaScript heap, malloc, stacks. */
  anonBytes: number;
  /** Pages of mapped files: the executable's code and read-only data, shared libraries. */
  fileBytes: number;
}

/** RssAnon and RssFile of /proc/<pid>/status. */
export function readRssSplit(pid: number): RssSplit {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { anonBytes: kib('RssAnon'), fileBytes: kib('RssFile') };
}
